"""Swarm on a test-only dockerd: service create → scale → tasks → update → remove, nodes.

The second daemon runs in its own network namespace (`unshare -n`), so its docker0,
docker_gwbridge and ingress never touch the host's networks or the shared engine.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from e2e_support import BUSYBOX_REPO, BUSYBOX_TAG
from swarm_support import swarm_daemon

from dockui.engine import DockerClient, NotSupported
from dockui.engine.swarm import SwarmAPI, swarm_role

pytestmark = [pytest.mark.e2e, pytest.mark.own_engine, pytest.mark.timeout(180)]


@pytest.fixture
async def swarm_engine() -> AsyncIterator[DockerClient]:
    async with swarm_daemon() as client:
        yield client


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
