"""Rename a container (a small modal); a name in use is shown next to the name."""

from __future__ import annotations

from textual.app import ComposeResult

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError
from dockui.sanitize import clean
from dockui.ui.forms.form_base import FormScreen, field
from dockui.ui.forms.validators import ValidationError, validate_container_name


class RenameContainerScreen(FormScreen[str]):
    """Dismisses with the new name."""

    SUBMIT_LABEL = "Rename"

    def __init__(self, client: DockerClient, container_id: str, name: str) -> None:
        super().__init__()
        self.client = client
        self.container_id = container_id
        self.old_name = name
        self.TITLE_TEXT = f"Rename {clean(name)}"

    def compose_fields(self) -> ComposeResult:
        yield field("name", "New name", value=self.old_name)

    def collect(self) -> str:
        name = validate_container_name(self.value("name"))
        if name is None:
            raise ValidationError("name", "Type the new name.")
        if name == self.old_name:
            raise ValidationError("name", "That is already its name.")
        return name

    def field_for_error(self, error: EngineError) -> str:
        return "name"

    async def send(self, payload: str) -> str:
        await self.client.rename(self.container_id, payload)
        return payload
