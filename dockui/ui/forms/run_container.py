"""The run/create container form (`n` on the containers pane, and "duplicate").

Every field is checked by `build_create_body` before the create request. The container
is then created and, when asked, started. A start that fails after a successful create
is reported in the result (`RunResult.start_error`): the container exists and stays
listed, and the user is told why it is not running.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox

from dockui.engine.client import DockerClient
from dockui.engine.errors import Conflict, EngineError, NotFound, NotModified
from dockui.ui.forms.form_base import FormScreen, field
from dockui.ui.forms.validators import RUN_FIELDS, build_create_body


@dataclass(frozen=True, slots=True)
class RunResult:
    """What the form did: the new container, whether it runs, and why not if it does not."""

    container_id: str
    name: str
    started: bool
    start_error: str = ""

    @property
    def message(self) -> str:
        who = self.name or self.container_id[:12]
        if self.start_error:
            return f"Created {who}, but it could not start: {self.start_error}"
        return f"Started {who}" if self.started else f"Created {who}"


# Words in engine messages that tell which field a create error concerns.
_ERROR_FIELDS = (
    ("port", "ports"),
    ("bind", "binds"),
    ("mount", "binds"),
    ("volume", "binds"),
    ("network", "network"),
    ("memory", "memory"),
    ("cpu", "cpus"),
    ("restart", "restart"),
    ("container name", "name"),
    ("image", "image"),
    ("no command specified", "command"),
    ("executable file not found", "command"),
)


class RunContainerScreen(FormScreen[RunResult]):
    """Create (and optionally start) a container."""

    TITLE_TEXT = "Run a container"
    SUBMIT_LABEL = "Create"

    def __init__(
        self,
        client: DockerClient,
        *,
        images: list[str],
        networks: list[str],
        prefill: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.images = sorted(set(images))
        self.networks = sorted(set(networks))
        self.prefill = dict(prefill or {})
        if prefill:
            self.TITLE_TEXT = "Run a copy of a container"

    def _v(self, key: str, default: str = "") -> str:
        value = self.prefill.get(key)
        return str(value) if value not in (None, "") else default

    def compose_fields(self) -> ComposeResult:
        yield field(
            "image",
            "Image",
            value=self._v("image"),
            placeholder="nginx:latest",
            suggester=SuggestFromList(self.images, case_sensitive=False),
        )
        yield field("name", "Name (optional)", value=self._v("name"), placeholder="web-1")
        yield field(
            "command", "Command (optional)", value=self._v("command"), placeholder="sh -c '…'"
        )
        yield field("env", "Environment, KEY=value per line", value=self._v("env"), multiline=True)
        yield field(
            "ports",
            "Ports, [ip:]host:container[/udp], comma-separated",
            value=self._v("ports").replace("\n", ", "),
            placeholder="8080:80, 127.0.0.1:5353:53/udp",
        )
        yield field(
            "binds", "Mounts, /host:/path[:ro] or volume:/path per line",
            value=self._v("binds"), multiline=True,
        )  # fmt: skip
        yield field(
            "network",
            "Network (optional)",
            value=self._v("network"),
            placeholder="bridge",
            suggester=SuggestFromList(self.networks, case_sensitive=False),
        )
        yield field(
            "restart",
            "Restart policy: no, always, unless-stopped, on-failure[:N]",
            value=self._v("restart", "no"),
        )
        yield field("memory", "Memory limit", value=self._v("memory"), placeholder="512m, 1g")
        yield field("cpus", "CPUs", value=self._v("cpus"), placeholder="0.5")
        yield field("cpu_shares", "CPU shares", value=self._v("cpu_shares"), placeholder="1024")
        yield field("labels", "Labels, key=value per line", value=self._v("labels"), multiline=True)
        with Horizontal(classes="field", id="field-flags"):
            yield Checkbox("TTY + stdin", bool(self.prefill.get("tty")), id="f-tty")
            yield Checkbox("Start after create", True, id="f-start")

    def collect(self) -> tuple[str | None, dict[str, Any], bool]:
        name, body = build_create_body(self.values(RUN_FIELDS))
        return name, body, self.checked("start")

    def field_for_error(self, error: EngineError) -> str:
        text = str(error).lower()
        if isinstance(error, Conflict) and "name" in text:
            return "name"
        if isinstance(error, NotFound) and "image" in text:
            return "image"
        return next((f for word, f in _ERROR_FIELDS if word in text), "form")

    async def send(self, payload: tuple[str | None, dict[str, Any], bool]) -> RunResult:
        name, body, start = payload
        cid = await self.client.create_container(body, name=name)
        if not start:
            return RunResult(cid, name or "", started=False)
        try:
            await self.client.start(cid)
        except NotModified:
            pass  # already running: nothing went wrong
        except EngineError as exc:
            # The container exists; say so instead of pretending nothing happened.
            return RunResult(cid, name or "", started=False, start_error=str(exc))
        return RunResult(cid, name or "", started=True)
