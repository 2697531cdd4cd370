"""DockuiApp: the dashboard. Four live panes over one engine's model, actions, prune.

The model lists once and follows /events; every model change reaches the panes as a
set of ids, and the panes touch only the cells that changed. Writes go through the
engine client in workers; destructive ones ask first in a modal that names every
object. Everything the engine says is shown as Text (never markup). Screens and
modals other than the main one are imported when first used, so the first paint
needs only this module, the panes and the model.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError, NotModified
from dockui.engine.targets import Target
from dockui.sanitize import clean
from dockui.state.model import CONTAINERS, STATUS, Change, ConnState, EngineModel
from dockui.ui.commands import KEYS, PANES, TABLE_KEYS, WRITE_ACTIONS, DashboardCommands, bindings
from dockui.ui.panes.base import ResourcePane
from dockui.ui.panes.containers import RUNNING_LIKE, ContainersPane
from dockui.ui.panes.format import size
from dockui.ui.panes.images import ImagesPane
from dockui.ui.panes.networks import NetworksPane
from dockui.ui.panes.pending import PendingChange, UsageSignature, usage_signature
from dockui.ui.panes.volumes import VolumesPane
from dockui.ui.widgets.footer import KeysFooter

STATE_STYLE = {
    ConnState.LIVE: ("● live", "bold green"),
    ConnState.CONNECTING: ("◌ connecting…", "bold yellow"),
    ConnState.RECONNECTING: ("◌ reconnecting…", "bold yellow"),
    ConnState.DOWN: ("✕ down", "bold red"),
}
PANE_CLASSES: dict[str, type[ResourcePane]] = {
    "containers": ContainersPane,
    "images": ImagesPane,
    "networks": NetworksPane,
    "volumes": VolumesPane,
}
# How many engine calls a bulk action runs at once (the request pool has 8-16).
BULK_CONCURRENCY = 6
# Model changes reach the tables at most this often (a batch per ~screen refresh).
APPLY_INTERVAL = 0.05


class DockuiApp(App[None]):
    """The dockui dashboard.

    Args:
        targets: engines to connect to (the first is shown); ignored when `model` is given.
        model: a ready EngineModel (tests, benchmarks); its `run()` is started here.
        read_only: hide and refuse every action that writes to the engine.
        demo: run on the built-in simulated engine (started in-process).
        stats: feed CPU/MEM cells from a stats hub.
        now: the clock for ages ("3 days ago"); tests freeze it.
    """

    CSS_PATH = "app.tcss"
    TITLE = "dockui"
    COMMANDS = App.COMMANDS | {DashboardCommands}
    BINDINGS = bindings()

    def __init__(
        self,
        targets: Sequence[Target] | None = None,
        *,
        model: EngineModel | None = None,
        read_only: bool = False,
        demo: bool = False,
        stats: bool = True,
        now: Callable[[], float] = time.time,
        demo_containers: int = 40,
    ) -> None:
        super().__init__()
        self.read_only = read_only
        self.demo = demo
        self.use_stats = stats
        self.now = now
        self.demo_containers = demo_containers
        self._sim: Any = None
        self._sim_dir: str | None = None
        self.stats_hub: Any = None
        self._unsubscribe: list[Callable[[], None]] = []
        self._ever_synced = False
        self._first_paint_hooks: list[Callable[[], None]] = []
        self._pending: dict[str, PendingChange] = {}
        self._pending_stats: set[str] = set()
        self._gc_frozen = False
        self._apply_timer: Any = None
        self._last_apply = 0.0
        self._usage_sigs: dict[str, UsageSignature] = {}
        self._header_sig: tuple[object, ...] = ()
        self._bindings_sig: tuple[object, ...] = ()
        self.targets: list[Target] = list(targets or [])
        self.fleet: Any = None
        self.fleet_stats: Any = None  # the open fleet view's per-engine stats hubs
        self._runners: dict[int, Any] = {}
        if model is None:
            if demo:
                model = self._demo_model()
            else:
                from dockui.engine.targets import resolve_targets

                if not self.targets:
                    self.targets = resolve_targets()
                model = EngineModel(DockerClient(self.targets[0]))
        self.model = model
        self.panes: dict[str, ResourcePane] = {}

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static("", id="header", markup=False)
        # Panes are made here: their tables measure labels, which needs the running app.
        self.panes = {
            kind: cls(self.model, now=self.now, id=f"pane-{kind}")
            for kind, cls in PANE_CLASSES.items()
        }
        with TabbedContent(initial="containers", id="panes"):
            for n, (kind, pane) in enumerate(self.panes.items(), start=1):
                with TabPane(f"{n} {pane.TITLE}", id=kind):
                    yield pane
        yield KeysFooter()

    def on_load(self) -> None:
        # Connect and list while Textual composes and mounts the screen (~100 ms here):
        # the engine's answers are then in when the first frame is drawn. Model changes
        # before on_mount have no screen to go to; on_mount catches up with them.
        self._runners[id(self.model)] = self.run_worker(
            self._start(), group="model", exit_on_error=False
        )

    def on_mount(self) -> None:
        self._attach(self.model)
        self.panes["containers"].table.focus()
        self._on_status()
        self.set_interval(1.0, self._tick)
        self.screen_change_signal.subscribe(self, self._screen_changed)
        if len(self.targets) > 1:
            self.action_fleet()

    async def _start(self) -> None:
        if self.demo and self._sim is None:
            await self._start_sim()
        await self.model.run()

    async def on_unmount(self) -> None:
        if self._gc_frozen:
            gc.unfreeze()
        for undo in self._unsubscribe:
            undo()
        with contextlib.suppress(Exception):
            await self.model.client.aclose()
        for m in self.fleet.models if self.fleet is not None else ():
            with contextlib.suppress(Exception):
                await m.client.aclose()
        if self._sim is not None:
            with contextlib.suppress(Exception):
                await self._sim.stop()

    def add_first_paint_hook(self, fn: Callable[[], None]) -> None:
        """Call `fn` once container rows are on screen (benchmarks)."""
        self._first_paint_hooks.append(fn)

    # ------------------------------------------------------------------ model wiring

    def _attach(self, model: EngineModel) -> None:
        for undo in self._unsubscribe:
            undo()
        self.model = model
        for pane in self.panes.values():
            pane.model = model
        self._unsubscribe = [model.add_listener(self._on_change)]
        # Changes collected for the previous model do not apply to this one.
        self._pending.clear()
        self._pending_stats.clear()
        self._usage_sigs = {}
        if model.containers or model.images:
            for pane in self.panes.values():
                pane.refresh_rows()

    def _on_change(self, change: Change) -> None:
        if change.kind == STATUS:
            self._on_status()
            return
        if change.kind not in self.panes:
            return
        # Changes are collected and applied together at most APPLY_INTERVAL apart: each
        # applied batch repaints every visible row once (~25 ms here), so applying every
        # model notification on its own saturates the loop at 50 events/s.
        pending = self._pending.setdefault(change.kind, PendingChange())
        pending.add(change)
        self._schedule_apply()

    def _schedule_apply(self) -> None:
        if self._apply_timer is not None:
            return
        wait = self._last_apply + APPLY_INTERVAL - time.monotonic()
        if wait <= 0:
            self._apply_pending()
        else:
            self._apply_timer = self.set_timer(wait, self._apply_pending)

    def _dashboard_covered(self) -> bool:
        """Whether a full screen (fleet, detail, engine, ...) hides the dashboard; modals
        leave it in view. Textual still repaints the screen under the top one, so updates
        applied to a hidden dashboard cost the loop for nothing."""
        for screen in reversed(self.screen_stack):
            if not isinstance(screen, ModalScreen):
                return screen is not self.screen_stack[0]
        return False

    def _screen_changed(self, _screen: object) -> None:
        if not self._dashboard_covered():
            self._schedule_apply()  # what was held while it was hidden, and the header

    def _apply_pending(self) -> None:
        self._apply_timer = None
        if self._dashboard_covered():
            # Held until the dashboard shows again (screen_change_signal); the hub still
            # learns which containers run, which the covering screen may need.
            if CONTAINERS in self._pending:
                self._feed_hub()
            return
        self._last_apply = time.monotonic()
        pending, self._pending = self._pending, {}
        stats, self._pending_stats = self._pending_stats, set()
        with self.batch_update():
            for kind, p in pending.items():
                pane = self.panes[kind]
                if p.whole:
                    pane.refresh_rows()
                else:
                    pane.refresh_rows(p.ids, p.removed)
            if stats:
                self.containers_pane.refresh_stats(stats)
            containers = pending.get(CONTAINERS)
            if containers is not None:
                if self._usage_moved(containers):
                    # Each pane recounts and rebuilds the rows whose count moved (a
                    # pane refreshed earlier in this batch has already done so).
                    for kind in ("images", "networks", "volumes"):
                        self.panes[kind].refresh_rows(())
                self._feed_hub()
            self._update_header()
        self._refresh_bindings_if_moved()
        if self._first_paint_hooks and self.panes["containers"].table.row_count:
            hooks, self._first_paint_hooks = self._first_paint_hooks, []
            for fn in hooks:
                self.call_after_refresh(fn)
        if not self._gc_frozen and self.model.synced.is_set():
            # What the first listing built (models, rows, cells) lives as long as the
            # app: keep it out of the collector's full passes, which otherwise stall the
            # loop 60-85 ms several times a minute at 1000 containers.
            self._gc_frozen = True
            gc.freeze()

    def _refresh_bindings_if_moved(self) -> None:
        # refresh_bindings() makes the Footer recompose (a layout pass and a repaint of
        # the whole screen); most model changes do not change which keys apply.
        pane = self.pane
        targets = pane.targets()
        states = frozenset(c.state for c in self._containers(targets))
        sig = (self.current_kind, pane.current_id(), len(targets), states)
        if sig != self._bindings_sig:
            self._bindings_sig = sig
            self.refresh_bindings()

    def _usage_moved(self, change: PendingChange) -> bool:
        """Whether the containers in `change` moved any image/network/volume count.

        Only creates, destroys, network (dis)connects and mounts do; state changes and
        renames do not, so the three O(containers) recounts are skipped for those.
        """
        containers = self.model.containers
        if change.whole:
            fresh = {cid: usage_signature(c) for cid, c in containers.items()}
            moved = fresh != self._usage_sigs
            self._usage_sigs = fresh
            return moved
        moved = False
        for cid in change.removed:
            moved |= self._usage_sigs.pop(cid, None) is not None
        for cid in change.ids:
            c = containers.get(cid)
            if c is None:
                moved |= self._usage_sigs.pop(cid, None) is not None
                continue
            sig = usage_signature(c)
            if self._usage_sigs.get(cid) != sig:
                self._usage_sigs[cid] = sig
                moved = True
        return moved

    def _on_status(self) -> None:
        m = self.model
        self._update_header()
        if m.state == ConnState.LIVE:
            self._ever_synced = True
            self._close_connection_screen()
            if self.use_stats and self.stats_hub is None:
                if self.fleet is None and len(self.targets) < 2:
                    # After the next frame: the hub opens up to 40 /stats streams, and
                    # setting them up would share the loop with the first rows' paint.
                    self.call_after_refresh(self._start_hub_if_live)
                else:
                    # The fleet view borrows this hub when this engine's status changes,
                    # so the hub must exist by the time this status reaches it.
                    self._start_hub()
        elif m.state == ConnState.DOWN and not self._ever_synced:
            self._open_connection_screen()

    def _open_connection_screen(self) -> None:
        if any(getattr(s, "id", None) == "connection" for s in self.screen_stack):
            return
        from dockui.ui.screens.connection import ConnectionScreen

        self.push_screen(ConnectionScreen(self.model))

    def _close_connection_screen(self) -> None:
        if not any(getattr(s, "id", None) == "connection" for s in self.screen_stack):
            return  # nothing to close: skip importing the screen's module
        from dockui.ui.screens.connection import ConnectionScreen

        while isinstance(self.screen, ConnectionScreen):
            self.pop_screen()

    def _tick(self) -> None:
        # The header's reconnect countdown and the rows' "Up 5 minutes" move with time.
        if self.model.state != ConnState.LIVE:
            self._update_header()
        self._age_statuses()

    def _age_statuses(self) -> None:
        """Re-word the Status of the rows on screen: the engine worded it at list time,
        and no event comes for a container that just keeps running. The table diff
        repaints only the cells whose text moved."""
        if self._dashboard_covered():
            return  # the first tick after it shows again catches up
        containers = self.model.containers
        ids = frozenset(k for k in self.containers_pane.table.visible_keys() if k in containers)
        if ids:
            self._on_change(Change(CONTAINERS, ids=ids))

    # ------------------------------------------------------------------ stats hub

    def _start_hub_if_live(self) -> None:
        if self.use_stats and self.stats_hub is None and self.model.state == ConnState.LIVE:
            self._start_hub()

    def _start_hub(self) -> None:
        from dockui.state.stats_hub import StatsHub

        hub = StatsHub(self.model.client)
        self.stats_hub = hub
        pane = self.containers_pane
        pane.stats = hub
        self._unsubscribe.append(hub.add_listener(self._on_stats))
        self._unsubscribe.append(self.model.add_event_listener(hub.on_event))
        self.watch(pane.table, "scroll_y", lambda *_: self._feed_hub(), init=False)
        self._feed_hub()
        self.run_worker(hub.run(), group="stats", exit_on_error=False)

    def _feed_hub(self) -> None:
        hub = self.stats_hub
        if hub is None:
            return
        pane = self.containers_pane
        hub.set_running(c.id for c in self.model.containers.values() if c.running)
        if self.fleet_stats is not None and self.fleet_stats.running:
            return  # the fleet view steers what this hub streams until it closes
        hub.set_visible(k for k in pane.table.visible_keys() if k in self.model.containers)
        hub.set_selected(pane.current_id())
        hub.set_want_all(pane.sort_column in ("cpu", "mem"))

    def _on_stats(self, ids: set[str]) -> None:
        # New figures join the model changes' batch: one table diff and one repaint.
        self._pending_stats |= ids
        self._schedule_apply()

    # ------------------------------------------------------------------ header

    def _update_header(self) -> None:
        if self._dashboard_covered():
            return  # redrawn when the dashboard shows again
        m = self.model
        text = Text()
        text.append(" dockui ", style="bold reverse")
        if self.demo:
            text.append(" DEMO ", style="bold black on yellow")
        if self.read_only:
            text.append(" READ-ONLY ", style="bold white on blue")
        text.append("  ")
        text.append(clean(m.client.target.label), style="bold")
        if m.server_version:
            text.append(f"  ·  Docker {clean(m.server_version)}")
        if m.api_version:
            text.append(f"  ·  API {clean(m.api_version)}")
        label, style = STATE_STYLE.get(m.state, (str(m.state), ""))
        text.append("  ·  ")
        text.append(label, style=style)
        if m.state in (ConnState.RECONNECTING, ConnState.DOWN) and m.error:
            wait = max(0.0, m.next_retry - time.monotonic())
            text.append(f" ({clean(m.error)}; retry in {wait:.0f} s)", style="yellow")
        running = sum(1 for c in m.containers.values() if c.state in RUNNING_LIKE)
        text.append("\n ")
        text.append(f"{len(m.containers)} containers ({running} running)")
        text.append(f"  ·  {len(m.images)} images  ·  {len(m.networks)} networks")
        text.append(f"  ·  {len(m.volumes)} volumes")
        if self.stats_hub is not None:
            # The hub starts after the first frame; its gauges need not slow the start.
            from dockui.ui.widgets.gauges import summary_text

            cpu, mem = self.stats_hub.totals()
            measured, running_total = self.stats_hub.coverage()
            text.append("  ·  ")
            text.append_text(
                summary_text(
                    cpu, mem, m.ncpu, m.mem_total, measured=measured, running=running_total
                )
            )
        # Unchanged text: no repaint. The header's height is fixed: no layout pass.
        sig = (text.plain, tuple(text.spans))
        if sig == self._header_sig:
            return
        with contextlib.suppress(Exception):
            self.query_one("#header", Static).update(text, layout=False)
            self._header_sig = sig

    # ------------------------------------------------------------------ panes

    @property
    def current_kind(self) -> str:
        with contextlib.suppress(Exception):
            active = self.query_one("#panes", TabbedContent).active
            if active in self.panes:
                return active
        return "containers"

    @property
    def pane(self) -> ResourcePane:
        return self.panes[self.current_kind]

    @property
    def containers_pane(self) -> ContainersPane:
        pane = self.panes["containers"]
        assert isinstance(pane, ContainersPane)
        return pane

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = self.panes.get(self.current_kind)
        if pane is not None:
            pane.table.focus()
            if pane.kind_needs_sizes and not pane.sizes_loaded:
                pane.sizes_loaded = True
                self._load_volume_sizes()
        self.refresh_bindings()

    @work(group="df", exit_on_error=False)
    async def _load_volume_sizes(self) -> None:
        try:
            await asyncio.wait_for(self.model.refresh_disk_usage(), timeout=30)
        except (EngineError, TimeoutError) as exc:
            self.notify(f"Volume sizes unavailable: {clean(str(exc))}", markup=False)

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()
        if self.stats_hub is not None and event.data_table is self.containers_pane.table:
            self.stats_hub.set_selected(self.containers_pane.current_id())

    @on(DataTable.HeaderSelected)
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key != "mark":
            self.pane.set_sort(key)
            self._feed_hub()

    @on(DataTable.RowSelected)
    async def _row_selected(self, event: DataTable.RowSelected) -> None:
        if self.current_kind == "containers":
            await self.run_action("details")
        elif self.current_kind == "images":
            await self.run_action("image_history")

    # ------------------------------------------------------------------ action gate

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS and self.read_only:
            return False
        spec = next((k for k in KEYS if k.name == action), None)
        if spec is None:
            return True
        if self.screen_stack and self.screen is not self.screen_stack[0]:
            # A modal or pushed screen owns the keyboard: the dashboard's keys must not
            # act on the table behind it (the palette asks on the dashboard's behalf).
            if not self._palette_open():
                return False
        kind = self.current_kind
        if kind not in spec.where:
            return False
        pane = self.pane
        if action in ("start", "stop", "restart", "pause", "unpause", "kill"):
            states = {c.state for c in self._containers(pane.targets())}
            if action == "start":
                return bool(states & {"created", "exited", "dead"})
            if action in ("stop", "kill"):
                return bool(states & RUNNING_LIKE)
            if action == "restart":
                return bool(states)
            if action == "pause":
                return "running" in states
            return "paused" in states
        if action in ("details", "logs", "inspect", "image_history"):
            return pane.current_id() is not None
        if action in ("top", "exec", "attach"):
            c = self.model.containers.get(pane.current_id() or "")
            return c is not None and c.running
        if action == "remove":
            targets = pane.targets()
            if kind == "networks":
                return any(not self.model.networks[t].predefined for t in targets)
            return bool(targets)
        return True

    def _palette_open(self) -> bool:
        from textual.command import CommandPalette

        return isinstance(self.screen, CommandPalette)

    def _containers(self, ids: Sequence[str]) -> list[Any]:
        return [self.model.containers[i] for i in ids if i in self.model.containers]

    def _refuse_write(self) -> bool:
        if self.read_only:
            self.notify("dockui runs read-only: nothing is changed.", severity="warning")
            return True
        return False

    # ------------------------------------------------------------------ navigation actions

    def action_show_pane(self, kind: str) -> None:
        if kind in self.panes:
            self.query_one("#panes", TabbedContent).active = kind

    def action_mark(self) -> None:
        self.pane.toggle_mark()
        self.refresh_bindings()

    def action_clear(self) -> None:
        pane = self.pane
        if not pane.clear_marks() and pane.matcher.active:
            pane.set_filter("")
        self.refresh_bindings()

    def action_sort_next(self) -> None:
        self.pane.cycle_sort()
        self._feed_hub()

    def action_sort_reverse(self) -> None:
        self.pane.set_sort(self.pane.sort_column, not self.pane.sort_reverse)

    def action_toggle_all(self) -> None:
        self.containers_pane.toggle_all()
        self.refresh_bindings()

    def action_filter(self) -> None:
        from dockui.ui.modals.filter import FilterScreen

        pane = self.pane
        self.push_screen(
            FilterScreen(f"Filter {pane.TITLE.lower()}", pane.matcher.text, pane.set_filter)
        )

    def action_help(self) -> None:
        from dockui.ui.modals.help import HelpScreen

        rows: list[tuple[str, str, str]] = []
        for k in KEYS:
            if k.write and self.read_only:
                continue
            where = "all panes" if k.where == PANES else ", ".join(k.where)
            rows.append((k.display or k.key, k.label, where))
        rows.append(("click header", "sort by that column", "all panes"))
        rows.extend((key, what, "tables") for key, what in TABLE_KEYS)
        footer = "read-only: write actions are hidden" if self.read_only else ""
        self.push_screen(HelpScreen(rows, footer))

    # ------------------------------------------------------------------ other screens

    def action_system(self) -> None:
        from dockui.ui.screens.system import SystemScreen

        self.push_screen(SystemScreen(self.model.client))

    def action_image_history(self) -> None:
        iid = self.pane.current_id()
        img = self.model.images.get(iid or "")
        if img is None:
            return
        from dockui.ui.forms.image_history import ImageHistoryScreen

        self.push_screen(ImageHistoryScreen(self.model.client, img.id, img.ref))

    @work(group="form", exit_on_error=False)
    async def action_new(self) -> None:
        if self._refuse_write():
            return
        client, kind = self.model.client, self.current_kind
        screen: Any
        if kind == "containers":
            from dockui.ui.forms.run_container import RunContainerScreen

            images = sorted({t for i in self.model.images.values() for t in i.repo_tags})
            networks = sorted(n.name for n in self.model.networks.values())
            screen = RunContainerScreen(client, images=images, networks=networks)
        elif kind == "images":
            from dockui.ui.forms.pull_image import PullImageScreen

            screen = PullImageScreen(client)
        elif kind == "networks":
            from dockui.ui.forms.create_network import CreateNetworkScreen

            screen = CreateNetworkScreen(client)
        else:
            from dockui.ui.forms.create_volume import CreateVolumeScreen

            screen = CreateVolumeScreen(client)
        result = await self.push_screen_wait(screen)
        if result is not None:
            message = getattr(result, "message", None) or f"Pulled {result}"
            self.notify(clean(str(message)), markup=False)

    # ------------------------------------------------------------------ container details

    def _open_detail(self, tab: str) -> None:
        cid = self.pane.current_id()
        if cid is None or cid not in self.model.containers:
            return
        from dockui.ui.screens.container_detail import ContainerDetailScreen

        name = self.model.containers[cid].name
        self.push_screen(
            ContainerDetailScreen(self.model.client, cid, name, tab=tab, read_only=self.read_only)
        )

    def action_details(self) -> None:
        self._open_detail("logs")

    def action_logs(self) -> None:
        self._open_detail("logs")

    def action_inspect(self) -> None:
        self._open_detail("inspect")

    def action_top(self) -> None:
        self._open_detail("top")

    @work(group="session", exclusive=True, exit_on_error=False)
    async def action_exec(self) -> None:
        if self._refuse_write():
            return
        cid = self.pane.current_id()
        if cid is None:
            return
        from dockui.ui.exec_session import run_exec

        self.notify(await run_exec(self, self.model.client, cid), markup=False)

    @work(group="session", exclusive=True, exit_on_error=False)
    async def action_attach(self) -> None:
        if self._refuse_write():
            return
        cid = self.pane.current_id()
        if cid is None:
            return
        from dockui.ui.exec_session import run_attach

        self.notify(await run_attach(self, self.model.client, cid), markup=False)

    # ------------------------------------------------------------------ engine calls

    async def _each(
        self,
        verb: str,
        ids: Sequence[str],
        call: Callable[[str], Awaitable[Any]],
        name_of: Callable[[str], str],
        *,
        done: str,
    ) -> list[str]:
        """Run `call` for every id (bounded concurrency); one sentence per failure, one
        summary for the successes. Returns the ids that succeeded."""
        sem = asyncio.Semaphore(BULK_CONCURRENCY)
        ok: list[str] = []
        already: list[str] = []
        failures: list[str] = []

        async def one(oid: str) -> None:
            async with sem:
                try:
                    await call(oid)
                    ok.append(oid)
                except NotModified:
                    already.append(oid)
                except EngineError as exc:
                    failures.append(f"Could not {verb} {name_of(oid)}: {clean(exc.message)}.")

        await asyncio.gather(*(one(i) for i in ids))
        if ok:
            names = ", ".join(name_of(i) for i in ids if i in ok)
            self.notify(f"{done} {names}", markup=False)
        if already:
            state = {"start": "running", "stop": "stopped"}.get(verb, "in that state")
            names = ", ".join(name_of(i) for i in already)
            self.notify(f"{names}: already {state}.", markup=False)
        for sentence in failures:
            self.notify(sentence, severity="error", markup=False, timeout=10)
        return ok

    def _names(self, ids: Sequence[str]) -> list[str]:
        return [self.pane.display_name(i) for i in ids]

    async def _confirm(self, title: str, names: list[str], verb: str, **kw: Any) -> Any:
        from dockui.ui.modals.confirm import ConfirmScreen

        return await self.push_screen_wait(ConfirmScreen(title, names, verb=verb, **kw))

    @work(group="action", exit_on_error=False)
    async def action_start(self) -> None:
        if self._refuse_write():
            return
        ids = [c.id for c in self._containers(self.pane.targets()) if c.state not in RUNNING_LIKE]
        name = self.containers_pane.display_name
        await self._each("start", ids, self.model.client.start, name, done="Started")

    @work(group="action", exit_on_error=False)
    async def action_stop(self) -> None:
        if self._refuse_write():
            return
        ids = [c.id for c in self._containers(self.pane.targets()) if c.state in RUNNING_LIKE]
        if not ids:
            return
        names = self._names(ids)
        if await self._confirm(f"Stop {len(ids)} container(s)?", names, "Stop") is None:
            return
        name = self.containers_pane.display_name
        await self._each("stop", ids, self.model.client.stop, name, done="Stopped")

    @work(group="action", exit_on_error=False)
    async def action_restart(self) -> None:
        if self._refuse_write():
            return
        ids = [c.id for c in self._containers(self.pane.targets())]
        if not ids:
            return
        names = self._names(ids)
        if await self._confirm(f"Restart {len(ids)} container(s)?", names, "Restart") is None:
            return
        name = self.containers_pane.display_name
        await self._each("restart", ids, self.model.client.restart, name, done="Restarted")

    @work(group="action", exit_on_error=False)
    async def action_pause(self) -> None:
        if self._refuse_write():
            return
        ids = [c.id for c in self._containers(self.pane.targets()) if c.state == "running"]
        name = self.containers_pane.display_name
        await self._each("pause", ids, self.model.client.pause, name, done="Paused")

    @work(group="action", exit_on_error=False)
    async def action_unpause(self) -> None:
        if self._refuse_write():
            return
        ids = [c.id for c in self._containers(self.pane.targets()) if c.state == "paused"]
        name = self.containers_pane.display_name
        await self._each("unpause", ids, self.model.client.unpause, name, done="Unpaused")

    @work(group="action", exit_on_error=False)
    async def action_kill(self) -> None:
        if self._refuse_write():
            return
        ids = [c.id for c in self._containers(self.pane.targets()) if c.state in RUNNING_LIKE]
        if not ids:
            return
        from dockui.ui.modals.kill import KillScreen

        signal = await self.push_screen_wait(KillScreen(self._names(ids)))
        if not signal:
            return
        client = self.model.client
        name = self.containers_pane.display_name
        await self._each(
            "kill", ids, lambda i: client.kill(i, signal=signal), name, done=f"Sent {signal} to"
        )

    @work(group="action", exit_on_error=False)
    async def action_remove(self) -> None:
        if self._refuse_write():
            return
        kind, pane, client = self.current_kind, self.pane, self.model.client
        ids = pane.targets()
        if kind == "networks":
            ids = [i for i in ids if not self.model.networks[i].predefined]
        if not ids:
            return
        names = self._names(ids)
        title = f"Remove {len(ids)} {kind[:-1] if len(ids) == 1 else kind}?"
        call: Callable[[str], Awaitable[Any]]
        if kind == "containers":
            opts = await self._confirm(
                title,
                names,
                "Remove",
                options=[
                    ("force", "force: kill running containers first", False),
                    ("volumes", "also remove their anonymous volumes", False),
                ],
            )
            if opts is None:
                return

            def call(i: str) -> Awaitable[Any]:
                return client.remove_container(i, force=opts["force"], volumes=opts["volumes"])

        elif kind == "images":
            opts = await self._confirm(
                title,
                names,
                "Remove",
                options=[
                    ("force", "force: also untag images used by stopped containers", False),
                    ("noprune", "keep untagged parent images (noprune)", False),
                ],
            )
            if opts is None:
                return

            def call(i: str) -> Awaitable[Any]:
                return client.remove_image(i, force=opts["force"], noprune=opts["noprune"])

        elif kind == "networks":
            if await self._confirm(title, names, "Remove") is None:
                return
            call = client.remove_network
        else:
            opts = await self._confirm(
                title,
                names,
                "Remove",
                options=[("force", "force", False)],
                note="Data in a removed volume is gone for good.",
            )
            if opts is None:
                return

            def call(i: str) -> Awaitable[Any]:
                return client.remove_volume(i, force=opts["force"])

        removed = await self._each("remove", ids, call, pane.display_name, done="Removed")
        pane.marked.difference_update(removed)

    @work(group="action", exit_on_error=False)
    async def action_prune(self) -> None:
        if self._refuse_write():
            return
        from dockui.state.prune_preview import preview
        from dockui.ui.modals.prune import PruneScreen

        kind, model = self.current_kind, self.model
        options: list[tuple[str, str]] = []
        if kind == "images":
            options = [("all_unused", "all unused images, not only dangling ones")]
        elif kind == "volumes":
            with contextlib.suppress(EngineError, TimeoutError):
                await asyncio.wait_for(model.refresh_disk_usage(), timeout=10)
            if model.client.api_at_least("1.42"):
                options = [("include_named", "named volumes too (all=true)")]
        chosen = await self.push_screen_wait(
            PruneScreen(kind, lambda opts: preview(model, kind, **opts), options)
        )
        if chosen is None:
            return
        client = model.client
        try:
            if kind == "containers":
                result = await client.prune_containers()
            elif kind == "images":
                filters = {"dangling": ["false"]} if chosen.get("all_unused") else None
                result = await client.prune_images(filters=filters)
            elif kind == "networks":
                result = await client.prune_networks()
            else:
                result = await client.prune_volumes(include_named=bool(chosen.get("include_named")))
        except EngineError as exc:
            self.notify(
                f"Prune of {kind} failed: {clean(exc.message)}.", severity="error", markup=False
            )
            return
        freed = f", freed {size(result.space_reclaimed)}" if kind != "networks" else ""
        self.notify(
            f"The engine pruned {len(result.deleted)} {kind}{freed}.", markup=False, timeout=8
        )

    # ------------------------------------------------------------------ many engines

    def _get_fleet(self) -> Any:
        """Every engine the user asked for; the dashboard's own model is the first."""
        if self.fleet is None:
            from dockui.state.fleet import Fleet

            extra = [EngineModel(DockerClient(t)) for t in self.targets[1:]]
            self.fleet = Fleet([self.model, *extra])
            for m in extra:
                self._runners[id(m)] = self.run_worker(m.run(), exit_on_error=False)
        return self.fleet

    def action_fleet(self) -> None:
        from dockui.ui.screens.fleet import FleetScreen

        if any(isinstance(s, FleetScreen) for s in self.screen_stack):
            return  # one fleet view (and one set of its stats hubs) at a time
        fleet, stats = self._get_fleet(), None
        if self.use_stats:
            from dockui.state.fleet_stats import FleetStats

            # The dashboard's engine keeps its one hub; the fleet view borrows it.
            active = self.model
            stats = self.fleet_stats = FleetStats(
                fleet,
                active=active,
                active_hub=lambda: self.stats_hub if self.model is active else None,
                on_stop=self._feed_hub,
            )
        self.push_screen(FleetScreen(fleet, read_only=self.read_only, run=False, stats=stats))

    def on_fleet_screen_engine_selected(self, event: Any) -> None:
        from dockui.ui.screens.fleet import FleetScreen

        while isinstance(self.screen, FleetScreen):
            self.pop_screen()
        if event.model is not self.model:
            self.switch_engine(event.model)

    def action_contexts(self) -> None:
        from dockui.ui.screens.contexts import ContextSwitcher

        active = self.model.client.target.name or None
        self.push_screen(ContextSwitcher(active=active), self._context_chosen)

    def _context_chosen(self, ctx: Any) -> None:
        if ctx is None:
            return
        try:
            target = ctx.target()
        except EngineError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        except ValueError as exc:  # TargetError: a context with an unusable endpoint
            self.notify(clean(f"context {ctx.name}: {exc}"), severity="error", markup=False)
            return
        self.switch_engine(EngineModel(DockerClient(target)))
        self.notify(clean(f"Switched to context {ctx.name} ({target.url})"), markup=False)

    def action_swarm(self) -> None:
        from dockui.ui.screens.swarm import SwarmScreen

        self.push_screen(SwarmScreen(self.model.client, self.model, read_only=self.read_only))

    def switch_engine(self, model: EngineModel) -> None:
        """Show another engine in the dashboard without restarting the app.

        A model that belongs to the fleet keeps running (its row stays live); any other
        model that is left is stopped and its connections closed.
        """
        old = self.model
        in_fleet = self.fleet is not None and old in self.fleet.models
        self.workers.cancel_group(self, "stats")
        self.stats_hub = None
        self.containers_pane.stats = None
        if not in_fleet:
            runner = self._runners.pop(id(old), None)
            if runner is not None:
                runner.cancel()
            self.run_worker(old.client.aclose(), exit_on_error=False)
        self._ever_synced = model.state == ConnState.LIVE
        self._attach(model)
        for pane in self.panes.values():
            pane.refresh_rows()
        if id(model) not in self._runners:
            self._runners[id(model)] = self.run_worker(model.run(), exit_on_error=False)
        if model.state == ConnState.LIVE and self.use_stats:
            self._start_hub()
        self._update_header()
        self.refresh_bindings()

    # ------------------------------------------------------------------ demo engine

    def _demo_model(self) -> EngineModel:
        import tempfile

        from dockui.engine.targets import parse_host

        self._sim_dir = tempfile.mkdtemp(prefix="dockui-demo-", dir="/tmp")
        socket = str(Path(self._sim_dir) / "sim.sock")
        target = parse_host(f"unix://{socket}", source="--demo")
        target = Target(target.scheme, target.address, source="--demo", name="demo engine")
        return EngineModel(DockerClient(target))

    async def _start_sim(self) -> None:
        from dockui.sim import SimConfig, SimEngine

        assert self._sim_dir is not None
        self._sim = SimEngine(SimConfig(containers=self.demo_containers, seed=7))
        await self._sim.start(socket_path=str(Path(self._sim_dir) / "sim.sock"))

    async def start_demo(self) -> None:
        """Switch to the demo engine (from the connection screen)."""
        if self.demo:
            return
        self.demo = True
        old = self.model
        self.workers.cancel_group(self, "model")
        model = self._demo_model()
        await self._start_sim()
        self._attach(model)
        with contextlib.suppress(Exception):
            await old.client.aclose()
        self._close_connection_screen()
        self._update_header()
        self.run_worker(model.run(), group="model", exit_on_error=False)
