"""Help: every key of the dashboard, where it applies, and what it does."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

HelpRow = tuple[str, str, str]  # key, action, where


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, rows: Sequence[HelpRow], footer: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.rows = list(rows)
        self.footer = footer

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(Text("dockui keys", style="bold"), classes="dialog-title")
            table: DataTable[Text] = DataTable(cursor_type="row", id="help-table")
            table.add_column(Text("Key"), key="key")
            table.add_column(Text("Action"), key="action")
            table.add_column(Text("Where"), key="where")
            for key, action, where in self.rows:
                table.add_row(Text(key, style="bold"), Text(action), Text(where, style="dim"))
            yield table
            if self.footer:
                yield Static(Text(self.footer, style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
