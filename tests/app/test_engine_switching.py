"""The dashboard's ways to other engines: fleet view at start for several engines,
switching the dashboard to a fleet row, the context switcher and the swarm screen."""

from __future__ import annotations

import json
from pathlib import Path

from fleet_helpers import sims, wait_for
from textual.widgets import DataTable, Static

from dockui.engine.contexts import context_id
from dockui.engine.targets import parse_host
from dockui.state.model import ConnState
from dockui.ui.app import DockuiApp
from dockui.ui.screens.contexts import ContextSwitcher
from dockui.ui.screens.fleet import FleetScreen
from dockui.ui.screens.swarm import SwarmScreen


def shown(app: DockuiApp) -> int:
    """Container rows on screen (compose project headers are rows too)."""
    return sum(1 for r in app.containers_pane.rows if not r.header)


async def test_several_engines_open_the_fleet_and_a_row_switches_the_dashboard() -> None:
    async with sims({"containers": 4, "seed": 2}, {"containers": 9, "seed": 3}) as (engines, _):
        targets = [parse_host(e.docker_host) for e in engines]
        app = DockuiApp(targets, stats=False)
        async with app.run_test(size=(160, 45)) as pilot:
            await wait_for(lambda: isinstance(app.screen, FleetScreen), pilot)
            fleet = app.fleet
            assert fleet is not None and len(fleet.models) == 2
            await wait_for(lambda: all(m.state == ConnState.LIVE for m in fleet.models), pilot)
            overview = app.screen.query_one("#fleet-overview", DataTable)
            overview.focus()
            overview.move_cursor(row=1)
            await pilot.press("enter")
            await wait_for(lambda: not isinstance(app.screen, FleetScreen), pilot)
            assert app.model is fleet.models[1]
            await wait_for(lambda: shown(app) == 9, pilot)
            # The engine we left keeps running: its fleet row stays live.
            assert fleet.models[0].state == ConnState.LIVE
            # F brings the fleet back from the dashboard.
            await pilot.press("F")
            await wait_for(lambda: isinstance(app.screen, FleetScreen), pilot)


async def test_context_switch_and_swarm_screen(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    async with sims({"containers": 3, "seed": 4}, {"containers": 6, "seed": 5}) as (engines, _):
        cfg = tmp_path / "docker"
        meta = cfg / "contexts" / "meta" / context_id("second")
        meta.mkdir(parents=True)
        (meta / "meta.json").write_text(
            json.dumps(
                {
                    "Name": "second",
                    "Metadata": {"Description": "the other sim"},
                    "Endpoints": {"docker": {"Host": engines[1].docker_host}},
                }
            )
        )
        monkeypatch.setenv("DOCKER_CONFIG", str(cfg))
        monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
        app = DockuiApp([parse_host(engines[0].docker_host)], stats=False)
        async with app.run_test(size=(160, 45)) as pilot:
            await wait_for(lambda: shown(app) == 3, pilot)
            first = app.model
            await pilot.press("C")
            await wait_for(lambda: isinstance(app.screen, ContextSwitcher), pilot)
            contexts = app.screen.query_one("#contexts", DataTable)
            contexts.move_cursor(row=1)  # "default" first, then "second"
            await pilot.press("enter")
            await wait_for(lambda: app.model is not first and shown(app) == 6, pilot)
            assert app.model.client.target.name == "second"
            await pilot.press("W")
            await wait_for(lambda: isinstance(app.screen, SwarmScreen), pilot)
            message = app.screen.query_one("#swarm-message", Static)
            await wait_for(lambda: "inactive" in str(message.render()), pilot)
