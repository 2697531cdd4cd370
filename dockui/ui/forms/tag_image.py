"""Tag an image with a new `repo[:tag]` (a small modal)."""

from __future__ import annotations

from textual.app import ComposeResult

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError
from dockui.sanitize import clean
from dockui.ui.forms.form_base import FormScreen, field
from dockui.ui.forms.validators import parse_tag_target


class TagImageScreen(FormScreen[str]):
    """Dismisses with the new reference."""

    SUBMIT_LABEL = "Tag"

    def __init__(self, client: DockerClient, image_id: str, ref: str) -> None:
        super().__init__()
        self.client = client
        self.image_id = image_id
        self.TITLE_TEXT = f"Tag {clean(ref)}"

    def compose_fields(self) -> ComposeResult:
        yield field("tag", "New tag, repo[:tag]", placeholder="me/app:v2")

    def collect(self) -> tuple[str, str]:
        return parse_tag_target(self.value("tag"))

    def field_for_error(self, error: EngineError) -> str:
        return "tag"

    async def send(self, payload: tuple[str, str]) -> str:
        repo, tag = payload
        await self.client.tag_image(self.image_id, repo, tag)
        return f"{repo}:{tag}"
