"""Kill asks which signal to send, and names the containers it goes to."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dockui.ui.modals.confirm import names_text

SIGNALS: list[tuple[str, str]] = [
    ("SIGKILL", "kill at once, no cleanup"),
    ("SIGTERM", "ask to terminate"),
    ("SIGINT", "interrupt, like Ctrl+C"),
    ("SIGHUP", "hang up, many daemons reload"),
    ("SIGQUIT", "quit, often with a dump"),
    ("SIGUSR1", "user signal 1"),
    ("SIGUSR2", "user signal 2"),
]


class KillScreen(ModalScreen[str | None]):
    """Dismisses with the chosen signal name, or None on cancel."""

    BINDINGS = [Binding("escape,n", "cancel", "Cancel")]

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__(classes="dialog-screen")
        self.names = list(names)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog danger"):
            yield Static(
                Text(f"Send a signal to {len(self.names)} container(s):", style="bold"),
                classes="dialog-title",
            )
            with VerticalScroll(classes="dialog-list"):
                yield Static(names_text(self.names), id="kill-names")
            yield OptionList(
                *(
                    Option(Text.assemble((sig, "bold"), "  ", (what, "dim")), id=sig)
                    for sig, what in SIGNALS
                ),
                id="signals",
            )
            yield Static(Text("enter sends the signal · esc cancels", style="dim"))

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
