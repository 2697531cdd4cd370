"""The engine screen: info and version, disk usage per type with reclaimable space
(`/system/df`), and a live events timeline filterable by type, action and name with a
look back (`since`).

The events stream is a worker owned by this screen: leaving it closes the connection.
Changing the type, action or look back restarts the stream with server-side filters
(the engine filters by `type` and `event`); the name filter is applied here, on the
container/image/network/volume name or id, over the events already received, so typing
does not reconnect. The look back is measured on the engine's clock (`SystemTime`).
"""

from __future__ import annotations

import time
from collections import deque
from datetime import datetime

import humanize
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Select, TabbedContent, TabPane

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError
from dockui.engine.inspect_views import disk_usage_rows, engine_clock_offset
from dockui.engine.models import Event
from dockui.sanitize import clean, safe_text

EVENT_TYPES = ("container", "image", "network", "volume", "daemon", "plugin", "service", "node")
LOOK_BACK: tuple[tuple[str, int], ...] = (
    ("live only", 0),
    ("5 minutes", 300),
    ("1 hour", 3600),
    ("24 hours", 86400),
)
MAX_EVENTS = 2000
INFO_KEYS = (
    "Name",
    "ServerVersion",
    "OperatingSystem",
    "KernelVersion",
    "Architecture",
    "NCPU",
    "MemTotal",
    "Driver",
    "CgroupVersion",
    "CgroupDriver",
    "Containers",
    "ContainersRunning",
    "ContainersPaused",
    "ContainersStopped",
    "Images",
    "DockerRootDir",
)
VERSION_KEYS = ("Version", "ApiVersion", "MinAPIVersion", "GitCommit", "GoVersion", "Os", "Arch")


def _size(n: int) -> str:
    return humanize.naturalsize(n, binary=True, format="%.1f")


def event_matches(event: Event, needle: str) -> bool:
    """The name filter: a substring of the actor's name, id or image (case-insensitive)."""
    if not needle:
        return True
    n = needle.lower()
    hay = (event.name, event.actor_id, event.attributes.get("image", ""))
    return any(n in h.lower() for h in hay)


class SystemScreen(Screen[None]):
    """Engine, disk usage and events; escape goes back."""

    DEFAULT_CSS = """
    SystemScreen #event-filters { height: auto; }
    SystemScreen #event-filters > * { width: 1fr; }
    SystemScreen #system-error { color: $error; height: auto; }
    SystemScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("R", "refresh", "Refresh info/df"),
    ]

    def __init__(self, client: DockerClient) -> None:
        super().__init__()
        self.client = client
        self.events_seen = 0
        self.streams_opened = 0  # for tests: a name filter must not open another
        # Every event the current stream delivered, so the name filter can re-filter them.
        self._received: deque[Event] = deque(maxlen=MAX_EVENTS)
        self._clock_offset = 0.0  # engine clock minus ours, from /info
        self._follow_pending = False

    def compose(self) -> ComposeResult:
        yield Label("", id="system-error")
        with TabbedContent(initial="engine"):
            with TabPane("Engine", id="engine"):
                yield DataTable(id="engine-table", cursor_type="row")
            with TabPane("Disk usage", id="disk"):
                yield DataTable(id="df-table", cursor_type="row")
            with TabPane("Events", id="events"), Vertical():
                with Horizontal(id="event-filters"):
                    yield Select([(t, t) for t in EVENT_TYPES], prompt="any type", id="ev-type")
                    yield Input(placeholder="action (start, die, …)", id="ev-action")
                    yield Input(placeholder="name or id contains", id="ev-name")
                    yield Select(
                        [(label, secs) for label, secs in LOOK_BACK],
                        value=0,
                        allow_blank=False,
                        id="ev-since",
                    )
                yield DataTable(id="events-table", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        engine = self.query_one("#engine-table", DataTable)
        engine.add_column("", key="key", width=22)
        engine.add_column("", key="value")
        df = self.query_one("#df-table", DataTable)
        for label, key in (("type", "kind"), ("total", "total"), ("active", "active")):
            df.add_column(label, key=key)
        df.add_column("size", key="size")
        df.add_column("reclaimable", key="reclaimable")
        events = self.query_one("#events-table", DataTable)
        events.add_column("time", key="time", width=19)
        events.add_column("type", key="type", width=10)
        events.add_column("action", key="action", width=16)
        events.add_column("name", key="name")
        events.add_column("id", key="id", width=12)
        self.action_refresh()
        self._stream_events()

    # ------------------------------------------------------------------ info and df

    def action_refresh(self) -> None:
        self._load_info()

    def _error(self, message: str) -> None:
        self.query_one("#system-error", Label).update(Content(clean(message)))

    @work(exclusive=True, group="info", exit_on_error=False)
    async def _load_info(self) -> None:
        try:
            info = await self.client.info()
            version = await self.client.version()
        except EngineError as exc:
            self._error(f"Could not read the engine's info: {exc}")
            return
        self._clock_offset = engine_clock_offset(info, time.time())
        table = self.query_one("#engine-table", DataTable)
        table.clear()
        for key in VERSION_KEYS:
            if key in version:
                table.add_row(Text(f"version.{key}"), safe_text(str(version[key])))
        for key in INFO_KEYS:
            if key in info:
                value = info[key]
                text = _size(value) if key == "MemTotal" and isinstance(value, int) else str(value)
                table.add_row(Text(key), safe_text(text))
        # /system/df walks the filesystem and can be slow: load it after the info.
        try:
            usage = await self.client.df()
        except EngineError as exc:
            self._error(f"Could not read disk usage: {exc}")
            return
        df = self.query_one("#df-table", DataTable)
        df.clear()
        for row in disk_usage_rows(usage):
            pct = f" ({100 * row.reclaimable / row.size:.0f}%)" if row.size else ""
            df.add_row(
                Text(row.kind),
                Text(str(row.total), justify="right"),
                Text(str(row.active), justify="right"),
                Text(_size(row.size), justify="right"),
                Text(_size(row.reclaimable) + pct, justify="right"),
                key=row.kind,
            )

    # ------------------------------------------------------------------ events

    def _filters(self) -> dict[str, list[str]]:
        filters: dict[str, list[str]] = {}
        kind = self.query_one("#ev-type", Select).value
        if isinstance(kind, str):
            filters["type"] = [kind]
        action = self.query_one("#ev-action", Input).value.strip()
        if action:
            filters["event"] = [action]
        return filters

    def _since(self) -> int | None:
        secs = self.query_one("#ev-since", Select).value
        if not isinstance(secs, int) or secs <= 0:
            return None
        # A remote engine's clock may be off from ours; `since` is read on its clock.
        return int(time.time() + self._clock_offset) - secs

    @on(Select.Changed, "#ev-type")
    @on(Select.Changed, "#ev-since")
    @on(Input.Submitted, "#ev-action")
    def _restart_stream(self) -> None:
        self._stream_events()

    @on(Input.Changed, "#ev-name")
    def _name_changed(self) -> None:
        # Re-filter what the stream already delivered: no reconnect per keystroke.
        table = self.query_one("#events-table", DataTable)
        table.clear()
        self.events_seen = 0
        needle = self._needle()
        for event in self._received:
            if event_matches(event, needle):
                self._add_event(table, event)
        # One cursor move for the lot: each move measures every row above the cursor,
        # so following row by row cost O(rows^2) (~1 s a keystroke at 2000 events).
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)

    def _needle(self) -> str:
        return self.query_one("#ev-name", Input).value.strip()

    @work(exclusive=True, group="events", exit_on_error=False)
    async def _stream_events(self) -> None:
        table = self.query_one("#events-table", DataTable)
        table.clear()
        self.events_seen = 0
        self._received.clear()
        self.streams_opened += 1
        try:
            async for event in self.client.events(filters=self._filters(), since=self._since()):
                self._received.append(event)
                if event_matches(event, self._needle()):
                    self._add_event(table, event)
                    self._follow_soon(table)
        except EngineError as exc:
            self._error(f"The events stream stopped: {exc}")

    def _follow_soon(self, table: DataTable[Text]) -> None:
        """Move the cursor to the newest row once per screen update: a look back replays
        up to MAX_EVENTS events in a burst, and a move per row costs O(rows^2)."""
        if self._follow_pending:
            return
        self._follow_pending = True

        def follow() -> None:
            self._follow_pending = False
            if table.row_count:
                table.move_cursor(row=table.row_count - 1)

        self.call_after_refresh(follow)

    def _add_event(self, table: DataTable[Text], event: Event) -> None:
        """Append one event row, dropping the oldest past MAX_EVENTS."""
        when = datetime.fromtimestamp(event.time_nano / 1e9).strftime("%Y-%m-%d %H:%M:%S")
        self.events_seen += 1
        table.add_row(
            Text(when),
            safe_text(event.type),
            safe_text(event.action),
            safe_text(event.name or event.actor_id),  # volumes are named by their id
            safe_text(event.actor_id[:12]),
            key=f"ev{self.events_seen}",
        )
        if table.row_count > MAX_EVENTS:
            table.remove_row(f"ev{self.events_seen - MAX_EVENTS}")

    def action_back(self) -> None:
        self.dismiss(None)
