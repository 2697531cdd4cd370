"""Shared pieces of the fleet, context-switcher and swarm screen tests: simulated engines
on short socket paths (as tests/integration's `make_sim` does), a tiny App that pushes one
screen, and waiting for a condition while the app runs."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from dockui.engine.client import DockerClient
from dockui.sim import SimConfig, SimEngine

FAST: dict[str, Any] = {
    "seed": 1,
    "stats_interval": 0.05,
    "log_interval": 3600,
    "log_history": 0,
    "progress_delay": 0.0,
}


@asynccontextmanager
async def sims(*configs: dict[str, Any]) -> AsyncIterator[tuple[list[SimEngine], Path]]:
    """Start one simulated engine per config; yields them and their (short) socket dir."""
    # tmp_path can exceed the 108-byte limit of unix socket paths; /tmp stays short.
    tmp = Path(tempfile.mkdtemp(prefix="dsim-", dir="/tmp"))
    engines: list[SimEngine] = []
    try:
        for i, overrides in enumerate(configs):
            engine = SimEngine(SimConfig(**{**FAST, **overrides}))
            await engine.start(socket_path=str(tmp / f"s{i}.sock"))
            engines.append(engine)
        yield engines, tmp
    finally:
        for e in engines:
            await e.stop()
        shutil.rmtree(tmp, ignore_errors=True)


class PodmanPose(DockerClient):
    """A client that reports podman: the simulator speaks only Docker's dialect."""

    @property
    def is_podman(self) -> bool:
        return True


class ScreenApp(App[None]):
    """Pushes one screen at start, as the dashboard will."""

    def __init__(self, make_screen: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make_screen = make_screen
        self.messages: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())


async def wait_for(check: Callable[[], bool], pilot: Any, timeout: float = 5.0) -> None:
    """Let the app run until `check()` holds (engines answer asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)


def column(table: Any, key: str) -> list[str]:
    """The plain text of one column of a DataTable, in display order."""
    return [table.get_cell(rk, key).plain for rk in _row_keys(table)]


def _row_keys(table: Any) -> list[Any]:
    return [table.coordinate_to_cell_key((i, 0)).row_key for i in range(table.row_count)]


def row_keys(table: Any) -> list[str]:
    return [rk.value for rk in _row_keys(table)]
