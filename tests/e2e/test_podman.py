"""Podman's Docker-compatible API (`podman system service`) through dockui's client and model.

The service runs with its own --root/--runroot in a temp dir, so the machine's podman
state is never touched. Podman 4.3 refuses to start containers with its default rlimits
on some hosts ("error setting rlimit"), hence the explicit Ulimits.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from e2e_support import BUSYBOX_REPO, BUSYBOX_TAG, busybox_rootfs_tar

from dockui.engine import DockerClient, parse_host
from dockui.engine.stats import parse_stats
from dockui.state.model import ConnState, EngineModel

pytestmark = [pytest.mark.e2e, pytest.mark.own_engine, pytest.mark.timeout(180)]

ULIMITS = [
    {"Name": "nofile", "Soft": 4096, "Hard": 4096},
    {"Name": "nproc", "Soft": 4096, "Hard": 4096},
]


def _spawn_service(root: Path, sock: Path) -> tuple[subprocess.Popen[bytes], object]:
    log = (root / "service.log").open("wb")
    cmd = [
        "podman",
        "--root",
        str(root / "root"),
        "--runroot",
        str(root / "run"),
        "system",
        "service",
        "--time=0",
        f"unix://{sock}",
    ]
    return subprocess.Popen(cmd, stdout=log, stderr=log), log


@pytest.fixture
async def podman() -> AsyncIterator[DockerClient]:
    if shutil.which("podman") is None:
        if os.environ.get("DOCKUI_E2E") == "required":
            pytest.fail("podman is needed for the podman e2e test (apt-get install podman)")
        pytest.skip("podman not installed")
    root = Path(tempfile.mkdtemp(prefix="dkpod."))
    sock = root / "p.sock"
    proc, log = _spawn_service(root, sock)
    client = DockerClient(parse_host(f"unix://{sock}"))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                await client.connect()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail((root / "service.log").read_text(errors="replace")[-2000:])
                await asyncio.sleep(0.2)
        await client.import_image(busybox_rootfs_tar(), repo=BUSYBOX_REPO, tag=BUSYBOX_TAG)
        yield client
    finally:
        await client.aclose()
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()  # type: ignore[attr-defined]
        umount = await asyncio.create_subprocess_exec(
            "sh", "-c", f"grep -o '{root}[^ ]*' /proc/mounts | sort -r | xargs -r umount -l"
        )
        await umount.wait()
        shutil.rmtree(root, ignore_errors=True)


async def test_podman_through_client_and_model(podman: DockerClient) -> None:
    assert podman.is_podman
    version = await podman.version()
    assert (version.get("Components") or [{}])[0].get("Name") == "Podman Engine"

    model = EngineModel(podman)
    runner = asyncio.create_task(model.run())
    try:
        await asyncio.wait_for(model.synced.wait(), 20)
        assert model.state == ConnState.LIVE
        cid = await podman.create_container(
            {
                "Image": f"{BUSYBOX_REPO}:{BUSYBOX_TAG}",
                "Cmd": [
                    "sh",
                    "-c",
                    "echo to-out; echo to-err >&2; trap 'exit 0' TERM; sleep 3600 & wait",
                ],
                "Labels": {"dockui.test": "1"},
                "HostConfig": {"Ulimits": ULIMITS},
            }
        )
        await podman.start(cid)

        # The model follows podman's events to the running state.
        deadline = time.monotonic() + 10
        while not (cid in model.containers and model.containers[cid].running):
            assert time.monotonic() < deadline, "podman start never reached the model"
            await asyncio.sleep(0.1)

        lines = [ln async for batch in podman.logs(cid) for ln in batch]
        assert {(ln.stream, ln.text) for ln in lines} >= {(1, "to-out"), (2, "to-err")}

        sample = parse_stats(await podman.stats_once(cid))
        assert sample.mem_used > 0 and sample.pids >= 1

        await podman.stop(cid, timeout=2)
        deadline = time.monotonic() + 10
        while model.containers.get(cid) is None or model.containers[cid].running:
            assert time.monotonic() < deadline, "podman stop never reached the model"
            await asyncio.sleep(0.1)

        await podman.remove_container(cid, force=True)
        deadline = time.monotonic() + 10
        while cid in model.containers:
            assert time.monotonic() < deadline, "podman remove never reached the model"
            await asyncio.sleep(0.1)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
