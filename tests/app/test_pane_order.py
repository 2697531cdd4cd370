"""The containers pane re-derives its order only when it can have moved.

Stats samples and most model changes leave every sort key where it was: the order then
stands (no sort), and only the named rows' cells are compared. A rename under a name
sort moves one row in place. Either way the rows must equal a full re-derivation.
"""

from __future__ import annotations

from typing import Any

import pytest

from dockui.engine.stats import StatsSample
from dockui.ui.panes import base
from dockui.ui.panes.containers import ContainersPane
from tests.app.dashboard_helpers import dashboard


class FakeStats:
    """The one StatsHub call the pane makes, with figures the test chooses."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}

    def latest(self, cid: str) -> StatsSample | None:
        if cid not in self.cpu:
            return None
        return StatsSample(cid, "", self.cpu[cid], 1 << 20, 1 << 30, 0, 0, 0, 0, 1, 1)


def full_order(pane: ContainersPane) -> list[str]:
    """The rows as a whole refresh derives them (no cached sort values or order)."""
    pane.refresh_rows()
    return [r.id for r in pane.rows]


@pytest.fixture
def sorts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = base.sort_ids

    def counting(*a: Any, **kw: Any) -> list[str]:
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(base, "sort_ids", counting)
    return calls


async def test_stats_keep_the_order_unless_sorted_by_cpu(sorts: list[int]) -> None:
    async with dashboard() as d:
        pane = d.app.containers_pane
        hub = FakeStats()
        pane.stats = hub  # type: ignore[assignment]
        running = [c.id for c in d.model.containers.values() if c.running]
        assert len(running) >= 3
        for i, cid in enumerate(running):
            hub.cpu[cid] = float(i)
        pane.refresh_rows()
        before = [r.id for r in pane.rows]
        sorts.clear()
        # New figures under the name sort: cells change, the order is not re-derived.
        hub.cpu[running[0]] = 95.5
        pane.refresh_stats(set(running))
        await d.pilot.pause()
        assert sorts == []
        assert [r.id for r in pane.rows] == before
        assert "95.5" in pane.table.get_cell(running[0], "cpu").plain
        # Sorted by CPU, the same kind of update moves the row.
        pane.grouping = False
        pane.set_sort("cpu", reverse=True)
        assert pane.rows[0].id == running[0]
        hub.cpu[running[1]] = 99.0
        sorts.clear()
        pane.refresh_stats({running[1]})
        assert sorts != []
        assert pane.rows[0].id == running[1]
        assert pane.table.order[0] == running[1]
        assert [r.id for r in pane.rows] == full_order(pane)


async def test_a_state_change_that_moves_no_sort_key_does_not_sort(sorts: list[int]) -> None:
    async with dashboard() as d:
        pane = d.app.containers_pane
        c = next(c for c in d.model.containers.values() if c.running)
        sorts.clear()
        d.state.pause_container(c.id)
        await d.until(lambda: "paused" in pane.table.get_cell(c.id, "state").plain)
        assert sorts == []
        # Sorted by state (running before paused), the same change moves the row.
        d.state.unpause_container(c.id)
        await d.until(lambda: "running" in pane.table.get_cell(c.id, "state").plain)
        pane.grouping = False
        pane.set_sort("state")
        pane.refresh_rows()
        before = list(pane.table.order)
        first = next(i for i in before if d.model.containers[i].running)
        d.state.pause_container(first)
        await d.until(lambda: "paused" in pane.table.get_cell(first, "state").plain)
        assert pane.table.order.index(first) > before.index(first)
        assert [r.id for r in pane.rows] == pane.table.order == full_order(pane)


async def test_renames_under_the_name_sort_move_rows_like_a_full_sort() -> None:
    async with dashboard(containers=40) as d:
        pane = d.app.containers_pane
        table = pane.table
        ids = list(d.model.containers)
        key = table.current_key()
        wanted = {cid: f"{'a' if n % 2 else 'zz'}-moved-{n}" for n, cid in enumerate(ids[::3])}
        for cid, name in wanted.items():
            d.state.rename_container(cid, name)
        await d.until(
            lambda: all(
                table.get_cell(cid, "name").plain.strip() == name for cid, name in wanted.items()
            )
        )
        assert table.current_key() == key
        shown = list(table.order)
        assert [r.id for r in pane.rows] == shown
        assert full_order(pane) == shown
