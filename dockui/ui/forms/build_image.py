"""Build an image from a local directory: the tar context honours `.dockerignore`
(`dockui.engine.build_context`), the build log streams into a Log, and a failing step is
shown with the engine's message and the step it belongs to.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Button, Log

from dockui.engine.build_context import BuildContextError, dockerfile_in_context, make_context
from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError, StreamError
from dockui.sanitize import strip_escapes
from dockui.ui.forms.form_base import FormScreen, field
from dockui.ui.forms.validators import (
    FormInvalid,
    ValidationError,
    parse_key_values,
    parse_labels,
    parse_tag_target,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BuildRequest:
    directory: str
    dockerfile: str
    tag: str
    buildargs: dict[str, str]
    labels: dict[str, str]


@dataclass(frozen=True, slots=True)
class BuildResult:
    image_id: str
    tag: str

    @property
    def message(self) -> str:
        return f"Built {self.tag or self.image_id[:19]}"


class BuildImageScreen(FormScreen[BuildResult]):
    """Build with the engine's (legacy) builder; dismisses with the built image."""

    TITLE_TEXT = "Build an image"
    SUBMIT_LABEL = "Build"
    DEFAULT_CSS = """
    BuildImageScreen #build-log { height: 14; border: round $panel; }
    """

    def __init__(self, client: DockerClient, *, directory: str = "") -> None:
        super().__init__()
        self.client = client
        self.directory = directory or os.getcwd()
        self.result: BuildResult | None = None
        self.failed_step = ""

    def compose_fields(self) -> ComposeResult:
        yield field("directory", "Context directory", value=self.directory)
        yield field("dockerfile", "Dockerfile (relative to the directory)", value="Dockerfile")
        yield field("tag", "Tag (optional)", placeholder="me/app:dev")
        yield field("buildargs", "Build args, KEY=value per line", multiline=True)
        yield field("labels", "Labels, key=value per line", multiline=True)
        yield Log(id="build-log", max_lines=5000, auto_scroll=True)

    def collect(self) -> BuildRequest:
        errors: dict[str, str] = {}

        def attempt(fn: Callable[[], T]) -> T | None:
            try:
                return fn()
            except ValidationError as exc:
                errors.setdefault(exc.field, exc.message)
            except BuildContextError as exc:
                errors.setdefault("dockerfile", str(exc))
            return None

        directory = os.path.expanduser(self.value("directory").strip())
        dockerfile: str | None = None
        if not directory:
            errors["directory"] = "Choose the directory to build."
        elif not os.path.isdir(directory):
            errors["directory"] = f"{directory} is not a directory."
        else:
            dockerfile = attempt(
                lambda: dockerfile_in_context(directory, self.value("dockerfile").strip())
            )
        tag_text = self.value("tag").strip()
        target = attempt(lambda: parse_tag_target(tag_text, "tag")) if tag_text else None
        buildargs = attempt(
            lambda: parse_key_values(self.value("buildargs"), "buildargs", require_value=True)
        )
        labels = attempt(lambda: parse_labels(self.value("labels")))
        if errors:
            raise FormInvalid(errors)
        return BuildRequest(
            directory,
            dockerfile or "Dockerfile",
            f"{target[0]}:{target[1]}" if target else "",
            buildargs or {},
            labels or {},
        )

    def field_for_error(self, error: EngineError) -> str:
        text = str(error).lower()
        if "build-arg" in text or "build arg" in text:
            return "buildargs"
        if "dockerfile" in text:
            return "dockerfile"
        return "form"

    async def send(self, payload: BuildRequest) -> BuildResult | None:
        if self.result is not None:  # "Close" after a successful build
            return self.result
        log = self.query_one("#build-log", Log)
        log.clear()
        log.write_line(f"Sending the context {payload.directory} …")
        # Walking and reading the tree can take a while: keep the UI responsive.
        context = await asyncio.to_thread(
            make_context, payload.directory, dockerfile=payload.dockerfile
        )
        log.write_line(f"Context: {len(context) / 1024:.0f} KiB")
        image_id = ""
        pending: list[str] = []
        step = ""
        try:
            async for event in self.client.build(
                context,
                tag=payload.tag or None,
                dockerfile=payload.dockerfile,
                buildargs=payload.buildargs,
                labels=payload.labels,
            ):
                if event.stream:
                    for line in event.stream.splitlines():
                        line = strip_escapes(line)
                        if line.startswith("Step "):
                            step = line
                        pending.append(line)
                elif event.status:
                    pending.append(strip_escapes(event.status))
                if isinstance(event.aux.get("ID"), str):
                    image_id = event.aux["ID"]
                if pending:
                    log.write_lines(pending)
                    pending = []
        except StreamError as exc:
            # Where it broke: the step the engine was running and its own message.
            self.failed_step = step
            message = strip_escapes(str(exc))
            log.write_line(f"ERROR: {message}")
            where = f"{step} failed: " if step else "The build failed: "
            raise StreamError(where + message) from None
        self.result = BuildResult(image_id, payload.tag)
        self.show_note(self.result.message)
        self.query_one("#submit", Button).label = "Close"
        self.query_one("#form-title").update(Content("Build finished"))  # type: ignore[attr-defined]
        return None
