"""A full screen over the dashboard (engine screen, fleet, details) holds the dashboard's
updates: Textual repaints the screen under the top one, so applying them there costs the
loop for nothing. They are applied at once when the dashboard shows again; a modal leaves
the dashboard in view and live."""

from __future__ import annotations

from fleet_helpers import row_keys, sims, wait_for
from textual.widgets import Static

from dockui.engine import DockerClient, parse_host
from dockui.ui.app import DockuiApp
from dockui.ui.screens.system import SystemScreen

BODY = {"Image": "busybox:latest", "Cmd": ["sleep", "60"]}  # created, not started


async def test_updates_wait_under_a_full_screen_and_land_when_it_closes() -> None:
    async with sims({"containers": 5, "seed": 2}) as (engines, _tmp):
        target = parse_host(engines[0].docker_host)
        app = DockuiApp([target], stats=False)
        async with app.run_test(size=(160, 45)) as pilot, DockerClient(target) as outside:
            table = app.containers_pane.table
            await wait_for(lambda: app.model.synced.is_set() and bool(row_keys(table)), pilot)
            header = app.query_one("#header", Static)
            await pilot.press("S")
            await wait_for(lambda: isinstance(app.screen, SystemScreen), pilot)
            cid = await outside.create_container(BODY, name="made-while-covered")
            await wait_for(lambda: cid in app.model.containers, pilot)
            await pilot.pause(0.3)  # several batch intervals
            assert cid not in row_keys(table)  # held, not applied under the engine screen
            assert "6 containers (" not in str(header.render())
            await pilot.press("escape")
            await wait_for(lambda: cid in row_keys(table), pilot, timeout=2)
            assert "6 containers (" in str(header.render())


async def test_a_modal_leaves_the_dashboard_live() -> None:
    async with sims({"containers": 5, "seed": 2}) as (engines, _tmp):
        target = parse_host(engines[0].docker_host)
        app = DockuiApp([target], stats=False)
        async with app.run_test(size=(160, 45)) as pilot, DockerClient(target) as outside:
            table = app.containers_pane.table
            await wait_for(lambda: app.model.synced.is_set() and bool(row_keys(table)), pilot)
            await pilot.press("question_mark")  # help is a modal over the dashboard
            await pilot.pause(0.1)
            assert app.screen is not app.screen_stack[0]
            cid = await outside.create_container(BODY, name="made-under-help")
            await wait_for(lambda: cid in row_keys(table), pilot, timeout=2)
