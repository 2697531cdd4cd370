"""Shared pieces of the container-detail app tests: a simulated engine with one known
container, and a tiny App that pushes the detail screen on it."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from textual.app import App

from dockui.engine import DockerClient, parse_host
from dockui.sim import SimConfig, SimEngine
from dockui.sim.objects import Container
from dockui.ui.screens.container_detail import ContainerDetailScreen

ENV = ["DB_PASSWORD=hunter2", "API_TOKEN=tok-123", "PLAIN_SETTING=visible-value"]
LOG_LINES: list[tuple[int, str]] = [
    (1, "alpha one"),
    (2, "beta two on stderr"),
    (1, "\x1b[31malpha red\x1b[0m with colour"),
    (1, "gamma \x1b]52;c;aGVsbG8=\x07clip \x1b]0;EVILTITLE\x07title \x1b[2Jclear\x9b2Jend"),
    (2, "delta error 42"),
]


@dataclass
class SimContainer:
    engine: SimEngine
    client: DockerClient
    container: Container

    @property
    def id(self) -> str:
        return self.container.id

    def log(self, stream: int, text: str) -> None:
        """Append a log line now (followers get it)."""
        self.engine.logs.append(self.container, stream, text)


@asynccontextmanager
async def sim_container(**config: Any) -> AsyncIterator[SimContainer]:
    """A quiet simulated engine (no random log lines) with one running container."""
    tmp = tempfile.mkdtemp(prefix="dsim-", dir="/tmp")
    engine = SimEngine(
        SimConfig(
            containers=1,
            seed=3,
            log_history=0,
            log_interval=3600,
            stats_interval=0.05,
            **config,
        )
    )
    await engine.start(socket_path=f"{tmp}/s.sock")
    try:
        ctr = engine.state.create_container("busybox:latest", "probe", env=ENV, cmd=["sh"])
        engine.state.start_container(ctr.id)
        async with DockerClient(parse_host(f"unix://{tmp}/s.sock")) as client:
            sc = SimContainer(engine, client, ctr)
            for stream, text in LOG_LINES:
                sc.log(stream, text)
            yield sc
    finally:
        await engine.stop()
        shutil.rmtree(tmp, ignore_errors=True)


class DetailApp(App[None]):
    """Pushes the detail screen at start, as the dashboard will."""

    def __init__(self, client: DockerClient, cid: str, tab: str = "logs", **kw: Any) -> None:
        super().__init__()
        self.client = client
        self.cid = cid
        self.tab = tab
        self.kw = kw

    def on_mount(self) -> None:
        self.push_screen(
            ContainerDetailScreen(self.client, self.cid, "probe", tab=self.tab, **self.kw)
        )


async def wait_for(check: Callable[[], bool], pilot: Any, timeout: float = 5.0) -> None:
    """Let the app run until `check()` holds (streams deliver asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)
