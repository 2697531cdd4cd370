"""Create a volume: name, driver, driver options, labels.

The engine answers a create with an existing name by returning that volume, silently;
this form asks first, so "create" never quietly means "reuse".
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError, NotFound
from dockui.ui.forms.form_base import FormScreen, field
from dockui.ui.forms.validators import (
    FormInvalid,
    ValidationError,
    parse_driver_opts,
    parse_labels,
    validate_volume_name,
)


@dataclass(frozen=True, slots=True)
class VolumeRequest:
    name: str | None
    driver: str
    driver_opts: dict[str, str]
    labels: dict[str, str]


@dataclass(frozen=True, slots=True)
class VolumeCreated:
    name: str

    @property
    def message(self) -> str:
        return f"Created volume {self.name}"


class CreateVolumeScreen(FormScreen[VolumeCreated]):
    """`n` on the volumes pane."""

    TITLE_TEXT = "Create a volume"

    def __init__(self, client: DockerClient) -> None:
        super().__init__()
        self.client = client

    def compose_fields(self) -> ComposeResult:
        yield field("name", "Name (optional: the engine makes one)", placeholder="data")
        yield field("driver", "Driver", value="local")
        yield field(
            "driver_opts", "Driver options, key=value per line (type=tmpfs …)", multiline=True
        )
        yield field("labels", "Labels, key=value per line", multiline=True)

    def collect(self) -> VolumeRequest:
        errors: dict[str, str] = {}
        values: dict[str, object] = {}
        checks = (
            ("name", validate_volume_name),
            ("driver_opts", parse_driver_opts),
            ("labels", parse_labels),
        )
        for key, fn in checks:
            try:
                values[key] = fn(self.value(key))
            except ValidationError as exc:
                errors[exc.field] = exc.message
        if errors:
            raise FormInvalid(errors)
        return VolumeRequest(
            values["name"],  # type: ignore[arg-type]
            self.value("driver").strip() or "local",
            values["driver_opts"],  # type: ignore[arg-type]
            values["labels"],  # type: ignore[arg-type]
        )

    def field_for_error(self, error: EngineError) -> str:
        text = str(error).lower()
        if "driver" in text or "plugin" in text:
            return "driver"
        if "option" in text or "opt" in text:
            return "driver_opts"
        if "name" in text:
            return "name"
        return "form"

    async def send(self, payload: VolumeRequest) -> VolumeCreated | None:
        if payload.name:
            try:
                await self.client.inspect_volume(payload.name)
            except NotFound:
                pass
            else:
                self.show_errors({"name": f"A volume named {payload.name} already exists."})
                return None
        vol = await self.client.create_volume(
            payload.name,
            driver=payload.driver,
            driver_opts=payload.driver_opts,
            labels=payload.labels,
        )
        return VolumeCreated(vol.name or payload.name or "")
