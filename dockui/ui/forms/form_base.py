"""What every create form shares: labelled fields with an inline error line each, a form-wide
error line, ctrl+s / the button to submit, escape to cancel.

A subclass composes its fields with `field(...)`, validates in `collect()` (raising
`ValidationError` / `FormInvalid` before anything is sent) and talks to the engine in
`send(payload)`. An EngineError from `send` lands next to the field `field_for_error`
names (e.g. a name conflict next to the name), else on the form-wide line. Engine text
is cleaned and shown as Content, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Static, TextArea

from dockui.engine.errors import EngineError
from dockui.sanitize import clean
from dockui.ui.forms.validators import FormInvalid, ValidationError

R = TypeVar("R")


def field(
    key: str,
    label: str,
    *,
    value: str = "",
    placeholder: str = "",
    multiline: bool = False,
    suggester: Suggester | None = None,
) -> Vertical:
    """A labelled input (or multi-line TextArea) with its own error line under it."""
    widget: Widget
    if multiline:
        widget = TextArea(value, id=f"f-{key}", classes="multi", soft_wrap=False)
    else:
        widget = Input(value, placeholder=placeholder, id=f"f-{key}", suggester=suggester)
    return Vertical(
        Label(Content(label), classes="field-label"),
        widget,
        Label("", id=f"err-{key}", classes="field-error"),
        classes="field",
        id=f"field-{key}",
    )


class FormScreen(ModalScreen[R | None], Generic[R]):
    """Base of the modal create forms."""

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #form { width: 90; max-width: 100%; height: auto; max-height: 95%;
                         border: thick $primary; background: $surface; padding: 0 1; }
    FormScreen #form-title { text-style: bold; margin-bottom: 1; }
    FormScreen .field { height: auto; }
    FormScreen .field-label { color: $foreground-muted; }
    FormScreen .field-error { color: $error; height: auto; display: none; }
    FormScreen TextArea.multi { height: 4; }
    FormScreen #err-form { color: $error; height: auto; }
    FormScreen #form-note { color: $success; height: auto; }
    FormScreen #buttons { height: auto; margin-top: 1; }
    FormScreen #buttons Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    TITLE_TEXT = "Form"
    SUBMIT_LABEL = "Create"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="form"):
            yield Static(Content(self.TITLE_TEXT), id="form-title")
            yield from self.compose_fields()
            yield Label("", id="err-form")
            yield Label("", id="form-note")
            with Horizontal(id="buttons"):
                yield Button(self.SUBMIT_LABEL, variant="primary", id="submit")
                yield Button("Cancel", id="cancel")

    def compose_fields(self) -> ComposeResult:
        """The form's fields (subclasses)."""
        yield from ()

    # ------------------------------------------------------------------ reading fields

    def value(self, key: str) -> str:
        widget = self.query_one(f"#f-{key}")
        if isinstance(widget, Input):
            return widget.value
        if isinstance(widget, TextArea):
            return widget.text
        raise TypeError(f"#f-{key} is not a text field")

    def checked(self, key: str) -> bool:
        return self.query_one(f"#f-{key}", Checkbox).value

    def values(self, keys: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in keys:
            widget = self.query(f"#f-{key}").first()
            out[key] = widget.value if isinstance(widget, Checkbox) else self.value(key)
        return out

    # ------------------------------------------------------------------ errors

    def clear_errors(self) -> None:
        for label in self.query(".field-error"):
            if isinstance(label, Label):
                label.update("")
                label.display = False  # an empty error line takes no room
        self.query_one("#err-form", Label).update("")

    def show_errors(self, errors: Mapping[str, str]) -> None:
        self.clear_errors()
        for key, message in errors.items():
            found = self.query(f"#err-{key}")
            target = found.first() if found else self.query_one("#err-form")
            if isinstance(target, Label):
                target.update(Content(clean(message)))
                target.display = True

    def show_note(self, message: str) -> None:
        self.query_one("#form-note", Label).update(Content(clean(message)))

    def field_for_error(self, error: EngineError) -> str:
        """The field an engine error concerns ("form" when none clearly does)."""
        return "form"

    # ------------------------------------------------------------------ submit

    def collect(self) -> Any:
        """Validate every field; return what `send` needs. Raise on bad input."""
        raise NotImplementedError

    async def send(self, payload: Any) -> R | None:
        """Do the request(s); the return value dismisses the form (None keeps it open)."""
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        try:
            payload = self.collect()
        except FormInvalid as exc:
            self.show_errors(exc.errors)
            return
        except ValidationError as exc:
            self.show_errors({exc.field: exc.message})
            return
        except EngineError as exc:  # local checks that reuse engine errors (build context)
            self.show_errors({self.field_for_error(exc): str(exc)})
            return
        self.clear_errors()
        self._submit(payload)

    @work(exclusive=True, group="submit", exit_on_error=False)
    async def _submit(self, payload: Any) -> None:
        button = self.query_one("#submit", Button)
        button.disabled = True
        try:
            result = await self.send(payload)
        except EngineError as exc:
            self.show_errors({self.field_for_error(exc): str(exc)})
            return
        finally:
            button.disabled = False
        if result is not None:
            self.dismiss(result)

    @on(Button.Pressed, "#submit")
    def _pressed_submit(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _pressed_cancel(self) -> None:
        self.action_cancel()
