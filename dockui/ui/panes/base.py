"""The shared part of the four panes: cells cached per object, filter, sort, marks.

A pane turns the model's objects of one kind into table rows. It recomputes the cells
of the objects a model change names (all of them only when the change says "whole
kind"), re-derives the order (filter, sort, groups), and hands both to its DiffTable,
which touches only changed cells. Subclasses say which objects exist, how each looks,
what text a filter searches and what each column sorts by.

Changes arrive up to 50 times a second at 1000 objects, so the order is re-derived only
when it can have moved: sort values are cached per object (an object's value changes
only with the object, i.e. when a change names it, or on a whole refresh), and when no
named object moved its sort value, filter match or group, the previous order stands.
Group header cells are rebuilt only for groups whose members changed.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from dockui.sanitize import clean
from dockui.state.filtering import (
    FilterError,
    Matcher,
    Row,
    arrange,
    compile_filter,
    natural_key,
    sort_ids,
)
from dockui.ui.panes.table import Cells, Column, DiffTable

if TYPE_CHECKING:
    from dockui.state.model import EngineModel

MARK = "●"


def cell(value: object, style: str = "") -> Text:
    """An untrusted value as a table cell: cleaned, never parsed as markup."""
    return Text(clean(str(value)), style=style)


DASH = Text("–", style="dim")


def counts_moved(old: Mapping[str, int], new: Mapping[str, int]) -> set[str]:
    """The keys whose count differs between `old` and `new` (absent counts as 0)."""
    return {k for k in old.keys() | new.keys() if old.get(k, 0) != new.get(k, 0)}


class ResourcePane(Vertical):
    """A pane of one kind of object: a status line and a DiffTable."""

    KIND: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    COLUMNS: ClassVar[list[Column]] = []
    DEFAULT_SORT: ClassVar[str] = "name"
    kind_needs_sizes: ClassVar[bool] = False
    """True when the pane shows sizes that only /system/df gives (loaded on first show)."""

    def __init__(self, model: EngineModel, *, now: Callable[[], float], id: str) -> None:
        super().__init__(id=id)
        self.model = model
        self.now = now
        self.table = DiffTable([Column("mark", "", 1), *self.COLUMNS], id=f"{id}-table")
        self.info = Static("", classes="pane-info", markup=False)
        self.matcher = Matcher()
        self.sort_column = self.DEFAULT_SORT
        self.sort_reverse = False
        self.marked: set[str] = set()
        self.rows: list[Row] = []
        self._cells: dict[str, Cells] = {}
        self._search: dict[str, list[str]] = {}
        self._row_of: dict[str, Row] = {}
        # Order bookkeeping (see the module docstring): the sort value of each object
        # for `_sort_column`, where each object was placed (shown, value, group) by the
        # last arrange, under which criteria, and how many objects there were.
        self._sort_values: dict[str, Any] = {}
        self._sort_column = ""
        self._placed: dict[str, tuple[bool, Any, str]] = {}
        self._arranged_under: tuple[Any, ...] | None = None
        self._shown_ids: list[str] = []
        self._members_moved = True
        self._headers: dict[str, tuple[tuple[str, ...], Cells]] = {}
        self.sizes_loaded = False
        self.shown = 0
        self._info_line = ""

    def compose(self) -> ComposeResult:
        yield self.info
        yield self.table

    # ------------------------------------------------------------------ subclass API

    def object_ids(self) -> Iterable[str]:
        raise NotImplementedError

    def exists(self, oid: str) -> bool:
        raise NotImplementedError

    def object_cells(self, oid: str) -> Cells:
        """The cells after the mark column."""
        raise NotImplementedError

    def search_strings(self, oid: str) -> list[str]:
        raise NotImplementedError

    def sort_value(self, oid: str, column: str) -> Any:
        raise NotImplementedError

    def display_name(self, oid: str) -> str:
        """A cleaned name for confirmations and messages."""
        raise NotImplementedError

    def visible(self, oid: str) -> bool:
        """Beyond the filter: e.g. the containers pane's running-only toggle."""
        return True

    def group_of(self) -> Callable[[str], str] | None:
        return None

    def header_cells(self, row: Row) -> Cells:
        raise NotImplementedError

    def order_criteria(self) -> tuple[Any, ...]:
        """Pane state beyond filter and sort that decides which rows show, and where."""
        return ()

    def prepare(self) -> set[str] | None:
        """Recompute what several rows share (usage counts) before cells are built.

        Returns the objects whose shared values moved since the last call (None: maybe
        all of them). `refresh_rows` rebuilds their rows along with the ones it was
        asked for, so a count is never left stale because something else (another
        change in the same batch) already recounted it.
        """
        return set()

    # ------------------------------------------------------------------ updates

    def refresh_rows(self, ids: Iterable[str] | None = None, removed: Iterable[str] = ()) -> None:
        """Recompute cells of `ids` (None: every object) and of the objects whose
        shared values (usage counts) moved, and re-apply to the table."""
        shared = self.prepare()
        if shared is None:
            ids = None
        elif ids is not None:
            ids = list(dict.fromkeys([*ids, *(oid for oid in shared if oid in self._cells)]))
            if not ids and not removed:
                return
        for oid in removed:
            self._drop(oid)
        if ids is None:
            present = list(self.object_ids())
            gone = set(self._cells) - set(present)
            for oid in gone:
                self._drop(oid)
            changed: set[str] | None = None
            todo: Iterable[str] = present
        else:
            changed = set()
            todo = []
            for oid in ids:
                if self.exists(oid):
                    todo.append(oid)
                    changed.add(oid)
                else:
                    self._drop(oid)
        for oid in todo:
            if oid not in self._cells:
                self._members_moved = True
            self._cells[oid] = self._row_cells(oid)
            self._search[oid] = [clean(s) for s in self.search_strings(oid)]
        self._arrange(changed)

    def _drop(self, oid: str) -> None:
        if self._cells.pop(oid, None) is not None:
            self._members_moved = True
        self._search.pop(oid, None)
        self._sort_values.pop(oid, None)
        self._placed.pop(oid, None)
        self.marked.discard(oid)

    def _row_cells(self, oid: str) -> Cells:
        mark = Text(MARK, style="bold") if oid in self.marked else Text(" ")
        return (mark, *self.object_cells(oid))

    def _arrange(self, changed: set[str] | None) -> None:
        """Re-derive the rows and hand them to the table; `changed`: the objects whose
        cells or order may have moved (None: all of them)."""
        column = self.sort_column
        if changed is None or column != self._sort_column:
            self._sort_values = {}
            self._sort_column = column
        else:
            for oid in changed:
                self._sort_values.pop(oid, None)
        criteria = (column, self.sort_reverse, self.matcher, *self.order_criteria())
        moved = None if changed is None else self._moved(changed, criteria)
        if moved is None:
            self._reorder(criteria)
        elif moved:
            self._move(moved)
        cells: dict[str, Cells] = {}
        headers: dict[str, tuple[tuple[str, ...], Cells]] = {}
        for r in self.rows:
            if r.header:
                cached = self._headers.get(r.id)
                stale = (
                    cached is None
                    or cached[0] != r.members
                    or changed is None
                    or not changed.isdisjoint(r.members)
                )
                if stale:
                    cached = (r.members, (Text(" "), *self.header_cells(r)))
                    if changed is not None:
                        changed.add(r.id)  # member counts may have moved
                assert cached is not None
                headers[r.id] = cached
                cells[r.id] = cached[1]
            else:
                cells[r.id] = self._cells[r.id]
        self._headers = headers
        self.table.apply([r.id for r in self.rows], cells, changed)
        self._update_info()

    def _sort_value(self, oid: str) -> Any:
        try:
            return self._sort_values[oid]
        except KeyError:
            value = self._sort_values[oid] = self.sort_value(oid, self._sort_column)
            return value

    def _placement(self, oid: str, group_of: Callable[[str], str] | None) -> tuple[bool, Any, str]:
        if not (self.visible(oid) and self.matcher.matches(self._search.get(oid, ()))):
            return (False, None, "")
        return (True, self._sort_value(oid), group_of(oid) if group_of else "")

    def _moved(
        self, changed: set[str], criteria: tuple[Any, ...]
    ) -> dict[str, tuple[bool, Any, str]] | None:
        """The objects of `changed` whose place moved (shown, sort value or group), with
        their new place; None when the whole order must be re-derived (other criteria,
        objects added or removed)."""
        if self._members_moved or criteria != self._arranged_under:
            return None
        group_of = self.group_of()
        placed = self._placed
        moved = {}
        for oid in changed:
            if oid in self._cells:
                p = self._placement(oid, group_of)
                if placed.get(oid) != p:
                    moved[oid] = p
        return moved

    def _move(self, moved: dict[str, tuple[bool, Any, str]]) -> None:
        """Re-place a few objects in the shown order (a rename under a name sort)."""
        if self.sort_reverse:
            # Reverse order keeps ties (and missing values) in id order, which a
            # bisection on one key cannot express: re-derive it.
            self._reorder(self._arranged_under or ())
            return
        shown = self._shown_ids
        for oid in moved:
            if self._placed[oid][0]:
                shown.remove(oid)
        for oid, p in moved.items():
            self._placed[oid] = p
            if p[0]:
                bisect.insort(shown, oid, key=self._position)
        self._set_rows(shown)

    def _position(self, oid: str) -> tuple[Any, str]:
        # sort_ids's order: by value (natural order), ties by id.
        return (natural_key(self._sort_value(oid)), oid)

    def _set_rows(self, shown: list[str]) -> None:
        # The groups were found when placing the objects: no second lookup per row.
        placed = self._placed
        grouped = self.group_of() is not None
        self.rows = arrange(shown, (lambda oid: placed[oid][2]) if grouped else None)
        self.shown = len(shown)
        self._row_of = {r.id: r for r in self.rows}

    def _reorder(self, criteria: tuple[Any, ...]) -> None:
        group_of = self.group_of()
        placed = {oid: self._placement(oid, group_of) for oid in self._cells}
        ids = [oid for oid, p in placed.items() if p[0]]
        self._shown_ids = sort_ids(ids, self._sort_value, reverse=self.sort_reverse)
        self._placed = placed
        self._set_rows(self._shown_ids)
        self._arranged_under = criteria
        self._members_moved = False

    def _update_info(self) -> None:
        total = len(self._cells)
        shown = self.shown
        parts = [
            f"{self.TITLE}: {shown} of {total}" if shown != total else f"{self.TITLE}: {total}"
        ]
        if self.matcher.active:
            parts.append(f"filter {self.matcher.text!r}")
        arrow = "↓" if self.sort_reverse else "↑"
        label = next((c.label for c in self.COLUMNS if c.key == self.sort_column), "")
        parts.append(f"sort {label.lower()} {arrow}")
        if self.marked:
            parts.append(f"{len(self.marked)} selected")
        parts.extend(self.extra_info())
        line = clean("  ·  ".join(parts))
        if line != self._info_line:
            # The status line is one row high whatever it says: no layout pass.
            self._info_line = line
            self.info.update(Text(line, style="dim"), layout=False)

    def extra_info(self) -> list[str]:
        return []

    # ------------------------------------------------------------------ user actions

    def set_filter(self, text: str) -> str | None:
        """Apply a filter; returns the error sentence instead of raising when invalid."""
        try:
            matcher = compile_filter(text)
        except FilterError as exc:
            return str(exc)
        self.matcher = matcher
        self._arrange(set())
        return None

    def set_sort(self, column: str, reverse: bool | None = None) -> None:
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column, self.sort_reverse = column, reverse
        self._arrange(set())

    def cycle_sort(self) -> None:
        keys = [c.key for c in self.COLUMNS]
        i = keys.index(self.sort_column) if self.sort_column in keys else -1
        self.set_sort(keys[(i + 1) % len(keys)], False)

    def toggle_mark(self) -> None:
        key = self.table.current_key()
        if key is None:
            return
        row = self._row_of.get(key)
        ids = list(row.members) if row and row.header else [key]
        if all(i in self.marked for i in ids):
            self.marked.difference_update(ids)
        else:
            self.marked.update(ids)
        for i in ids:
            if i in self._cells:
                self._cells[i] = self._row_cells(i)
        self._arrange(set(ids))
        if self.table.cursor_row < self.table.row_count - 1:
            self.table.action_cursor_down()

    def clear_marks(self) -> bool:
        if not self.marked:
            return False
        ids = set(self.marked)
        self.marked.clear()
        for i in ids:
            if i in self._cells:
                self._cells[i] = self._row_cells(i)
        self._arrange(ids)
        return True

    def targets(self) -> list[str]:
        """What an action applies to: the marked objects, else the row under the cursor
        (a group header means all its members that are shown)."""
        if self.marked:
            return [r.id for r in self.rows if r.id in self.marked]
        key = self.table.current_key()
        if key is None:
            return []
        row = self._row_of.get(key)
        if row is not None and row.header:
            return list(row.members)
        return [key] if self.exists(key) else []

    def current_id(self) -> str | None:
        key = self.table.current_key()
        if key is None:
            return None
        row = self._row_of.get(key)
        if row is not None and row.header:
            return None
        return key if self.exists(key) else None
