"""A test-only dockerd for swarm tests, in its own network namespace.

`unshare -n` gives the daemon its own docker0, docker_gwbridge and ingress, so swarm mode
never touches the host's networks or the shared engine. The daemon has its own
data-root, exec-root, pidfile and unix socket under a short /tmp directory (unix socket
paths are capped), and the test image is imported into it. Used by test_swarm.py and
test_swarm_screen.py.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from e2e_support import BUSYBOX_REPO, BUSYBOX_TAG, busybox_rootfs_tar

from dockui.engine import DockerClient, parse_host


def _start_daemon(root: Path) -> subprocess.Popen[bytes]:
    sock = root / "d.sock"
    cmd = (
        "ip link set lo up && exec dockerd "
        f"--data-root {root / 'data'} --exec-root {root / 'exec'} --pidfile {root / 'pid'} "
        f"-H unix://{sock}"
    )
    log = open(root / "dockerd.log", "wb")
    return subprocess.Popen(["unshare", "-n", "sh", "-c", cmd], stdout=log, stderr=log)


@asynccontextmanager
async def swarm_daemon() -> AsyncIterator[DockerClient]:
    """A connected client on a fresh dockerd (not yet in a swarm) with the test image."""
    if shutil.which("dockerd") is None or shutil.which("unshare") is None:
        if os.environ.get("DOCKUI_E2E") == "required":
            pytest.fail("dockerd and unshare are needed for the swarm e2e test")
        pytest.skip("dockerd not installed")
    root = Path(tempfile.mkdtemp(prefix="dkswarm."))  # short: unix socket paths are capped
    proc = _start_daemon(root)
    client = DockerClient(parse_host(f"unix://{root / 'd.sock'}"))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                await client.connect()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (root / "dockerd.log").read_text(errors="replace")[-2000:]
                    pytest.fail(f"the swarm test daemon did not start:\n{log}")
                await asyncio.sleep(0.3)
        await client.import_image(busybox_rootfs_tar(), repo=BUSYBOX_REPO, tag=BUSYBOX_TAG)
        yield client
    finally:
        await client.aclose()
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        # Lazy-unmount whatever the daemon left mounted under its root before deleting it.
        umount = await asyncio.create_subprocess_exec(
            "sh", "-c", f"grep -o '{root}[^ ]*' /proc/mounts | xargs -r umount -l"
        )
        await umount.wait()
        shutil.rmtree(root, ignore_errors=True)
