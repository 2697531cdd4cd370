"""SVG snapshots of each pane on a seeded simulated engine with a frozen clock.

The engine runs in its own thread (snap_compare drives the app on its own loop); stats
are off so CPU/MEM show their placeholder, and ages come from the frozen clock.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from dockui.engine import DockerClient, parse_host
from dockui.sim import FrozenClock, SimConfig, SimEngine
from dockui.state.model import EngineModel
from dockui.ui.app import DockuiApp

SIZE = (150, 40)


@pytest.fixture
def sim_thread() -> Iterator[tuple[SimEngine, FrozenClock]]:
    tmp = tempfile.mkdtemp(prefix="dsnap-", dir="/tmp")
    clock = FrozenClock()
    engine = SimEngine(
        SimConfig(containers=24, seed=5, clock=clock, log_interval=3600, stats_interval=3600)
    )
    engine.start_in_thread(socket_path=f"{tmp}/s.sock")
    yield engine, clock
    engine.stop_in_thread()
    shutil.rmtree(tmp, ignore_errors=True)


def make_app(engine: SimEngine, clock: FrozenClock) -> DockuiApp:
    # A fixed name: the header shows the target, and the socket path is random.
    target = replace(parse_host(f"unix://{engine.socket_path}"), name="simulated engine")
    model = EngineModel(DockerClient(target))
    return DockuiApp(model=model, stats=False, now=clock.now)


def settle(key: str) -> Any:
    async def run_before(pilot: Any) -> None:
        app = pilot.app
        await asyncio.wait_for(app.model.synced.wait(), 10)
        await pilot.press(key)
        await pilot.pause(0.2)

    return run_before


@pytest.mark.parametrize("key,pane", [("1", "containers"), ("2", "images"), ("3", "networks")])
def test_pane_snapshot(snap_compare: Any, sim_thread: Any, key: str, pane: str) -> None:
    engine, clock = sim_thread
    app = make_app(engine, clock)
    assert snap_compare(app, terminal_size=SIZE, run_before=settle(key))


def test_volumes_pane_snapshot(snap_compare: Any, sim_thread: Any) -> None:
    engine, clock = sim_thread
    app = make_app(engine, clock)

    async def run_before(pilot: Any) -> None:
        await asyncio.wait_for(pilot.app.model.synced.wait(), 10)
        await pilot.press("4")
        # Sizes come from /system/df, loaded when the pane is first shown.
        for _ in range(100):
            if pilot.app.model.volume_sizes:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
