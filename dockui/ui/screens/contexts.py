"""The context switcher: the docker CLI's contexts, one keypress away.

`ContextSwitcher` lists `list_contexts()` from the CLI's own store (name, endpoint,
description; `*` marks the current one, as `docker context ls` does) and dismisses with
the chosen `Context` on enter, or None on escape. The app switches engines with it; the
switcher itself connects to nothing, so a broken context cannot hang it.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from dockui.engine.contexts import Context, config_dir, current_context_name, list_contexts
from dockui.engine.targets import TargetError
from dockui.sanitize import clean, safe_text


class ContextSwitcher(ModalScreen[Context | None]):
    """Pick a docker context; enter selects, escape keeps the current engine."""

    DEFAULT_CSS = """
    ContextSwitcher { align: center middle; }
    ContextSwitcher > Vertical {
        width: 90%; max-width: 140; height: auto; max-height: 80%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ContextSwitcher #contexts-title { height: auto; text-style: bold; }
    ContextSwitcher #contexts-note { height: auto; color: $foreground-muted; }
    ContextSwitcher DataTable { height: auto; max-height: 30; }
    """
    BINDINGS = [
        Binding("escape,q", "cancel", "cancel"),
        Binding("enter", "choose", "switch", priority=True),
        # vim keys, as everywhere in dockui; arrows work through the table itself.
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
    ]

    def __init__(self, *, env: Mapping[str, str] | None = None, active: str | None = None) -> None:
        """Args:
        env: the environment to read DOCKER_CONFIG / DOCKER_CONTEXT / DOCKER_HOST from
            (tests pass their own; default os.environ).
        active: the context the app is showing now, when it differs from the store's
            current one (e.g. after an earlier switch); it gets the cursor.
        """
        super().__init__()
        self.env = env
        self.contexts: list[Context] = []
        self.current = ""
        self.active = active
        self._noted = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content("Docker contexts"), id="contexts-title")
            table: DataTable[Text] = DataTable(id="contexts", cursor_type="row")
            yield table
            yield Static(id="contexts-note")

    def on_mount(self) -> None:
        try:
            self.contexts = list_contexts(self.env)
            self.current = current_context_name(self.env)
        except (OSError, TargetError) as exc:  # an unreadable store still shows "default"
            self.contexts, self.current = [], "default"
            self._note(f"the context store cannot be read: {exc}")
        table = self.query_one(DataTable)
        table.add_column("", key="mark", width=1)
        table.add_column("NAME", key="name")
        table.add_column("ENDPOINT", key="endpoint")
        table.add_column("DESCRIPTION", key="description")
        for ctx in self.contexts:
            current = ctx.name == self.current
            table.add_row(
                Text("*" if current else " ", style="bold green"),
                Text(clean(ctx.name), style="bold" if current else ""),
                safe_text(ctx.host),
                safe_text(ctx.description),
                key=ctx.name,
            )
        names = [c.name for c in self.contexts]
        focus = self.active if self.active in names else self.current
        if focus in names:
            table.move_cursor(row=names.index(focus), animate=False)
        if self.current not in names and self.contexts:
            self._note(
                f"the current context {self.current!r} is not in the store "
                f"({config_dir(self.env) / 'contexts'})"
            )
        elif len(self.contexts) <= 1 and not self._noted:
            self._note(
                "only the default context exists; `docker context create` adds more "
                f"(store: {config_dir(self.env) / 'contexts'})"
            )
        table.focus()

    def _note(self, text: str) -> None:
        self._noted = True
        self.query_one("#contexts-note", Static).update(Content(clean(text)))

    def action_choose(self) -> None:
        table = self.query_one(DataTable)
        if not self.contexts:
            self.dismiss(None)
            return
        self.dismiss(self.contexts[table.cursor_row])

    @on(DataTable.RowSelected)
    def _clicked(self, event: DataTable.RowSelected) -> None:
        self.action_choose()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_cursor(self, direction: str) -> None:
        table = self.focused
        if isinstance(table, DataTable):
            if direction == "down":
                table.action_cursor_down()
            else:
                table.action_cursor_up()
