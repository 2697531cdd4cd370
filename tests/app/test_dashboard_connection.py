"""No engine at start, engine restarts, the demo switch: the app never gives up."""

from __future__ import annotations

import asyncio
import shutil
import tempfile

from dashboard_helpers import dashboard

from dockui.engine import DockerClient, parse_host
from dockui.sim import SimConfig, SimEngine
from dockui.state.model import ConnState, EngineModel
from dockui.ui.app import DockuiApp
from dockui.ui.screens.connection import ConnectionScreen


async def test_no_engine_opens_the_connection_screen_then_recovers_by_itself() -> None:
    tmp = tempfile.mkdtemp(prefix="dconn-", dir="/tmp")
    socket = f"{tmp}/later.sock"
    model = EngineModel(
        DockerClient(parse_host(f"unix://{socket}")), backoff_min=0.1, backoff_max=0.3
    )
    app = DockuiApp(model=model, stats=False)
    engine = SimEngine(SimConfig(containers=5, seed=2))
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(100):
                if isinstance(app.screen, ConnectionScreen):
                    break
                await pilot.pause(0.02)
            assert isinstance(app.screen, ConnectionScreen)
            await pilot.pause(0.1)
            why = str(app.screen.query_one("#conn-why").render())
            todo = str(app.screen.query_one("#conn-todo").render())
            where = str(app.screen.query_one("#conn-where").render())
            assert "does not exist" in why
            assert "start the engine" in todo and "press d" in todo
            assert socket in where and "DOCKER_HOST" in where
            await engine.start(socket_path=socket)
            await pilot.press("r")
            await asyncio.wait_for(model.synced.wait(), 5)
            for _ in range(100):
                if not isinstance(app.screen, ConnectionScreen):
                    break
                await pilot.pause(0.02)
            assert not isinstance(app.screen, ConnectionScreen)
            assert len(app.panes["containers"].table.order) >= 5
    finally:
        await engine.stop()
        shutil.rmtree(tmp, ignore_errors=True)


async def test_demo_key_on_the_connection_screen_switches_to_the_simulator() -> None:
    model = EngineModel(DockerClient(parse_host("unix:///tmp/dockui-nothing-here.sock")))
    app = DockuiApp(model=model, stats=False, demo_containers=8)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            if isinstance(app.screen, ConnectionScreen):
                break
            await pilot.pause(0.02)
        await pilot.press("d")
        for _ in range(250):
            if app.model.state == ConnState.LIVE and app.panes["containers"].table.order:
                break
            await pilot.pause(0.02)
        assert app.demo and app.model is not model
        assert not isinstance(app.screen, ConnectionScreen)
        assert "DEMO" in str(app.query_one("#header").render())


async def test_engine_restart_keeps_rows_says_reconnecting_and_catches_up() -> None:
    async with dashboard() as d:
        d.model.backoff_min = 0.05
        rows = len(d.app.pane.table.order)
        task = asyncio.ensure_future(d.engine.restart(down=0.6))
        await d.until(lambda: d.model.state == ConnState.RECONNECTING)
        assert "reconnecting" in str(d.app.query_one("#header").render())
        assert len(d.app.pane.table.order) == rows  # the last known state stays
        # A change made while we are away must show up after the resync.
        c = d.state.create_container("busybox:latest", "t-while-away", cmd=["sh"])
        await task
        await d.until(lambda: d.model.state == ConnState.LIVE, timeout=5)
        await d.until(lambda: c.id in d.app.pane.table.order, timeout=2)
        assert "live" in str(d.app.query_one("#header").render())
        d.state.start_container(c.id)
        await d.until(lambda: d.model.containers[c.id].running, timeout=2)
