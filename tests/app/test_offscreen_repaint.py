"""What a batch sends to the terminal: nothing of the table for rows off screen.

Over SSH every repainted line is bandwidth. The headless driver writes nothing, so the
screen updates the compositor hands to `App._display` are rendered here the way a real
driver would write them, and the screen lines they touch are recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from dashboard_helpers import Dash, dashboard
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.widgets.data_table import ColumnKey

from dockui.ui.app import DockuiApp


@dataclass
class Written:
    """Screen lines and terminal bytes the app sent since `clear()`."""

    lines: set[int] = field(default_factory=set)
    text: list[str] = field(default_factory=list)
    bytes: int = 0

    def clear(self) -> None:
        self.lines.clear()
        self.text.clear()
        self.bytes = 0


@contextmanager
def record_writes(app: DockuiApp) -> Iterator[Written]:
    written = Written()
    real = app._display

    def display(screen: object, renderable: object) -> None:
        real(screen, renderable)  # type: ignore[arg-type]
        if not isinstance(renderable, CompositorUpdate) or app._batch_count:
            return
        data = renderable.render_segments(app.console)
        written.bytes += len(data.encode())
        written.text.append(data)
        if isinstance(renderable, ChopsUpdate):
            written.lines.update(y for y, _, _ in renderable.spans)
        elif isinstance(renderable, LayoutUpdate):
            written.lines.update(range(renderable.region.y, renderable.region.bottom))

    app._display = display  # type: ignore[method-assign]
    try:
        yield written
    finally:
        app._display = real  # type: ignore[method-assign]


def table_lines(d: Dash) -> tuple[range, int]:
    """The screen lines of the containers table's rows, and the row index shown first."""
    table = d.app.containers_pane.table
    region = table.region
    top = region.y + (table.header_height if table.show_header else 0)
    return range(top, region.bottom), int(table.scroll_y)


async def renamed(d: Dash, cid: str, name: str) -> None:
    table = d.app.containers_pane.table
    d.state.rename_container(cid, name)
    await d.until(lambda: table.get_cell(cid, "name").plain.strip() == name)
    # Let whatever the batch asked for be painted.
    await d.pilot.pause(0.15)


async def test_a_rename_off_screen_writes_no_table_line_and_a_visible_one_writes_its_row() -> None:
    async with dashboard(containers=120) as d:
        table = d.app.containers_pane.table
        await d.pilot.pause(0.3)
        assert table.row_count > 60, table.row_count
        rows, first = table_lines(d)
        visible = table.visible_keys()
        # The name sort keeps a "zz" name at the bottom, far off screen.
        last = table.order[-1]
        assert last not in visible
        with record_writes(d.app) as written:
            await renamed(d, last, "zz-still-last")
            assert table.order[-1] == last
            assert not written.lines & set(rows), f"table lines written: {written.lines}"
            # Nor anything else: a rename moves no count in the header or status line.
            assert written.bytes == 0, written.text

            written.clear()
            # A name that neither widens the column (which shifts every row) nor leaves
            # its place in the name order: its current name plus "-x".
            width = table.columns[ColumnKey("name")].content_width
            cid = next(k for k in visible[1:] if len(d.model.containers[k].name) + 2 <= width)
            index = table.order.index(cid)
            await renamed(d, cid, d.model.containers[cid].name + "-x")
            assert table.order.index(cid) == index
            line = rows[0] + index - first
            assert line in written.lines
            assert any(d.model.containers[cid].name in t for t in written.text)
            # Only that row (and nothing like the whole table) went out.
            assert not (written.lines & set(rows)) - {line}
