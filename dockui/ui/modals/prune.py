"""Prune preview: what would go and the space it frees, computed before asking.

The engine has no dry run, so `compute(options)` (from state/prune_preview.py) lists the
candidates with the engine's rules for the negotiated API version. Toggling an option
(all unused images, named volumes) recomputes the list. Confirm is refused when the
list is empty: nothing is deleted that the user did not see named.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from dockui.sanitize import clean
from dockui.state.prune_preview import PrunePreview
from dockui.ui.panes.format import size

PruneOption = tuple[str, str]  # key, label


def preview_text(p: PrunePreview) -> Text:
    text = Text()
    if p.empty:
        text.append(f"No {p.kind} would be removed.", style="dim")
        return text
    for i, item in enumerate(p.items):
        if i:
            text.append("\n")
        text.append("• ", style="dim")
        text.append(clean(item.label), style="bold")
        if item.size is not None:
            text.append(f"  {size(item.size)}", style="dim")
    return text


def summary_text(p: PrunePreview) -> Text:
    text = Text()
    text.append(f"{len(p.items)} {p.kind} would be removed", style="bold")
    if p.items:
        bound = "up to " if p.kind == "images" else ""
        text.append(f", freeing {bound}{size(p.total)}")
        if p.unknown_sizes:
            text.append(f" (+ {p.unknown_sizes} of unknown size)", style="dim")
    for note in p.notes:
        text.append("\n")
        text.append("⚠ " + note, style="bold yellow")
    return text


class PruneScreen(ModalScreen[dict[str, bool] | None]):
    """Dismisses with the chosen options to prune with, or None."""

    BINDINGS = [Binding("y", "confirm", "Prune"), Binding("n,escape", "cancel", "Cancel")]

    def __init__(
        self,
        kind: str,
        compute: Callable[[dict[str, bool]], PrunePreview],
        options: Sequence[PruneOption] = (),
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.kind = kind
        self.compute = compute
        self.options = list(options)
        self.preview = compute({k: False for k, _ in self.options})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog danger"):
            yield Static(Text(f"Prune {self.kind}: preview", style="bold"), classes="dialog-title")
            yield Static(summary_text(self.preview), id="prune-summary")
            with VerticalScroll(classes="dialog-list"):
                yield Static(preview_text(self.preview), id="prune-items")
            for key, label in self.options:
                yield Checkbox(label, False, id=f"opt-{key}")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Prune (y)", variant="error", id="yes")
                yield Button("Cancel (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()
        self._sync_button()

    def chosen(self) -> dict[str, bool]:
        return {k: self.query_one(f"#opt-{k}", Checkbox).value for k, _ in self.options}

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.preview = self.compute(self.chosen())
        self.query_one("#prune-summary", Static).update(summary_text(self.preview))
        self.query_one("#prune-items", Static).update(preview_text(self.preview))
        self._sync_button()

    def _sync_button(self) -> None:
        self.query_one("#yes", Button).disabled = self.preview.empty

    def action_confirm(self) -> None:
        if self.preview.empty:
            self.notify(f"Nothing to prune: no {self.kind} match.", markup=False)
            return
        self.dismiss(self.chosen())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "yes":
            self.action_confirm()
        else:
            self.action_cancel()
