"""DiffTable: rows drawn before the table measured them are redrawn at full width.

DataTable measures new rows when it goes idle; a frame drawn in between (the first
list arriving while the screen is still being mounted) used to leave every row cut to
the header's width until it next changed.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from dockui.ui.panes.table import Column, DiffTable

NAMES = ["analytics-queue-1", "analytics-scheduler-1", "billing-worker-12"]


class TableApp(App[None]):
    # As in the dashboard: the table's height does not follow its rows, so adding rows
    # sends it no Resize (which would have dropped the caches by chance).
    CSS = "DiffTable { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield DiffTable([Column("mark", "", 1), Column("name", "Name")], id="t")


async def test_rows_drawn_before_measuring_are_redrawn_wide() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(DiffTable)
        await pilot.pause()
        table.apply(NAMES, {n: (Text(" "), Text(n)) for n in NAMES})
        # A frame before the table's idle: rows rendered at the header's width.
        early = table.render_line(1).text
        assert NAMES[0] not in early
        await pilot.pause()
        lines = [table.render_line(y).text for y in range(1, 4)]
        for name, line in zip(NAMES, lines, strict=True):
            assert name in line, line
