"""A DataTable that follows a changing list by diffing: rows keyed by object id.

`apply(order, cells, changed)` makes the table show exactly `order` with those cells,
touching only what differs: removed rows go, new rows are added, changed cells get
`update_cell`, and the order is imposed without a clear+refill (which costs 4-10x
more and resets the cursor). The cursor stays on the same row key whatever moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

Cells = tuple[Text, ...]


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
        wanted = set(order)
        for key in [k for k in self._sigs if k not in wanted]:
            self.remove_row(key)
            del self._sigs[key]
        col_keys = [c.key for c in self.spec]
        grows = [c.width is None for c in self.spec]
        for key in order:
            row = cells[key]
            old = self._sigs.get(key)
            if old is None:
                self.add_row(*row, key=key)
                self._sigs[key] = tuple(_signature(t) for t in row)
                continue
            if changed is not None and key not in changed:
                continue
            new = tuple(_signature(t) for t in row)
            if new == old:
                continue
            for i, (a, b) in enumerate(zip(old, new, strict=False)):
                if a != b:
                    self.update_cell(key, col_keys[i], row[i])
                    if grows[i]:
                        self._grow(col_keys[i], row[i])
            self._sigs[key] = new
        order = list(order)
        if order != self._order:
            self._order = order
            self._impose_order(order)
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

    def _impose_order(self, order: list[str]) -> None:
        # DataTable.sort() only orders by cell values; our order comes from the model
        # (groups, numeric keys), so set the row locations the way sort() does.
        self._row_locations = TwoWayDict({RowKey(k): i for i, k in enumerate(order)})
        self._update_count += 1
        self.refresh()

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
