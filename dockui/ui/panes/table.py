"""A DataTable that follows a changing list by diffing: rows keyed by object id.

`apply(order, cells, changed)` makes the table show exactly `order` with those cells,
touching only what differs: removed rows go, new rows are added, changed cells are
replaced, and the order is imposed without a clear+refill (which costs 4-10x more and
resets the cursor). The cursor stays on the same row key whatever moved.

Repaints are per row, not per table: DataTable's own `update_cell` and `sort` bump one
counter that every render cache is keyed on, so any change re-renders every visible
cell (~25 ms at 160x45 on a 2-core VM), and at 50 events/s that alone saturates the
loop. Here a changed cell or a row that moved drops only its own cache entries and
repaints only its own line; unchanged rows come from cache.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

Cells = tuple[Text, ...]
CACHED_CELLS = 2500
CACHED_LINES = 400


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its key, header, fixed width (None = grows with content)."""

    key: str
    label: str
    width: int | None = None


def _signature(t: Text) -> tuple[object, ...]:
    # rich's Text.__eq__ ignores the base style; a state change from "running" (green)
    # to "running" (dim) must still repaint.
    return (t.plain, str(t.style), tuple(t.spans))


def _discard(cache: LRUCache[Any, Any], stale: Callable[[Any], bool]) -> None:
    """Remove the entries of a textual LRUCache whose key satisfies `stale`."""
    for key in [k for k in cache.keys() if stale(k)]:
        cache.discard(key)


class DiffTable(DataTable[Text]):
    """One pane's table. Rows are keyed by object id (or a group key)."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
    ]

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id=id)
        self.spec = list(columns)
        self._sigs: dict[str, tuple[tuple[object, ...], ...]] = {}
        self._order: list[str] = []
        for col in self.spec:
            self.add_column(Text(col.label), key=col.key, width=col.width)
        # Entries now live until their row changes (DataTable drops them all on every
        # change), and each change scans these caches: size them to a few screens
        # (DataTable: 10000 cells, 1000 of the others).
        self._cell_render_cache = LRUCache(CACHED_CELLS)
        self._row_render_cache = LRUCache(CACHED_LINES)
        self._row_renderable_cache = LRUCache(CACHED_LINES)
        self._line_cache = LRUCache(CACHED_LINES)

    @property
    def order(self) -> list[str]:
        """Row keys top to bottom, as shown."""
        return self._order

    def current_key(self) -> str | None:
        """The row key under the cursor, if any row exists."""
        if not self._order:
            return None
        row = min(max(self.cursor_row, 0), len(self._order) - 1)
        return self._order[row]

    def visible_keys(self) -> list[str]:
        """The row keys inside the viewport (for the stats hub)."""
        start = int(self.scroll_y)
        height = max(self.scrollable_content_region.height, 1)
        return self._order[start : start + height]

    def apply(
        self,
        order: Sequence[str],
        cells: Mapping[str, Cells],
        changed: set[str] | None = None,
    ) -> None:
        """Show rows `order` with `cells`; compare only rows in `changed` (None: all)."""
        keep_key = self.current_key()
        keep_row = self.cursor_row
        sigs = self._sigs
        wanted = set(order)
        gone = sigs.keys() - wanted
        added = wanted - sigs.keys()
        for key in gone:
            self.remove_row(key)
            del sigs[key]
        for key in order if added else ():
            if key in added:
                row = cells[key]
                self.add_row(*row, key=key)
                sigs[key] = tuple(_signature(t) for t in row)
        col_keys = [c.key for c in self.spec]
        grows = [c.width is None for c in self.spec]
        stale: set[tuple[str, str]] = set()
        for key in wanted if changed is None else changed & wanted:
            if key in added:
                continue
            row = cells[key]
            old = sigs[key]
            new = tuple(_signature(t) for t in row)
            if new == old:
                continue
            data = self._data[RowKey(key)]
            for i, (a, b) in enumerate(zip(old, new, strict=False)):
                if a != b:
                    # What update_cell does, minus its whole-table invalidation.
                    data[ColumnKey(col_keys[i])] = row[i]
                    stale.add((key, col_keys[i]))
                    if grows[i]:
                        self._grow(col_keys[i], row[i])
            sigs[key] = new
        order = list(order)
        moved: set[str] = set()
        old_rows: set[int] = set()
        if order != self._order:
            moved, old_rows = self._impose_order(order, reindexed=bool(gone or added))
            self._order = order
        self._forget({k for k, _ in stale} | moved, stale, moved, old_rows)
        self._restore_cursor(keep_key, keep_row)

    def _grow(self, column: str, value: Text) -> None:
        # update_cell(update_width=True) re-measures the WHOLE column whenever a cell
        # gets narrower (textual _update_column_widths): O(rows) per update, seconds per
        # second at 1000 rows and 50 events/s. Columns only grow here; a narrower cell
        # leaves the width as it is.
        col = self.columns[ColumnKey(column)]
        width = value.cell_len
        if width > col.content_width:
            col.content_width = width
            # Every row shifts right of this column: drop cached row renders and repaint
            # the whole table, not only the updated cell.
            self._require_update_dimensions = True
            self._clear_caches()
            self.refresh(layout=True)
            self.check_idle()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # DataTable measures new rows when it next goes idle. A frame drawn between
        # add_row and that idle caches the rows at the old column widths, and widening a
        # column does not drop those caches (textual 8.2): the rows stayed cut to the
        # header's width until they next changed. Seen when the first list arrives
        # while the screen is still being mounted.
        widths = [c.content_width for c in self.columns.values()]
        super()._update_dimensions(new_rows)
        if [c.content_width for c in self.columns.values()] != widths:
            self._clear_caches()
            self.refresh()

    def _impose_order(self, order: list[str], *, reindexed: bool) -> tuple[set[str], set[int]]:
        """Make the table show `order`; returns the rows whose index changed and the
        indices they held before.

        DataTable.sort() only orders by cell values; our order comes from the model
        (groups, numeric keys), so the row locations are set the way sort() does. A
        rename moves one row and shifts those between its old and new place: only that
        span is rewritten and repainted; the rest of the screen stays.
        """
        before = self._order
        if reindexed or len(before) != len(order):
            # add_row/remove_row re-indexed the table (and dropped every cache).
            self._row_locations = TwoWayDict({RowKey(k): i for i, k in enumerate(order)})
            moved = set(order)
            old_rows = set(range(len(order)))
        else:
            lo = 0
            while before[lo] == order[lo]:
                lo += 1
            hi = len(order) - 1
            while before[hi] == order[hi]:
                hi -= 1
            moved = {k for i, k in enumerate(order[lo : hi + 1], lo) if before[i] != k}
            old_rows = set(range(lo, hi + 1))
            locations = self._row_locations
            for i in range(lo, hi + 1):
                locations[RowKey(order[i])] = i
        # Order-derived caches (row list, line offsets) are keyed on the update count,
        # which did not move: drop them (they are one entry each).
        self._offset_cache.clear()
        self._ordered_row_cache.clear()
        return moved, old_rows

    def _forget(
        self,
        rows: Collection[str],
        cells: Collection[tuple[str, str]],
        moved: Collection[str] = (),
        old_rows: Collection[int] = (),
    ) -> None:
        """Drop the cached renders of `rows` and repaint their lines.

        For rows only in `cells`, only those (row, column) cells are dropped; a row in
        `moved` loses every cell, as each cell's render carries its row index (for mouse
        clicks). `old_rows` are indices whose occupant changed: the caches keyed by
        index hold their previous occupants there.
        """
        if not rows:
            return
        keys = {RowKey(k) for k in rows}
        whole = {RowKey(k) for k in moved}
        pairs = {(RowKey(r), ColumnKey(c)) for r, c in cells}
        locations = self._row_locations
        indices = {i for k in keys if (i := locations.get(k)) is not None}
        indices.update(old_rows)
        # Cache keys (textual 8.2 DataTable): cell (row_key, column_key, ...), row line
        # (row_key, ...), row renderables (update_count, row_index), table line (y, ...)
        # where y counts the header; every row is one line high (add_row's default).
        header = self.header_height if self.show_header else 0
        lines = {i + header for i in indices}
        _discard(
            self._cell_render_cache,
            lambda k: k[0] in keys and (k[0] in whole or (k[0], k[1]) in pairs),
        )
        _discard(self._row_render_cache, lambda k: k[0] in keys)
        _discard(self._row_renderable_cache, lambda k: k[1] in indices)
        _discard(self._line_cache, lambda k: k[0] in lines)
        self._repaint_lines(lines)

    def _repaint_lines(self, lines: Collection[int]) -> None:
        # DataTable.refresh_row() sums the heights of every row above (O(rows) each);
        # rows are one line high here, so a run of lines is one region.
        if not self.region:
            # Not laid out or not on screen (another tab): whatever is there is stale
            # when it shows again, and nothing is painted meanwhile.
            self.refresh()
            return
        top = int(self.scroll_y) + (self.header_height if self.show_header else 0)
        bottom = top + self.size.height
        shown = sorted(y for y in lines if top <= y < bottom)
        if not shown:
            # Only rows off screen changed: nothing to send to the terminal (over SSH,
            # repainting the visible rows from cache still sent them whole, up to 20
            # times a second). Their cache entries are gone, so they render afresh when
            # scrolled into view.
            return
        width = max(
            self.size.width,
            sum(c.get_render_width(self) for c in self.columns.values()),
        )
        start = prev = shown[0]
        for y in [*shown[1:], None]:
            if y is not None and y == prev + 1:
                prev = y
                continue
            self._refresh_region(Region(0, start, width, prev - start + 1))
            if y is not None:
                start = prev = y

    def _restore_cursor(self, key: str | None, row: int) -> None:
        if not self._order:
            return
        if key is not None and key in self._sigs:
            index = self.get_row_index(key)
        else:
            index = min(max(row, 0), len(self._order) - 1)
        if index != self.cursor_row:
            self.move_cursor(row=index, animate=False)

    def move_to_key(self, key: str) -> bool:
        """Put the cursor on the row `key`; False when there is no such row."""
        if key not in self._sigs:
            return False
        self.move_cursor(row=self.get_row_index(key), animate=False)
        return True
