"""Create a network: driver, subnet, gateway, IP range, internal, labels.

The subnet, gateway and range are checked against each other (`ipaddress`) before the
request; the engine's refusals (duplicate name, overlapping pool) land next to the field.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox

from dockui.engine.client import DockerClient
from dockui.engine.errors import Conflict, EngineError
from dockui.ui.forms.form_base import FormScreen, field
from dockui.ui.forms.validators import (
    FormInvalid,
    ValidationError,
    parse_driver_opts,
    parse_gateway,
    parse_ip_range,
    parse_labels,
    parse_subnet,
    validate_network_name,
)


@dataclass(frozen=True, slots=True)
class NetworkRequest:
    name: str
    driver: str
    subnet: str | None
    gateway: str | None
    ip_range: str | None
    internal: bool
    attachable: bool
    labels: dict[str, str]
    options: dict[str, str]


@dataclass(frozen=True, slots=True)
class NetworkCreated:
    network_id: str
    name: str

    @property
    def message(self) -> str:
        return f"Created network {self.name}"


class CreateNetworkScreen(FormScreen[NetworkCreated]):
    """`n` on the networks pane."""

    TITLE_TEXT = "Create a network"

    def __init__(self, client: DockerClient) -> None:
        super().__init__()
        self.client = client

    def compose_fields(self) -> ComposeResult:
        yield field("name", "Name", placeholder="backend")
        yield field("driver", "Driver", value="bridge")
        yield field("subnet", "Subnet (optional, CIDR)", placeholder="172.28.0.0/16")
        yield field("gateway", "Gateway (optional)", placeholder="172.28.0.1")
        yield field("ip_range", "IP range for containers (optional, CIDR)")
        yield field("options", "Driver options, key=value per line", multiline=True)
        yield field("labels", "Labels, key=value per line", multiline=True)
        with Horizontal(classes="field"):
            yield Checkbox("Internal (no outside access)", False, id="f-internal")
            yield Checkbox("Attachable", False, id="f-attachable")

    def collect(self) -> NetworkRequest:
        errors: dict[str, str] = {}

        def attempt(fn, *args):  # type: ignore[no-untyped-def]
            try:
                return fn(*args)
            except ValidationError as exc:
                errors.setdefault(exc.field, exc.message)
                return None

        name = attempt(validate_network_name, self.value("name"))
        driver = self.value("driver").strip() or "bridge"
        subnet = attempt(parse_subnet, self.value("subnet"))
        # A gateway/range is only checked against a subnet that parsed.
        subnet_ok = "subnet" not in errors
        gateway = attempt(parse_gateway, self.value("gateway"), subnet) if subnet_ok else None
        ip_range = attempt(parse_ip_range, self.value("ip_range"), subnet) if subnet_ok else None
        options = attempt(parse_driver_opts, self.value("options"), "options")
        labels = attempt(parse_labels, self.value("labels"))
        if errors:
            raise FormInvalid(errors)
        return NetworkRequest(
            name,
            driver,
            str(subnet) if subnet else None,
            gateway,
            ip_range,
            self.checked("internal"),
            self.checked("attachable"),
            labels or {},
            options or {},
        )

    def field_for_error(self, error: EngineError) -> str:
        text = str(error).lower()
        if isinstance(error, Conflict) or "already exists" in text:
            return "name"
        if "gateway" in text:
            return "gateway"
        if "range" in text:
            return "ip_range"
        if "pool" in text or "subnet" in text or "overlap" in text:
            return "subnet"
        if "driver" in text or "plugin" in text:
            return "driver"
        return "form"

    async def send(self, payload: NetworkRequest) -> NetworkCreated:
        nid = await self.client.create_network(
            payload.name,
            driver=payload.driver,
            internal=payload.internal,
            attachable=payload.attachable,
            labels=payload.labels,
            options=payload.options,
            subnet=payload.subnet,
            gateway=payload.gateway,
            ip_range=payload.ip_range,
        )
        return NetworkCreated(nid, payload.name)
