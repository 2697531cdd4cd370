"""A confirmation that names every object an action will touch, with its options.

`ConfirmScreen` dismisses with the chosen options (a dict, possibly empty) on "yes" and
None on "no". Object names are untrusted: they are cleaned and shown as Text.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from dockui.sanitize import clean

Option = tuple[str, str, bool]  # key, label (ours, trusted), default


def names_text(names: Sequence[str]) -> Text:
    """One object per line, cleaned: never markup."""
    text = Text()
    for i, name in enumerate(names):
        if i:
            text.append("\n")
        text.append("• ", style="dim")
        text.append(clean(name), style="bold")
    return text


class ConfirmScreen(ModalScreen[dict[str, bool] | None]):
    """Ask before a destructive action; the dialog lists exactly the objects affected."""

    BINDINGS = [
        Binding("y", "confirm", "Yes"),
        Binding("n,escape", "cancel", "No"),
    ]

    def __init__(
        self,
        title: str,
        names: Sequence[str],
        *,
        verb: str = "Confirm",
        options: Sequence[Option] = (),
        note: str = "",
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.names = list(names)
        self.verb = verb
        self.options = list(options)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog danger"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            with VerticalScroll(classes="dialog-list"):
                yield Static(names_text(self.names), id="confirm-names")
            if self.note:
                yield Static(Text(self.note, style="italic"), classes="dialog-note")
            for key, label, default in self.options:
                yield Checkbox(label, default, id=f"opt-{key}")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.verb} (y)", variant="error", id="yes")
                yield Button("Cancel (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def chosen(self) -> dict[str, bool]:
        return {key: self.query_one(f"#opt-{key}", Checkbox).value for key, _, _ in self.options}

    def action_confirm(self) -> None:
        self.dismiss(self.chosen())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "yes":
            self.action_confirm()
        else:
            self.action_cancel()
