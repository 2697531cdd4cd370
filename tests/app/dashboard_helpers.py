"""Shared pieces of the dashboard tests: a simulated engine and the app running on it.

`dashboard(**config)` starts a SimEngine (frozen clock, quiet stats) on a fresh socket,
builds the app on a live model of it, runs it headless and waits until the model has
listed everything, so a test starts on a full dashboard.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from textual.pilot import Pilot

from dockui.engine import DockerClient, parse_host
from dockui.sim import FrozenClock, SimConfig, SimEngine
from dockui.state.model import EngineModel
from dockui.ui.app import DockuiApp

SIZE = (160, 45)


@dataclass
class Dash:
    engine: SimEngine
    model: EngineModel
    app: DockuiApp
    pilot: Pilot[None]
    socket: str

    @property
    def state(self) -> Any:
        return self.engine.state

    async def settle(self, seconds: float = 0.15) -> None:
        """Let events reach the model and the model's coalesced refresh reach the table."""
        await self.pilot.pause(seconds)

    async def until(self, predicate: Callable[[], bool], timeout: float = 3.0) -> None:
        """Wait for `predicate()` (events and workers run meanwhile); fail on timeout."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not predicate():
            if loop.time() > end:
                raise AssertionError("condition not met in time")
            await self.pilot.pause(0.02)

    async def cursor_to(self, cid: str) -> None:
        table = self.app.pane.table
        assert table.move_to_key(cid), f"no row {cid[:12]}"
        await self.pilot.pause()

    def find(self, name: str) -> Any:
        return self.state.find_container(name)


@asynccontextmanager
async def dashboard(
    *, read_only: bool = False, stats: bool = False, size: tuple[int, int] = SIZE, **config: Any
) -> AsyncIterator[Dash]:
    tmp = tempfile.mkdtemp(prefix="ddash-", dir="/tmp")
    clock = FrozenClock()
    cfg: dict[str, Any] = {
        "containers": 20,
        "seed": 1,
        "clock": clock,
        "stats_interval": 0.05,
        "log_interval": 3600,
        "progress_delay": 0.0,
    }
    cfg.update(config)
    engine = SimEngine(SimConfig(**cfg))
    socket = f"{tmp}/s.sock"
    await engine.start(socket_path=socket)
    model = EngineModel(DockerClient(parse_host(f"unix://{socket}")), coalesce=0.01)
    app = DockuiApp(model=model, read_only=read_only, stats=stats, now=clock.now)
    try:
        async with app.run_test(size=size) as pilot:
            await asyncio.wait_for(model.synced.wait(), 5)
            await pilot.pause()
            yield Dash(engine, model, app, pilot, socket)
    finally:
        await engine.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def plain_rows(app: DockuiApp) -> list[str]:
    """The shown rows of the current pane as plain text, one string per row."""
    table = app.pane.table
    return [" | ".join(c.plain for c in table.get_row(key)) for key in table.order]


def notifications(app: DockuiApp) -> list[str]:
    return [n.message for n in app._notifications]
