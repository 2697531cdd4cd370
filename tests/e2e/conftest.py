"""Fixtures of the end-to-end layer: a client on the real engine, the test image, and
factories for labelled containers, networks, volumes and images that clean up after.

Event loops: pytest-asyncio gives every test its own loop, so the only async fixtures are
function-scoped; the session-wide image import runs its own short loop with asyncio.run.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from e2e_support import (
    BUSYBOX,
    LABELS,
    SLEEPER,
    ensure_busybox_image,
    unique_name,
)

from dockui.engine import DockerClient, Forbidden, NotFound, Target, parse_host

# A second label, unique to this pytest session, so prunes here can never touch objects
# another session (another engineer, a parallel CI job) labelled dockui.test=1.
RUN_LABEL = "dockui.test.run"

ContainerFactory = Callable[..., Awaitable[str]]
NetworkFactory = Callable[..., Awaitable[str]]
VolumeFactory = Callable[..., Awaitable[str]]


@pytest.fixture(scope="session")
def engine_target(engine_socket: str) -> Target:
    return parse_host(f"unix://{engine_socket}", source="e2e")


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:12]


@pytest.fixture(scope="session")
def run_labels(run_id: str) -> dict[str, str]:
    """Labels for objects a test may prune: the shared test label plus this session's."""
    return {**LABELS, RUN_LABEL: run_id}


@pytest.fixture(scope="session")
def busybox_image(engine_target: Target) -> str:
    """`dockui-test/busybox:latest`, imported once per session when missing."""
    asyncio.run(ensure_busybox_image(engine_target))
    return BUSYBOX


@pytest.fixture
async def engine_client(engine_target: Target) -> AsyncIterator[DockerClient]:
    """A connected client on the shared engine, in this test's event loop."""
    async with DockerClient(engine_target) as client:
        yield client


@pytest.fixture
async def make_network(engine_client: DockerClient) -> AsyncIterator[NetworkFactory]:
    """`await make_network(**create_network kwargs) -> id`; labelled, removed at teardown."""
    created: list[str] = []

    async def make(name: str | None = None, **kw: Any) -> str:
        labels = {**LABELS, **(kw.pop("labels", None) or {})}
        nid = await engine_client.create_network(name or unique_name("net"), labels=labels, **kw)
        created.append(nid)
        return nid

    yield make
    for nid in reversed(created):
        with contextlib.suppress(NotFound):
            try:
                await engine_client.remove_network(nid)
            except Forbidden:  # a test left an endpoint behind: detach it, then remove
                net = await engine_client.inspect_network(nid)
                for cid in net.containers:
                    await engine_client.disconnect_network(nid, cid, force=True)
                await engine_client.remove_network(nid)


@pytest.fixture
async def make_volume(engine_client: DockerClient) -> AsyncIterator[VolumeFactory]:
    """`await make_volume(**create_volume kwargs) -> name`; labelled, removed at teardown."""
    created: list[str] = []

    async def make(name: str | None = None, **kw: Any) -> str:
        labels = {**LABELS, **(kw.pop("labels", None) or {})}
        vol = await engine_client.create_volume(name or unique_name("vol"), labels=labels, **kw)
        created.append(vol.name)
        return vol.name

    yield make
    for name in reversed(created):
        with contextlib.suppress(NotFound):
            await engine_client.remove_volume(name, force=True)


@pytest.fixture
async def make_container(
    engine_client: DockerClient,
    busybox_image: str,
    make_network: NetworkFactory,
    make_volume: VolumeFactory,
) -> AsyncIterator[ContainerFactory]:
    """`await make_container(cmd, start=True, tty=False, ...) -> id`; force-removed at teardown.

    It depends on the network and volume factories only so that pytest tears containers
    down first: a network or volume still in use by a container cannot be removed.
    """
    created: list[str] = []

    async def make(
        cmd: list[str] | None = None,
        *,
        start: bool = True,
        tty: bool = False,
        name: str | None = None,
        labels: dict[str, str] | None = None,
        host_config: dict[str, Any] | None = None,
        image: str | None = None,
        **config: Any,
    ) -> str:
        body: dict[str, Any] = {
            "Image": image or busybox_image,
            "Cmd": cmd or SLEEPER,
            "Tty": tty,
            "OpenStdin": tty,
            "Labels": {**LABELS, **(labels or {})},
            "HostConfig": host_config or {},
            **config,
        }
        cid = await engine_client.create_container(body, name=name or unique_name("ctr"))
        created.append(cid)
        if start:
            await engine_client.start(cid)
        return cid

    yield make
    for cid in reversed(created):
        with contextlib.suppress(NotFound):
            await engine_client.remove_container(cid, force=True, volumes=True)


@pytest.fixture
async def image_cleanup(engine_client: DockerClient) -> AsyncIterator[list[str]]:
    """Append image refs or ids a test creates; they are force-removed at teardown."""
    refs: list[str] = []
    yield refs
    for ref in reversed(refs):
        with contextlib.suppress(NotFound):
            await engine_client.remove_image(ref, force=True)
