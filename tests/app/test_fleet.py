"""The fleet screen on simulated engines, driven with Pilot: one overview row per engine,
one combined container list keyed engine/id, actions that reach the right engine, a dead
engine marked (and the others live), the podman note and the unencrypted warning."""

from __future__ import annotations

from typing import Any

from fleet_helpers import PodmanPose, ScreenApp, column, row_keys, sims, wait_for
from textual.widgets import DataTable, Static

from dockui.engine import DockerClient, parse_host
from dockui.state.fleet import Fleet
from dockui.state.fleet_stats import EngineUsage
from dockui.state.model import ConnState, EngineModel
from dockui.ui.screens.fleet import ConfirmAction, FleetScreen

SIZE = (200, 50)


def _fleet(hosts: list[str], *, podman: int | None = None) -> Fleet:
    models = []
    for i, h in enumerate(hosts):
        cls = PodmanPose if i == podman else DockerClient
        m = EngineModel(cls(parse_host(h)), name=f"e{i}", backoff_min=0.1, backoff_max=0.5)
        models.append(m)
    return Fleet(models)


def _tables(app: ScreenApp) -> tuple[DataTable[Any], DataTable[Any]]:
    screen = app.screen
    return (
        screen.query_one("#fleet-overview", DataTable),
        screen.query_one("#fleet-containers", DataTable),
    )


def _select(table: DataTable[Any], key: str) -> None:
    table.move_cursor(row=table.get_row_index(key), animate=False)


async def test_rows_engine_column_actions_and_a_dead_engine() -> None:
    # e0 and e1 use the same seed: the same container ids on two engines stay two rows.
    async with sims(
        {"containers": 4, "seed": 7}, {"containers": 4, "seed": 7}, {"containers": 6, "seed": 9}
    ) as (engines, tmp):
        hosts = [e.docker_host for e in engines] + [f"unix://{tmp}/nobody.sock"]
        fleet = _fleet(hosts)
        app = ScreenApp(lambda: FleetScreen(fleet))
        async with app.run_test(size=SIZE) as pilot:
            overview, table = _tables(app)
            await wait_for(lambda: table.row_count == 14, pilot)
            await wait_for(lambda: fleet.models[3].state == ConnState.DOWN, pilot)
            await pilot.pause(0.1)
            assert row_keys(overview) == ["e0", "e1", "e2", "e3"]
            states = column(overview, "state")
            assert states[:3] == ["live", "live", "live"]
            assert states[3].startswith("down (retry") and "no Docker engine" in states[3]
            assert column(overview, "containers")[2].endswith("/6")
            assert column(overview, "kind")[:3] == ["docker"] * 3
            assert column(overview, "cpus")[0] == "4" and column(overview, "memory")[0] == "8.0 GiB"
            engines_col = column(table, "engine")
            assert engines_col.count("e0") == engines_col.count("e1") == 4
            assert engines_col.count("e2") == 6 and "e3" not in engines_col
            shared = next(iter(fleet.models[0].containers))
            assert shared in fleet.models[1].containers
            assert {f"e0/{shared}", f"e1/{shared}"} <= set(row_keys(table))

            # Stop the running container on e1: e1's sim stops it, e0's twin stays running.
            sim0, sim1 = engines[0].state, engines[1].state
            running = next(c for c in sim1.containers.values() if c.status == "running")
            assert sim0.containers[running.id].status == "running"
            _select(table, f"e1/{running.id}")
            await pilot.press("s")
            await wait_for(lambda: sim1.containers[running.id].status == "exited", pilot)
            await wait_for(
                lambda: table.get_cell(f"e1/{running.id}", "state").plain == "exited", pilot
            )
            assert sim0.containers[running.id].status == "running"
            assert table.get_cell(f"e0/{running.id}", "state").plain == "running"

            # Remove asks first, naming the container and its engine; "n" keeps it.
            victim = next(c for c in engines[2].state.containers.values())
            _select(table, f"e2/{victim.id}")
            await pilot.press("d")
            await wait_for(lambda: isinstance(app.screen, ConfirmAction), pilot)
            question = str(app.screen.query_one("#confirm-question", Static).render())
            assert victim.name in question and "on engine e2" in question
            await pilot.press("n")
            await pilot.pause(0.2)
            assert victim.id in engines[2].state.containers
            await pilot.press("d")
            await wait_for(lambda: isinstance(app.screen, ConfirmAction), pilot)
            await pilot.press("y")
            await wait_for(lambda: victim.id not in engines[2].state.containers, pilot)
            await wait_for(lambda: f"e2/{victim.id}" not in row_keys(table), pilot)
            assert table.row_count == 13
            # The cursor stays on a real row and the others were never refilled.
            assert fleet.models[3].state == ConnState.DOWN
            assert column(overview, "state")[:3] == ["live", "live", "live"]


async def test_a_new_container_appears_by_diff_and_the_cursor_stays() -> None:
    async with sims({"containers": 5, "seed": 2}, {"containers": 5, "seed": 3}) as (engines, _):
        fleet = _fleet([e.docker_host for e in engines])
        app = ScreenApp(lambda: FleetScreen(fleet))
        async with app.run_test(size=SIZE) as pilot:
            _, table = _tables(app)
            await wait_for(lambda: table.row_count == 10, pilot)
            keys = row_keys(table)
            _select(table, keys[7])
            before = {k: table.get_row(k) for k in keys}
            ctr = engines[0].state.create_container("busybox:latest", "aaa-first", cmd=["sh"])
            await wait_for(lambda: table.row_count == 11, pilot)
            assert f"e0/{ctr.id}" in row_keys(table)
            # Sorted by engine then name: the new row is first, and the cursor followed
            # its container rather than its index.
            assert row_keys(table)[0] == f"e0/{ctr.id}"
            assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == keys[7]
            assert all(table.get_row(k) == v for k, v in before.items())


async def test_read_only_refuses_actions() -> None:
    async with sims({"containers": 3, "seed": 4}) as (engines, _):
        fleet = _fleet([engines[0].docker_host])
        app = ScreenApp(lambda: FleetScreen(fleet, read_only=True))
        async with app.run_test(size=SIZE) as pilot:
            _, table = _tables(app)
            await wait_for(lambda: table.row_count == 3, pilot)
            states = {c.id: c.status for c in engines[0].state.containers.values()}
            await pilot.press("j", "j", "k")
            assert table.cursor_row == 1
            for key in ("s", "d", "u", "r"):
                await pilot.press(key)
            await pilot.pause(0.2)
            assert not isinstance(app.screen, ConfirmAction)
            assert {c.id: c.status for c in engines[0].state.containers.values()} == states


async def test_podman_note_totals_and_unencrypted_warning() -> None:
    async with sims({"containers": 2, "seed": 5}, {"containers": 2, "seed": 6}) as (engines, _):
        # 192.0.2.1 is TEST-NET-1: never answers, and plain tcp to it is not loopback.
        hosts = [e.docker_host for e in engines] + ["tcp://192.0.2.1:2375"]
        fleet = _fleet(hosts, podman=1)

        def totals(model: EngineModel) -> EngineUsage:
            if model.name == "e0":
                return EngineUsage(12.5, 3 * 1024**2, 2, 2, 4, 8 * 1024**3)
            return EngineUsage(1.0, 1024**2, 1, 2, 4, 8 * 1024**3)

        app = ScreenApp(lambda: FleetScreen(fleet, totals=totals))
        async with app.run_test(size=SIZE) as pilot:
            overview, table = _tables(app)
            await wait_for(lambda: table.row_count == 4, pilot)
            await wait_for(lambda: column(overview, "kind")[:2] == ["docker", "podman"], pilot)
            notes = str(app.screen.query_one("#fleet-notes", Static).render())
            assert "e1 is podman" in notes and "every 5 s" in notes
            warning = str(app.screen.query_one("#fleet-warnings", Static).render())
            assert "unencrypted" in warning and "e2" in warning and "192.0.2.1" in warning
            assert "e0" not in warning and "e1" not in warning
            assert column(overview, "url")[2].startswith("⚠ ")
            # Only one of e1's two running containers has figures: the cell says so.
            assert column(overview, "cpu_use") == ["12.5%", "1.0% (1/2)", "–"]
            assert column(overview, "mem_use") == ["3.0 MiB", "1.0 MiB", "–"]


async def test_first_fill_leaves_the_cursor_at_the_top() -> None:
    # Engines answer in any order; the cursor must not follow whichever row was first
    # before the others arrived.
    async with sims(
        {"containers": 40, "seed": 1}, {"containers": 40, "seed": 2}, {"containers": 40, "seed": 3}
    ) as (engines, _):
        fleet = _fleet([e.docker_host for e in reversed(engines)])
        app = ScreenApp(lambda: FleetScreen(fleet))
        async with app.run_test(size=SIZE) as pilot:
            _, table = _tables(app)
            await wait_for(lambda: table.row_count == 120, pilot)
            await pilot.pause(0.1)
            assert table.cursor_row == 0 and table.scroll_y == 0
            names = list(zip(column(table, "engine"), column(table, "name"), strict=True))
            assert names == sorted(names)
