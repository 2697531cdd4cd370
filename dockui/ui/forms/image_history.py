"""An image in depth: its layers (created, created by, size, comment) and the containers
that use it (`ancestor` filter, so containers of derived images count too)."""

from __future__ import annotations

import time

import humanize
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError
from dockui.engine.inspect_views import history_rows
from dockui.sanitize import clean, safe_text


class ImageHistoryScreen(ModalScreen[None]):
    """Layers and users of one image; escape closes."""

    DEFAULT_CSS = """
    ImageHistoryScreen { align: center middle; }
    ImageHistoryScreen > Vertical { width: 95%; height: 90%; border: thick $primary;
                                    background: $surface; padding: 0 1; }
    ImageHistoryScreen #history-title { text-style: bold; }
    ImageHistoryScreen #history { height: 1fr; }
    ImageHistoryScreen #users { height: auto; color: $foreground-muted; }
    ImageHistoryScreen #history-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, client: DockerClient, image_id: str, ref: str) -> None:
        super().__init__()
        self.client = client
        self.image_id = image_id
        self.ref = ref

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content(f"History of {clean(self.ref)}"), id="history-title")
            yield Label("", id="history-error")
            table: DataTable[Text] = DataTable(id="history", cursor_type="row")
            yield table
            yield Label(Content("Used by: …"), id="users")

    def on_mount(self) -> None:
        table = self.query_one("#history", DataTable)
        table.add_column("created", width=16, key="created")
        table.add_column("size", width=10, key="size")
        table.add_column("created by", key="by")
        table.add_column("comment", key="comment")
        self.run_worker(self._load(), exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        try:
            rows = history_rows(await self.client.image_history(self.image_id))
            users = await self.client.containers(all=True, filters={"ancestor": [self.image_id]})
        except EngineError as exc:
            self.query_one("#history-error", Label).update(Content(clean(str(exc))))
            return
        table = self.query_one("#history", DataTable)
        now = time.time()
        for row in rows:
            age = humanize.naturaltime(now - row.created) if row.created else "?"
            size = humanize.naturalsize(row.size, binary=True) if row.size else "0 B"
            by = " ".join(row.created_by.replace("/bin/sh -c #(nop) ", "").split())
            table.add_row(
                Text(age), Text(size, justify="right"), safe_text(by), safe_text(row.comment)
            )
        names = ", ".join(clean(c.name) for c in users) or "no container"
        self.query_one("#users", Label).update(Content(f"Used by: {names}"))

    def action_close(self) -> None:
        self.dismiss(None)
