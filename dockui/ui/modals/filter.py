"""The filter prompt: applies as you type; an invalid regex is a message, never a crash."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

HINT = "substring of name, image or labels · re:<regex> · enter keeps · esc restores"


class FilterScreen(ModalScreen[str | None]):
    """`apply(text)` returns an error sentence or None; dismisses with the kept text."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, initial: str, apply: Callable[[str], str | None]) -> None:
        super().__init__(classes="filter-screen")
        self.title_text = title
        self.initial = initial
        self.apply = apply

    def compose(self) -> ComposeResult:
        with Vertical(classes="filter-box"):
            yield Static(Text(self.title_text, style="bold"))
            yield Input(self.initial, placeholder="filter", id="filter-input")
            yield Static(Text(HINT, style="dim"), id="filter-message")

    def on_input_changed(self, event: Input.Changed) -> None:
        error = self.apply(event.value)
        msg = self.query_one("#filter-message", Static)
        msg.update(Text(error, style="bold red") if error else Text(HINT, style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.apply(event.value) is None:
            self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.apply(self.initial)
        self.dismiss(None)
