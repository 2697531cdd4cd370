"""The fleet view's live stats repaint only what moved: a new figure for one row on
screen re-renders that row alone, a figure for a row off screen re-renders nothing, and
the cursor stays on its row. Two simulated engines feed the rows; the figures come from
a stand-in for FleetStats so the test decides exactly which row gets a new one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fleet_helpers import ScreenApp, sims, wait_for
from textual.geometry import Region

from dockui.engine import DockerClient, parse_host
from dockui.engine.stats import StatsSample
from dockui.state.fleet import Fleet
from dockui.state.fleet_stats import EngineUsage
from dockui.state.model import EngineModel
from dockui.ui.panes.table import DiffTable
from dockui.ui.screens.fleet import STATS_REPAINT, FleetScreen

SIZE = (160, 30)
MiB = 1024**2


def sample(cid: str, cpu: float) -> StatsSample:
    return StatsSample(cid, "", cpu, 64 * MiB, 1024 * MiB, 0, 0, 0, 0, 1, 2)


class FakeStats:
    """What FleetScreen asks of a FleetStats, with figures set by the test."""

    def __init__(self) -> None:
        self.figures: dict[tuple[str, str], StatsSample] = {}
        self.listeners: list[Callable[[EngineModel, set[str]], None]] = []
        self.visible: list[tuple[EngineModel, str]] = []

    def add_listener(self, fn: Callable[[EngineModel, set[str]], None]) -> Callable[[], None]:
        self.listeners.append(fn)
        return lambda: self.listeners.remove(fn)

    def set_visible(self, rows: Any) -> None:
        self.visible = list(rows)

    def set_selected(self, model: EngineModel | None, cid: str | None) -> None:
        pass

    async def run(self) -> None:
        await asyncio.Event().wait()

    def latest(self, model: EngineModel, cid: str) -> StatsSample | None:
        return self.figures.get((model.name, cid))

    def age(self, model: EngineModel, cid: str) -> float | None:
        return 0.0 if (model.name, cid) in self.figures else None

    def usage(self, model: EngineModel) -> EngineUsage | None:
        return None

    def publish(self, model: EngineModel, cid: str, cpu: float) -> None:
        self.figures[(model.name, cid)] = sample(cid, cpu)
        for fn in list(self.listeners):
            fn(model, {cid})


def rendered_rows(table: DiffTable) -> list[int]:
    """Spy on the table: the row indices whose cells are rendered from now on."""
    computed: list[int] = []
    real = table._compute_row_renderables

    def spy(row_index: int):  # type: ignore[no-untyped-def]
        computed.append(row_index)
        return real(row_index)

    table._compute_row_renderables = spy  # type: ignore[method-assign]
    return computed


def screen_text(table: DiffTable) -> list[str]:
    strips = table.render_lines(Region(0, 0, table.size.width, table.size.height))
    return ["".join(seg.text for seg in s) for s in strips]


async def test_a_new_figure_repaints_only_its_row_and_none_off_screen() -> None:
    async with sims(
        {"containers": 30, "seed": 3, "stats_interval": 3600},
        {"containers": 30, "seed": 5, "stats_interval": 3600},
    ) as (engines, _tmp):
        fleet = Fleet(
            [
                EngineModel(DockerClient(parse_host(e.docker_host)), name=f"e{i}")
                for i, e in enumerate(engines)
            ]
        )
        stats = FakeStats()
        app = ScreenApp(lambda: FleetScreen(fleet, stats=stats))  # type: ignore[arg-type]
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, FleetScreen)
            table = screen.query_one("#fleet-containers", DiffTable)
            await wait_for(lambda: table.row_count == 60, pilot)
            await wait_for(lambda: len(stats.visible) > 5, pilot)
            running = [
                (i, m, cid)
                for i, key in enumerate(table.order)
                for m, cid in [screen._rows[key]]
                if m.containers[cid].running
            ]
            shown = len(table.visible_keys())
            on_screen = [r for r in running if 2 <= r[0] < shown]
            below = [r for r in running if r[0] >= shown + 5]
            assert on_screen and below, "the sims must give running rows on and off screen"
            table.move_cursor(row=1, animate=False)
            cursor_key = table.current_key()
            # Settle the first paint (sizes, focus) into the caches.
            table.refresh()
            await pilot.pause()
            computed = rendered_rows(table)

            row, model, cid = on_screen[0]
            stats.publish(model, cid, 42.0)
            await pilot.pause(STATS_REPAINT * 2)
            await pilot.pause()
            assert set(computed) == {row}
            name = model.containers[cid].name
            assert any(name in line and "42.0%" in line for line in screen_text(table))
            assert table.current_key() == cursor_key

            computed.clear()
            row, model, cid = below[0]
            stats.publish(model, cid, 17.0)
            await pilot.pause(STATS_REPAINT * 2)
            await pilot.pause()
            assert computed == []
            assert table.current_key() == cursor_key
