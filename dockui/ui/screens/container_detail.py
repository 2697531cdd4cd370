"""One container in depth: logs, stats, inspect, top and changes, plus exec and attach.

The dashboard pushes `ContainerDetailScreen(client, id, name, tab=...)`; `escape` pops it.
Every stream (logs, stats, top refresh) is a worker owned by the widget that shows it,
so leaving the screen cancels them all. Stats and top run only while their tab is shown.
"""

from __future__ import annotations

import asyncio
import shlex
from typing import Any

import humanize
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Static, TabbedContent, TabPane

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError
from dockui.engine.stats import parse_stats
from dockui.sanitize import clean, safe_text
from dockui.ui.exec_session import run_attach, run_exec
from dockui.ui.widgets.json_view import JsonView
from dockui.ui.widgets.log_view import LogView

TABS = ("logs", "stats", "inspect", "top", "changes")
TOP_INTERVAL = 2.0
_CHANGE_KINDS = {0: ("C", "yellow"), 1: ("A", "green"), 2: ("D", "red")}


def _size(n: int) -> str:
    return humanize.naturalsize(n, binary=True, format="%.1f")


class StatsPane(Vertical):
    """Live CPU, memory, network, block I/O and PIDs from the container's /stats stream."""

    DEFAULT_CSS = """
    StatsPane > #stats-note { height: auto; color: $foreground-muted; }
    """

    def __init__(self, client: DockerClient | None, container_id: str) -> None:
        super().__init__(id="stats-pane")
        self.client = client
        self.container_id = container_id

    def compose(self) -> ComposeResult:
        yield Static(Text("waiting for the first sample…"), id="stats-note")
        table: DataTable[Text] = DataTable(id="stats-table", cursor_type="none")
        yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("metric", width=14, key="metric")
        table.add_column("value", width=40, key="value")
        for key in ("CPU", "Memory", "Net I/O", "Block I/O", "PIDs"):
            table.add_row(Text(key), Text("–"), key=key)

    def start(self) -> None:
        if self.client is not None:
            self._stream()

    def stop(self) -> None:
        self.workers.cancel_group(self, "stats")

    @work(exclusive=True, group="stats", exit_on_error=False)
    async def _stream(self) -> None:
        assert self.client is not None
        note = self.query_one("#stats-note", Static)
        prev: dict[str, Any] | None = None
        try:
            async for raw in self.client.stats(self.container_id):
                sample = parse_stats(raw, prev, self.container_id)
                prev = raw
                table = self.query_one(DataTable)
                cpu = "–" if sample.cpu_percent is None else f"{sample.cpu_percent:.1f} %"
                mem = f"{_size(sample.mem_used)} / {_size(sample.mem_limit)}"
                if sample.mem_limit:
                    mem += f"  ({sample.mem_percent:.1f} %)"
                values = {
                    "CPU": cpu,
                    "Memory": mem,
                    "Net I/O": f"{_size(sample.net_rx)} in / {_size(sample.net_tx)} out",
                    "Block I/O": f"{_size(sample.blk_read)} read / "
                    f"{_size(sample.blk_write)} written",
                    "PIDs": str(sample.pids),
                }
                for key, value in values.items():
                    table.update_cell(key, "value", Text(value))
                note.update(Text(f"live, sample at {clean(sample.read[:19])}"))
            note.update(Text("The stats stream ended (the container stopped)."))
        except EngineError as exc:
            note.update(Text(f"Stats unavailable: {clean(str(exc))}"))


class TopPane(Vertical):
    """The container's processes (`/top`), refreshed every few seconds while shown."""

    def __init__(self, client: DockerClient | None, container_id: str) -> None:
        super().__init__(id="top-pane")
        self.client = client
        self.container_id = container_id

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="top-note")
        yield DataTable(id="top-table", cursor_type="row")

    def start(self) -> None:
        if self.client is not None:
            self._refresh_loop()

    def stop(self) -> None:
        self.workers.cancel_group(self, "top")

    @work(exclusive=True, group="top", exit_on_error=False)
    async def _refresh_loop(self) -> None:
        assert self.client is not None
        note = self.query_one("#top-note", Static)
        while True:
            try:
                data = await self.client.top(self.container_id)
            except EngineError as exc:
                note.update(Text(f"Processes unavailable: {clean(str(exc))}"))
            else:
                self.show(data)
                note.update(Text(f"{len(data.get('Processes') or [])} processes, every 2 s"))
            await asyncio.sleep(TOP_INTERVAL)

    def show(self, data: dict[str, Any]) -> None:
        table: DataTable[Text] = self.query_one("#top-table", DataTable)
        titles = [str(t) for t in (data.get("Titles") or [])]
        if [str(c.label) for c in table.columns.values()] != titles:
            table.clear(columns=True)
            for title in titles:
                table.add_column(safe_text(title))
        row = table.cursor_row
        table.clear()
        for proc in data.get("Processes") or []:
            cells = [safe_text(str(v)) for v in proc][: len(titles)]
            cells += [Text("")] * (len(titles) - len(cells))
            table.add_row(*cells)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))


class ChangesPane(Vertical):
    """The container's filesystem diff against its image: A(dded), C(hanged), D(eleted)."""

    BINDINGS = [Binding("r", "reload", "Reload")]

    def __init__(self, client: DockerClient | None, container_id: str) -> None:
        super().__init__(id="changes-pane")
        self.client = client
        self.container_id = container_id
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(Text(""), id="changes-note")
        table: DataTable[Text] = DataTable(id="changes-table", cursor_type="row")
        yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("kind", width=4)
        table.add_column("path")

    def start(self) -> None:
        if not self.loaded and self.client is not None:
            self.loaded = True
            self._load()

    def action_reload(self) -> None:
        if self.client is not None:
            self._load()

    @work(exclusive=True, group="changes", exit_on_error=False)
    async def _load(self) -> None:
        assert self.client is not None
        note = self.query_one("#changes-note", Static)
        try:
            changes = await self.client.changes(self.container_id)
        except EngineError as exc:
            note.update(Text(f"Changes unavailable: {clean(str(exc))}"))
            return
        table = self.query_one(DataTable)
        table.clear()
        for change in changes:
            kind, style = _CHANGE_KINDS.get(int(change.get("Kind", -1) or 0), ("?", ""))
            table.add_row(Text(kind, style=style), safe_text(str(change.get("Path", ""))))
        counts = {
            k: sum(1 for c in changes if c.get("Kind") == n) for n, (k, _) in _CHANGE_KINDS.items()
        }
        note.update(
            Text(
                f"{len(changes)} changes: {counts['A']} added, {counts['C']} changed, "
                f"{counts['D']} deleted (r reloads)"
            )
        )


class CommandPrompt(ModalScreen[list[str] | None]):
    """Ask for the command to exec (split like a shell would)."""

    DEFAULT_CSS = """
    CommandPrompt { align: center middle; }
    CommandPrompt > Vertical { width: 70; height: auto; border: round $primary; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Command to run in the container (e.g. top, sh -c 'ls /'):"))
            yield Input(id="command", placeholder="command")

    @on(Input.Submitted, "#command")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            argv = shlex.split(event.value)
        except ValueError as exc:
            self.notify(f"Cannot parse the command: {exc}", severity="error", markup=False)
            return
        self.dismiss(argv or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ContainerDetailScreen(Screen[None]):
    """Logs, stats, inspect, top and changes of one container; exec and attach from here."""

    DEFAULT_CSS = """
    ContainerDetailScreen > #detail-title { height: 1; background: $primary 30%; padding: 0 1; }
    ContainerDetailScreen TabbedContent { height: 1fr; }
    ContainerDetailScreen TabPane { padding: 0; }
    """

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("l", "show_tab('logs')", "Logs"),
        Binding("s", "show_tab('stats')", "Stats"),
        Binding("i", "show_tab('inspect')", "Inspect"),
        Binding("t", "show_tab('top')", "Top"),
        Binding("c", "show_tab('changes')", "Changes"),
        Binding("e", "exec_shell", "Exec"),
        Binding("E", "exec_command", "Exec cmd", show=False),
        Binding("a", "attach", "Attach"),
    ]

    def __init__(
        self,
        client: DockerClient,
        container_id: str,
        name: str,
        *,
        tab: str = "logs",
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.client = client
        self.container_id = container_id
        self.container_name = name
        self.initial_tab = tab if tab in TABS else "logs"
        self.read_only = read_only
        self.inspect_data: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(("container ", "dim"), safe_text(self.container_name)), id="detail-title"
        )
        with TabbedContent(initial=self.initial_tab, id="detail-tabs"):
            with TabPane("Logs", id="logs"):
                yield LogView(self.client, self.container_id, self.container_name, id="log-view")
            with TabPane("Stats", id="stats"):
                yield StatsPane(self.client, self.container_id)
            with TabPane("Inspect", id="inspect"):
                yield JsonView(id="json-view")
            with TabPane("Top", id="top"):
                yield TopPane(self.client, self.container_id)
            with TabPane("Changes", id="changes"):
                yield ChangesPane(self.client, self.container_id)
        yield Footer()

    def on_mount(self) -> None:
        self._inspect()
        self._activate(self.initial_tab)

    @work(exclusive=True, group="inspect", exit_on_error=False)
    async def _inspect(self) -> None:
        try:
            data = await self.client.inspect_container(self.container_id)
        except EngineError as exc:
            self.query_one("#detail-title", Static).update(
                Text.assemble(safe_text(self.container_name), f"  — {clean(str(exc))}")
            )
            return
        self.inspect_data = data
        self.query_one(JsonView).load(data)
        state = data.get("State") or {}
        config = data.get("Config") or {}
        status = clean(str(state.get("Status") or "?"))
        self.query_one("#detail-title", Static).update(
            Text.assemble(
                ("container ", "dim"),
                (clean(self.container_name), "bold"),
                f"  {clean(self.container_id[:12])}  ",
                (clean(str(config.get("Image") or "")), "italic"),
                "  ",
                (status, "green" if state.get("Running") else "yellow"),
            )
        )

    # ------------------------------------------------------------------ tabs

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane is not None and event.pane.id:
            self._activate(event.pane.id)

    def _activate(self, tab: str) -> None:
        # Stats and top cost the engine something every second: run them only when seen.
        stats, top = self.query_one(StatsPane), self.query_one(TopPane)
        stats.start() if tab == "stats" else stats.stop()
        top.start() if tab == "top" else top.stop()
        if tab == "changes":
            self.query_one(ChangesPane).start()
        focus_target = {
            "logs": "#log-lines",
            "inspect": "#json-tree",
            "top": "#top-table",
            "changes": "#changes-table",
            "stats": "#stats-table",
        }[tab]
        self.call_after_refresh(lambda: self.query_one(focus_target).focus())

    # ------------------------------------------------------------------ exec / attach

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("exec_shell", "exec_command", "attach") and self.read_only:
            return None  # shown greyed out: read-only mode runs nothing in containers
        return True

    def action_exec_shell(self) -> None:
        self._run_session("exec", None)

    def action_exec_command(self) -> None:
        def chosen(argv: list[str] | None) -> None:
            if argv:
                self._run_session("exec", argv)

        self.app.push_screen(CommandPrompt(), chosen)

    def action_attach(self) -> None:
        self._run_session("attach", None)

    @work(exclusive=True, group="session", exit_on_error=False)
    async def _run_session(self, kind: str, command: list[str] | None) -> None:
        if kind == "attach":
            message = await run_attach(self.app, self.client, self.container_id)
        else:
            message = await run_exec(self.app, self.client, self.container_id, command)
        self.notify(message, markup=False, timeout=6)
