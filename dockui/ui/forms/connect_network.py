"""Connect a container to a network (optionally at a fixed IPv4 address), or disconnect it.

The screen also lists the containers attached to the network now (from inspect), so
the user sees the addresses in use before choosing one. A fixed address is checked to
lie in the network's subnet before the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Checkbox, DataTable, Label, Select

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError
from dockui.engine.inspect_views import attached_endpoints
from dockui.sanitize import safe_text
from dockui.ui.forms.form_base import FormScreen, field
from dockui.ui.forms.validators import ValidationError, parse_ipv4_in_subnets


@dataclass(frozen=True, slots=True)
class ConnectResult:
    network_id: str
    container_id: str
    connected: bool
    ipv4: str = ""

    @property
    def message(self) -> str:
        verb = "Connected" if self.connected else "Disconnected"
        at = f" at {self.ipv4}" if self.ipv4 else ""
        return f"{verb} {self.container_id[:12]}{at}"


class ConnectNetworkScreen(FormScreen[ConnectResult]):
    """Pick a container; connect it (with an optional IPv4) or, in disconnect mode, detach it."""

    DEFAULT_CSS = """
    ConnectNetworkScreen #attached { height: auto; max-height: 10; }
    """

    def __init__(
        self,
        client: DockerClient,
        network_id: str,
        network_name: str,
        containers: list[tuple[str, str]],
        *,
        disconnect: bool = False,
    ) -> None:
        super().__init__()
        self.client = client
        self.network_id = network_id
        self.network_name = network_name
        self.containers = containers
        self.disconnect = disconnect
        self.subnets: tuple[str, ...] = ()
        verb = "Disconnect a container from" if disconnect else "Connect a container to"
        self.TITLE_TEXT = f"{verb} {network_name}"
        self.SUBMIT_LABEL = "Disconnect" if disconnect else "Connect"

    def compose_fields(self) -> ComposeResult:
        options = [(safe_text(name or cid[:12]), cid) for cid, name in self.containers]
        yield Select(options, prompt="Container", id="f-container")
        yield Label("", id="err-container", classes="field-error")
        if self.disconnect:
            yield Checkbox("Force", False, id="f-force")
        else:
            yield field("ipv4", "Fixed IPv4 address (optional)", placeholder="172.28.5.9")
        table: DataTable[Text] = DataTable(id="attached", cursor_type="none")
        yield table

    def on_mount(self) -> None:
        table = self.query_one("#attached", DataTable)
        table.add_column("attached container", key="name")
        table.add_column("IPv4", key="ip")
        self._load()

    def _load(self) -> None:
        self.run_worker(self._inspect(), exclusive=True, group="inspect", exit_on_error=False)

    async def _inspect(self) -> None:
        try:
            net = await self.client.inspect_network(self.network_id)
        except EngineError as exc:
            self.show_errors({"form": str(exc)})
            return
        self.subnets = net.subnets
        table = self.query_one("#attached", DataTable)
        table.clear()
        for endpoint in attached_endpoints(net):
            table.add_row(safe_text(endpoint.name), safe_text(endpoint.ipv4))

    def collect(self) -> tuple[str, str | None, bool]:
        choice = self.query_one("#f-container", Select).value
        if not isinstance(choice, str):
            raise ValidationError("container", "Choose a container.")
        if self.disconnect:
            return choice, None, self.checked("force")
        return choice, parse_ipv4_in_subnets(self.value("ipv4"), self.subnets), False

    def field_for_error(self, error: EngineError) -> str:
        text = str(error).lower()
        if not self.disconnect and ("address" in text or "ip" in text.split()):
            return "ipv4"
        return "container"

    async def send(self, payload: tuple[str, str | None, bool]) -> ConnectResult:
        cid, ipv4, force = payload
        if self.disconnect:
            await self.client.disconnect_network(self.network_id, cid, force=force)
            return ConnectResult(self.network_id, cid, connected=False)
        await self.client.connect_network(self.network_id, cid, ipv4=ipv4)
        return ConnectResult(self.network_id, cid, connected=True, ipv4=ipv4 or "")
