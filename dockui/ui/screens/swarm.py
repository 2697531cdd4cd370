"""The swarm view of one engine: services, the tasks of the selected service, and nodes.

Only a manager can list swarm objects. A worker, a non-swarm engine and podman each get
one plain sentence instead of panes (never a raw 503). On a manager the panes follow the
engine's `service` and `node` events (and container events of task containers on this
node) through a coalesced re-list. Task progress has no events of its own, so while a
service is converging (running != desired, or an update in progress) the view re-lists
once a second until it settles, and stops again.

Actions: `s` scales a replicated service (validated number), `r` forces a rolling
restart, `d` removes a service, `D` drains or re-activates a node; the last three ask
first, naming what they touch.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.validation import Integer
from textual.widgets import DataTable, Footer, Input, Static

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError, NotSupported
from dockui.engine.models import Event
from dockui.engine.swarm import NodeSummary, ServiceSummary, SwarmAPI, TaskSummary
from dockui.sanitize import clean, safe_text
from dockui.state.model import EngineModel
from dockui.ui.screens.fleet import ConfirmAction

COALESCE = 0.2
CONVERGE_INTERVAL = 1.0
MAX_REPLICAS = 1000
SERVICE_LABEL = "com.docker.swarm.service.id"
PODMAN_SENTENCE = (
    "podman has no swarm mode: services, tasks and nodes exist only on Docker engines "
    "that run in swarm mode."
)

_COLUMNS = {
    "services": ("NAME", "MODE", "REPLICAS", "IMAGE", "PORTS", "UPDATE"),
    "tasks": ("TASK", "SLOT", "NODE", "DESIRED", "CURRENT", "ERROR"),
    "nodes": ("HOSTNAME", "ROLE", "AVAILABILITY", "STATUS", "LEADER", "ENGINE"),
}
_TASK_STATE_STYLE = {"running": "green", "failed": "red", "rejected": "red", "complete": "dim"}


def role_sentence(name: str, info: dict[str, Any], podman: bool) -> str | None:
    """Why this engine shows no swarm panes, as one sentence; None for a manager."""
    if podman:
        return PODMAN_SENTENCE
    sw = info.get("Swarm") if isinstance(info.get("Swarm"), dict) else {}
    state = str(sw.get("LocalNodeState") or "inactive")
    if state == "active":
        if sw.get("ControlAvailable"):
            return None
        managers = [
            str(m.get("Addr")) for m in sw.get("RemoteManagers") or [] if isinstance(m, dict)
        ]
        where = f" (managers: {', '.join(managers)})" if managers else ""
        return (
            f"{name} is a swarm worker: services, tasks and nodes are visible only on a "
            f"manager node{where}; connect to a manager to see them."
        )
    if state == "pending":
        return f"{name} is joining a swarm (pending); services appear once it is a manager."
    if state == "locked":
        return f"The swarm on {name} is locked: unlock it with `docker swarm unlock`."
    if state == "error":
        err = str(sw.get("Error") or "no detail given")
        return f"Swarm mode on {name} is in an error state: {err}."
    return (
        f"Swarm is inactive on {name}: it is not part of a swarm "
        "(`docker swarm init` makes it a single-node manager)."
    )


class ScaleInput(ModalScreen[int | None]):
    """Ask for a replica count; only a whole number from 0 to MAX_REPLICAS is accepted."""

    DEFAULT_CSS = """
    ScaleInput { align: center middle; }
    ScaleInput > Vertical {
        width: 64; height: auto; border: thick $accent; background: $surface; padding: 1 2;
    }
    ScaleInput #scale-error { height: auto; color: $error; }
    """
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, service: ServiceSummary) -> None:
        super().__init__()
        self.service = service

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                Content.assemble(
                    "Scale ",
                    (clean(self.service.name), "bold"),
                    f" (now {self.service.replicas} replicas) to:",
                )
            )
            yield Input(
                str(self.service.replicas or 0),
                type="integer",
                validators=[Integer(minimum=0, maximum=MAX_REPLICAS)],
                id="scale-replicas",
            )
            yield Static(id="scale-error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        result = event.validation_result
        if not event.value.strip() or (result is not None and not result.is_valid):
            self.query_one("#scale-error", Static).update(
                Content(f"replicas must be a whole number from 0 to {MAX_REPLICAS}")
            )
            return
        self.dismiss(int(event.value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SwarmScreen(Screen[None]):
    """Services, tasks and nodes of one engine's swarm, live while shown."""

    DEFAULT_CSS = """
    SwarmScreen #swarm-message { height: auto; padding: 1 2; }
    SwarmScreen #swarm-panes { height: 1fr; }
    SwarmScreen #services { height: 2fr; }
    SwarmScreen #tasks { height: 2fr; }
    SwarmScreen #nodes { height: 1fr; }
    SwarmScreen DataTable { border: round $panel; border-title-color: $accent; }
    SwarmScreen DataTable:focus { border: round $accent; }
    """
    BINDINGS = [
        Binding("s", "scale", "scale"),
        Binding("r", "rolling_restart", "rolling restart"),
        Binding("d", "remove_service", "remove service"),
        Binding("D", "toggle_node", "drain/activate node"),
        Binding("escape", "back", "back"),
        # vim keys, as everywhere in dockui; arrows work through the table itself.
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
    ]

    def __init__(
        self,
        client: DockerClient,
        model: EngineModel,
        *,
        read_only: bool = False,
        coalesce: float = COALESCE,
    ) -> None:
        super().__init__()
        self.client = client
        self.model = model
        self.api = SwarmAPI(client)
        self.read_only = read_only
        self.coalesce = coalesce
        self.role_message: str | None = ""  # "" until known, None on a manager
        self.services: dict[str, ServiceSummary] = {}
        self.nodes: dict[str, NodeSummary] = {}
        self.tasks: dict[str, TaskSummary] = {}
        self.service_id: str | None = None
        self._wanted = asyncio.Event()
        self._cells: dict[str, dict[str, tuple[str, ...]]] = {}
        self._unlisten: Callable[[], None] | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(Content("Looking at this engine's swarm…"), id="swarm-message")
        with Vertical(id="swarm-panes"):
            for table_id, columns in _COLUMNS.items():
                table: DataTable[Text] = DataTable(id=table_id, cursor_type="row")
                table.border_title = table_id
                for col in columns:
                    table.add_column(col, key=col.lower())
                yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#swarm-panes").display = False
        self._unlisten = self.model.add_event_listener(self._on_event)
        self._refresher()
        self.want()

    def on_unmount(self) -> None:
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None

    # ------------------------------------------------------------------ live updates

    def _on_event(self, ev: Event) -> None:
        if ev.type in ("service", "node") or (
            ev.type == "container" and SERVICE_LABEL in ev.attributes
        ):
            self.want()

    def want(self) -> None:
        """Ask for a re-list; bursts of events collapse into one."""
        self._wanted.set()

    @work(exclusive=True, group="swarm-refresh", exit_on_error=False)
    async def _refresher(self) -> None:
        while True:
            await self._wanted.wait()
            await asyncio.sleep(self.coalesce)
            self._wanted.clear()
            converging = False
            try:
                converging = await self._relist()
            except asyncio.CancelledError:
                raise
            except NotSupported:
                # Demoted or left the swarm since the last look: say so on the next pass.
                self.want()
            except EngineError as exc:
                self._set_message(
                    f"Could not list swarm objects on {self.model.name}: {exc.message}. "
                    "Retrying on the next swarm event."
                )
            if converging:
                self.set_timer(CONVERGE_INTERVAL, self.want)

    async def _relist(self) -> bool:
        """Re-read role, services, nodes and the selected service's tasks; True while
        some service is still converging."""
        info = await self.client.info() if not self.client.is_podman else {}
        sentence = role_sentence(self.model.name, info, self.client.is_podman)
        if sentence is not None:
            self._set_message(sentence)
            return False
        services, nodes = await asyncio.gather(self.api.services(), self.api.nodes())
        self.services = {s.id: s for s in services}
        self.nodes = {n.id: n for n in nodes}
        if self.role_message is not None:
            self.role_message = None
            self.query_one("#swarm-message", Static).display = False
            self.query_one("#swarm-panes").display = True
            self.query_one("#services", DataTable).focus()
        self._show_services()
        self._show_nodes()
        await self._list_tasks()
        return any(
            (s.replicas is not None and s.running != s.desired)
            or s.update_state in ("updating", "rollback_started")
            for s in services
        )

    async def _list_tasks(self) -> None:
        sid = self.service_id
        tasks = await self.api.tasks(service=sid) if sid else []
        if sid != self.service_id:
            return  # the selection moved while we listed; its own refresh follows
        self.tasks = {t.id: t for t in tasks}
        self._show_tasks()

    def _set_message(self, sentence: str) -> None:
        self.role_message = sentence
        msg = self.query_one("#swarm-message", Static)
        msg.update(Content(clean(sentence)))
        msg.display = True
        self.query_one("#swarm-panes").display = False

    # ------------------------------------------------------------------ tables

    def _sync(
        self,
        table_id: str,
        rows: dict[str, tuple[Text, ...]],
        order: Callable[[tuple[Text, ...]], Any],
    ) -> None:
        """Diff-update a table to `rows` (key -> cells), keeping the cursor's row; `order`
        maps a row's cells to its sort key."""
        table = self.query_one(f"#{table_id}", DataTable)
        seen = self._cells.setdefault(table_id, {})
        cols = [c.key for c in table.ordered_columns]
        cursor = self._cursor_key(table)
        changed = False
        for key in list(seen):
            if key not in rows:
                del seen[key]
                table.remove_row(key)
                changed = True
        for key, cells in rows.items():
            sig = tuple(f"{t.plain}\0{t.style}" for t in cells)
            old = seen.get(key)
            if old is None:
                table.add_row(*cells, key=key)
                changed = True
            elif old != sig:
                for i, (was, now) in enumerate(zip(old, sig, strict=True)):
                    if was != now:
                        table.update_cell(key, cols[i], cells[i], update_width=True)
                changed = True
            seen[key] = sig
        if not changed:
            return
        # sort() keeps the cursor's index, not its row: the cursor is found again below.
        table.sort(key=order)
        if cursor in rows:
            table.move_cursor(row=table.get_row_index(cursor), animate=False)

    @staticmethod
    def _cursor_key(table: DataTable[Text]) -> str | None:
        if table.row_count == 0:
            return None
        with contextlib.suppress(Exception):
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None

    def _show_services(self) -> None:
        rows: dict[str, tuple[Text, ...]] = {}
        for s in self.services.values():
            replicas = f"{s.running}/{s.desired}"
            style = "green" if s.running == s.desired else "yellow"
            rows[s.id] = (
                safe_text(s.name),
                Text(s.mode),
                Text(replicas, style=style),
                safe_text(s.image),
                safe_text(", ".join(s.ports) or "–"),
                safe_text(s.update_state or "–"),
            )
        self._sync("services", rows, lambda cells: cells[0].plain)
        table = self.query_one("#services", DataTable)
        if self.service_id not in self.services:
            self.service_id = self._cursor_key(table)

    def _show_nodes(self) -> None:
        rows: dict[str, tuple[Text, ...]] = {}
        for n in self.nodes.values():
            rows[n.id] = (
                safe_text(n.hostname),
                safe_text(n.role),
                Text(clean(n.availability), style="" if n.availability == "active" else "yellow"),
                Text(clean(n.status), style="green" if n.status == "ready" else "red"),
                Text("leader" if n.leader else ""),
                safe_text(n.engine_version),
            )
        self._sync("nodes", rows, lambda cells: cells[0].plain)

    def _show_tasks(self) -> None:
        rows: dict[str, tuple[Text, ...]] = {}
        for t in self.tasks.values():
            node = self.nodes.get(t.node_id)
            rows[t.id] = (
                Text(t.id[:12]),
                Text(str(t.slot) if t.slot else "–"),
                safe_text(node.hostname if node else t.node_id[:12]),
                safe_text(t.desired_state),
                Text(clean(t.state), style=_TASK_STATE_STYLE.get(t.state, "yellow")),
                Text(clean(t.error), style="red") if t.error else Text(""),
            )
        self._sync("tasks", rows, self._task_order)
        svc = self.services.get(self.service_id or "")
        tasks = self.query_one("#tasks", DataTable)
        tasks.border_title = f"tasks of {clean(svc.name)}" if svc else "tasks"

    @staticmethod
    def _task_order(cells: tuple[Text, ...]) -> tuple[int, bool, str]:
        # Slot, then the current task of the slot before its history, then node.
        slot = cells[1].plain
        return (int(slot) if slot.isdigit() else 0, cells[3].plain != "running", cells[2].plain)

    @on(DataTable.RowHighlighted, "#services")
    def _service_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if key and key != self.service_id:
            self.service_id = key
            self._tasks_now()

    @work(exclusive=True, group="swarm-tasks", exit_on_error=False)
    async def _tasks_now(self) -> None:
        try:
            await self._list_tasks()
        except EngineError:
            self.want()  # the full refresh says what is wrong

    # ------------------------------------------------------------------ actions

    def _writable(self, what: str) -> bool:
        if self.read_only:
            self.notify(f"read-only mode: {what} is disabled", severity="warning")
            return False
        if self.role_message is not None:
            self.notify("no swarm services here", severity="warning")
            return False
        return True

    def selected_service(self) -> ServiceSummary | None:
        key = self._cursor_key(self.query_one("#services", DataTable))
        return self.services.get(key or "")

    def selected_node(self) -> NodeSummary | None:
        key = self._cursor_key(self.query_one("#nodes", DataTable))
        return self.nodes.get(key or "")

    def action_scale(self) -> None:
        if not self._writable("scaling"):
            return
        svc = self.selected_service()
        if svc is None:
            self.notify("no service selected", severity="warning")
            return
        if svc.replicas is None:
            self.notify(
                clean(f"only replicated services can be scaled: {svc.name} is {svc.mode}"),
                severity="warning",
                markup=False,
            )
            return

        def answered(replicas: int | None) -> None:
            if replicas is not None:
                self._run(
                    f"scaled {svc.name} to {replicas}",
                    f"scale {svc.name}",
                    self.api.scale_service(svc.id, replicas),
                )

        self.app.push_screen(ScaleInput(svc), answered)

    def action_rolling_restart(self) -> None:
        if not self._writable("restarting a service"):
            return
        svc = self.selected_service()
        if svc is None:
            self.notify("no service selected", severity="warning")
            return
        self._confirm(
            Content.assemble("Restart every task of service ", (clean(svc.name), "bold"), "?"),
            Content("A rolling update (`docker service update --force`) replaces each task."),
            f"rolling restart of {svc.name} started",
            f"restart {svc.name}",
            lambda: self.api.force_update_service(svc.id),
        )  # fmt: skip

    def action_remove_service(self) -> None:
        if not self._writable("removing a service"):
            return
        svc = self.selected_service()
        if svc is None:
            self.notify("no service selected", severity="warning")
            return
        self._confirm(
            Content.assemble(
                "Remove service ", (clean(svc.name), "bold"),
                " on ", (clean(self.model.name), "bold"), "?",
            ),
            Content(clean(f"Its {svc.running} running task(s) stop; image {svc.image} stays.")),
            f"removed service {svc.name}",
            f"remove {svc.name}",
            lambda: self.api.remove_service(svc.id),
        )  # fmt: skip

    def action_toggle_node(self) -> None:
        if not self._writable("changing node availability"):
            return
        node = self.selected_node()
        if node is None:
            self.notify("no node selected", severity="warning")
            return
        new = "active" if node.availability != "active" else "drain"
        verb = "Activate" if new == "active" else "Drain"
        detail = (
            "New tasks may be scheduled on it again."
            if new == "active"
            else "Its tasks are moved to other nodes; on a single-node swarm they stop."
        )
        self._confirm(
            Content.assemble(f"{verb} node ", (clean(node.hostname or node.id[:12]), "bold"), "?"),
            Content(detail),
            f"node {node.hostname} is now {new}",
            f"set node {node.hostname} to {new}",
            lambda: self.api.set_node_availability(node.id, new),
        )

    def _confirm(
        self,
        question: Content,
        detail: Content,
        done: str,
        what: str,
        call: Callable[[], Any],
    ) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._run(done, what, call())

        self.app.push_screen(ConfirmAction(question, detail), answered)

    @work(group="swarm-action", exit_on_error=False)
    async def _run(self, done: str, what: str, call: Any) -> None:
        try:
            await call
        except EngineError as exc:
            self.notify(clean(f"Could not {what}: {exc.message}"), severity="error", markup=False)
        except ValueError as exc:
            self.notify(clean(f"Could not {what}: {exc}"), severity="error", markup=False)
        else:
            self.notify(clean(done), markup=False)
        self.want()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_cursor(self, direction: str) -> None:
        table = self.focused
        if isinstance(table, DataTable):
            if direction == "down":
                table.action_cursor_down()
            else:
                table.action_cursor_up()
