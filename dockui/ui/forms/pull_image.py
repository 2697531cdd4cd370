"""Pull an image by reference: a progress bar per layer and one overall, registry credentials
found as the docker CLI finds them (`dockui.engine.auth`).

The pull runs in a worker owned by this screen, so escape (leaving the screen) cancels
it and closes the connection. An error object in the middle of the stream stops the
pull where it happened: the layer rows stay on screen and the message is shown.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, ProgressBar

from dockui.engine.auth import resolve_auth_async
from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError, NotFound
from dockui.engine.progress import LayerProgress, PullProgress
from dockui.sanitize import clean
from dockui.ui.forms.form_base import FormScreen, field
from dockui.ui.forms.validators import ImageRef, parse_image_ref


class LayerRow(Horizontal):
    """One layer: id, bar, status."""

    DEFAULT_CSS = """
    LayerRow { height: 1; }
    LayerRow > .layer-id { width: 14; }
    LayerRow > ProgressBar { width: 40; }
    LayerRow > .layer-status { width: 1fr; color: $foreground-muted; }
    """

    def __init__(self, layer_id: str) -> None:
        super().__init__(classes="layer")
        self.layer_id = layer_id

    def compose(self) -> ComposeResult:
        yield Label(Content(clean(self.layer_id[:12])), classes="layer-id")
        yield ProgressBar(total=None, show_eta=False, show_percentage=True)
        yield Label("", classes="layer-status")

    def show(self, row: LayerProgress) -> None:
        bar = self.query_one(ProgressBar)
        if row.done:
            bar.update(total=1, progress=1)
        elif row.span:
            bar.update(total=row.span, progress=row.current)
        self.query_one(".layer-status", Label).update(Content(clean(row.status)))


class PullImageScreen(FormScreen[str]):
    """`n` on the images pane. Dismisses with the pulled reference."""

    TITLE_TEXT = "Pull an image"
    SUBMIT_LABEL = "Pull"
    DEFAULT_CSS = """
    PullImageScreen #overall-row { height: auto; }
    PullImageScreen #overall { width: 1fr; }
    PullImageScreen #layers { height: auto; }
    """

    def __init__(self, client: DockerClient, *, ref: str = "") -> None:
        super().__init__()
        self.client = client
        self.initial_ref = ref
        self.progress = PullProgress()
        self.pulled = ""

    def compose_fields(self) -> ComposeResult:
        yield field("ref", "Image reference", value=self.initial_ref, placeholder="nginx:latest")
        with Vertical(id="overall-row"):
            yield Label("", id="pull-status")
            yield ProgressBar(total=None, show_eta=False, id="overall")
        yield Vertical(id="layers")

    def collect(self) -> ImageRef:
        return parse_image_ref(self.value("ref"), "ref")

    def field_for_error(self, error: EngineError) -> str:
        return "ref" if isinstance(error, NotFound) else "form"

    async def send(self, payload: ImageRef) -> str | None:
        if self.pulled:  # the button reads "Close" once the pull succeeded
            return self.pulled
        self.progress = PullProgress()
        layers = self.query_one("#layers", Vertical)
        await layers.remove_children()
        status = self.query_one("#pull-status", Label)
        status.update(Content("Looking up credentials…"))
        # The CLI's lookup: a missing helper is an error the user must see, not a silent
        # anonymous pull that then fails with "access denied".
        auth = await resolve_auth_async(str(payload))
        status.update(Content(f"Pulling {payload}" + (" (with saved credentials)" if auth else "")))
        rows: dict[str, LayerRow] = {}
        overall = self.query_one("#overall", ProgressBar)
        async for event in self.client.pull(payload.name, tag=payload.pull_tag, auth=auth):
            row = self.progress.feed(event)
            if row is not None:
                widget = rows.get(row.id)
                if widget is None:
                    widget = rows[row.id] = LayerRow(row.id)
                    await layers.mount(widget)
                widget.show(row)
                current, total = self.progress.overall()
                if total:
                    overall.update(total=total, progress=current)
            elif self.progress.status:
                status.update(Content(clean(self.progress.status)))
        current, total = self.progress.overall()
        overall.update(total=total or 1, progress=total or 1)
        self.pulled = str(payload)
        self.show_note(self.progress.status or f"Pulled {payload}")
        self.query_one("#submit", Button).label = "Close"
        return None  # stay open so the user sees the result; "Close" dismisses
