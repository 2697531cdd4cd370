"""DiffTable repaints only what changed, and what it paints is what a full repaint shows.

DiffTable keeps DataTable's render caches for rows that did not change (DataTable's own
`update_cell`/`sort` drop them all). These tests hold it to a full, cache-free render
after each kind of change, including the row index each cell carries for mouse clicks.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip

from dockui.ui.panes.table import Column, DiffTable

SIZE = (60, 12)
COLUMNS = [Column("name", "Name"), Column("n", "N", 6)]


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DiffTable(COLUMNS, id="t")


def cells(names: dict[str, str], n: dict[str, int]) -> dict[str, tuple[Text, ...]]:
    return {k: (Text(v), Text(str(n.get(k, 0)))) for k, v in names.items()}


def lines(t: DiffTable) -> list[Strip]:
    """The table as the compositor gets it (through the widget's line cache)."""
    return t.render_lines(Region(0, 0, t.size.width, t.size.height))


def fresh_lines(t: DiffTable) -> list[Strip]:
    """The table rendered with every cache dropped: the truth."""
    t._update_count += 1
    t._clear_caches()
    t.refresh()
    return lines(t)


def text(strips: list[Strip]) -> list[str]:
    return ["".join(seg.text for seg in s) for s in strips]


def row_meta(strips: list[Strip]) -> list[set[int]]:
    """The row index each line's cells carry (clicks select by it)."""
    out = []
    for s in strips:
        rows = {seg.style.meta.get("row") for seg in s if seg.style and seg.style.meta}
        out.append({r for r in rows if r is not None})
    return out


async def check_against_fresh(app: TableApp, t: DiffTable) -> None:
    await app.workers.wait_for_complete()
    cached = lines(t)
    truth = fresh_lines(t)
    assert text(cached) == text(truth)
    assert row_meta(cached) == row_meta(truth)
    top = int(t.scroll_y)
    for y, rows in enumerate(row_meta(cached)[1:], start=0):
        if rows:
            assert rows == {top + y}, f"line {y + 1} carries row {rows}"


async def test_cached_repaint_matches_a_full_render_through_changes_and_moves() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        t = app.query_one(DiffTable)
        names = {f"id{i:02d}": f"c{i:02d}" for i in range(40)}
        n: dict[str, int] = {}

        async def show(changed: set[str] | None) -> None:
            order = sorted(names, key=lambda k: names[k])
            t.apply(order, cells(names, n), changed)
            await pilot.pause()
            await check_against_fresh(app, t)

        await show(None)
        # A visible cell, then an off-screen one.
        n["id03"] = 7
        await show({"id03"})
        n["id30"] = 9
        await show({"id30"})
        # A rename moving a row from below the screen to the top, and back down.
        names["id35"] = "a-first"
        await show({"id35"})
        names["id35"] = "z-last"
        await show({"id35"})
        # A move inside the screen, with a value change on the same row.
        names["id05"], n["id05"] = "c01b", 3
        await show({"id05"})
        # Rows removed and added.
        del names["id02"]
        names["id77"] = "c00"
        await show({"id77"})
        # Scrolled: moves and changes below the old viewport.
        t.scroll_to(y=15, animate=False)
        await pilot.pause()
        names["id20"] = "c99"
        n["id25"] = 4
        await show({"id20", "id25"})
        names["id20"] = "b"
        await show({"id20"})


async def test_a_cell_change_renders_only_that_row_again() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        t = app.query_one(DiffTable)
        names = {f"id{i:02d}": f"c{i:02d}" for i in range(40)}
        n: dict[str, int] = {}
        order = sorted(names)
        t.apply(order, cells(names, n))
        await pilot.pause()
        # Settle the first paint's state (focus, sizes) into the caches.
        t.refresh()
        await pilot.pause()
        computed: list[int] = []
        real = t._compute_row_renderables

        def spy(row_index: int):  # type: ignore[no-untyped-def]
            computed.append(row_index)
            return real(row_index)

        t._compute_row_renderables = spy  # type: ignore[method-assign]
        n["id04"] = 5
        t.apply(order, cells(names, n), {"id04"})
        await pilot.pause()
        assert set(computed) == {4}
        assert "5" in text(lines(t))[1 + 4]
        # A row off the screen: nothing visible is rendered again.
        computed.clear()
        n["id33"] = 6
        t.apply(order, cells(names, n), {"id33"})
        await pilot.pause()
        assert computed == []
        assert t.get_cell("id33", "n").plain == "6"


async def test_cursor_stays_on_its_row_when_a_rename_moves_rows() -> None:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        t = app.query_one(DiffTable)
        names = {f"id{i:02d}": f"c{i:02d}" for i in range(40)}
        order = sorted(names, key=lambda k: names[k])
        t.apply(order, cells(names, {}))
        assert t.move_to_key("id06")
        await pilot.pause()
        names["id30"] = "a"
        order = sorted(names, key=lambda k: names[k])
        t.apply(order, cells(names, {}), {"id30"})
        await pilot.pause()
        assert t.current_key() == "id06"
        assert t.cursor_row == 7
        await check_against_fresh(app, t)
