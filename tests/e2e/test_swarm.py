"""Swarm on a test-only dockerd: service create → scale → tasks → update → remove, nodes.

The second daemon runs in its own network namespace (`unshare -n`), so its docker0,
docker_gwbridge and ingress never touch the host's networks or the shared engine.
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

from dockui.engine import DockerClient, NotSupported, parse_host
from dockui.engine.swarm import SwarmAPI, swarm_role

pytestmark = [pytest.mark.e2e, pytest.mark.own_engine, pytest.mark.timeout(180)]


def _start_daemon(root: Path) -> subprocess.Popen[bytes]:
    sock = root / "d.sock"
    cmd = (
        "ip link set lo up && exec dockerd "
        f"--data-root {root / 'data'} --exec-root {root / 'exec'} --pidfile {root / 'pid'} "
        f"-H unix://{sock}"
    )
    log = open(root / "dockerd.log", "wb")
    return subprocess.Popen(["unshare", "-n", "sh", "-c", cmd], stdout=log, stderr=log)


@pytest.fixture
async def swarm_engine() -> AsyncIterator[DockerClient]:
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


async def _wait_for(pred, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        if await pred():
            return
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.3)


async def test_swarm_services_tasks_nodes(swarm_engine: DockerClient) -> None:
    api = SwarmAPI(swarm_engine)
    assert swarm_role(await swarm_engine.info()) == ""
    with pytest.raises(NotSupported, match="not a swarm manager"):
        await api.services()

    await api.init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
    assert swarm_role(await swarm_engine.info()) == "manager"

    nodes = await api.nodes()
    assert len(nodes) == 1 and nodes[0].role == "manager" and nodes[0].leader
    assert nodes[0].status == "ready" and nodes[0].availability == "active"

    sid = await api.create_service(
        {
            "Name": "dockui-test-web",
            "Labels": {"dockui.test": "1"},
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": f"{BUSYBOX_REPO}:{BUSYBOX_TAG}",
                    "Command": ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"],
                }
            },
            "Mode": {"Replicated": {"Replicas": 1}},
        }
    )

    async def running(n: int) -> bool:
        svc = (await api.services(filters={"id": [sid]}))[0]
        return svc.running == n and svc.desired == n

    await _wait_for(lambda: running(1))
    await api.scale_service(sid, 3)
    await _wait_for(lambda: running(3))
    svc = await api.inspect_service(sid)
    assert (svc.name, svc.mode, svc.replicas) == ("dockui-test-web", "replicated", 3)
    tasks = [t for t in await api.tasks(service=sid) if t.desired_state == "running"]
    assert sorted(t.slot for t in tasks) == [1, 2, 3]
    assert all(t.node_id == nodes[0].id for t in tasks)

    version_before = svc.version
    await api.force_update_service(sid)
    assert (await api.inspect_service(sid)).version > version_before

    await api.set_node_availability(nodes[0].id, "drain")
    assert (await api.nodes())[0].availability == "drain"
    await api.set_node_availability(nodes[0].id, "active")
    assert (await api.nodes())[0].availability == "active"

    await api.remove_service(sid)
    assert await api.services() == []
    await api.leave(force=True)
