"""Stats for a whole fleet: one StatsHub per engine, alive only while someone looks.

The fleet view shows, per engine, the CPU and memory its running containers use, and a
CPU/MEM cell on the rows of the combined container list. `FleetStats` owns a StatsHub
for every engine of the fleet except the one the dashboard already serves: that engine's
hub is borrowed (`active` / `active_hub`), so no engine ever has two hubs streaming from
it. While `run()` runs:

* each owned hub is fed its engine's running set (empty while the engine is not live:
  nothing is streamed from an engine that does not answer) and its container events;
* the combined list's visible rows and its selection are routed to the hub of the
  engine each row belongs to (`set_visible`, `set_selected`);
* every hub refreshes its off-screen running containers at a slow rate
  (`set_want_all(True)`, owned hubs every `refresh_interval` seconds) so the per-engine
  totals cover every running container, not only the rows on screen.

When `run()` is cancelled the owned hubs stop (their streams close), the borrowed hub is
handed back through `on_stop` (the dashboard feeds it its own rows again) and every
figure is dropped. No Textual import: this is plain asyncio, tested as such.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dockui.engine.models import Event
from dockui.engine.stats import StatsSample
from dockui.state.fleet import Fleet
from dockui.state.model import CONTAINERS, STATUS, Change, ConnState, EngineModel
from dockui.state.stats_hub import StatsHub

log = logging.getLogger(__name__)

# 300 running containers every 30 s is ~10 samples/s of daemon work per engine (each
# costs dockerd ~4 ms here): modest next to streaming the rows on screen.
FLEET_REFRESH_INTERVAL = 30.0
# Rows on screen are streamed; the fleet list shows ~40 at a time on a big terminal.
FLEET_MAX_STREAMS = 40

SamplesListener = Callable[[EngineModel, set[str]], None]


@dataclass(frozen=True, slots=True)
class EngineUsage:
    """What one engine's running containers use, and how complete that figure is."""

    cpu_percent: float  # summed in the docker CLI's unit: 100% = one core
    mem_used: int
    measured: int  # running containers that have figures
    running: int
    ncpu: int  # the host's, from /info (0 when unknown)
    mem_total: int

    @property
    def complete(self) -> bool:
        return self.measured >= self.running

    @property
    def cpu_share(self) -> float:
        """Percent of the host's CPU capacity (NCPU cores), 0 when NCPU is unknown."""
        return self.cpu_percent / self.ncpu if self.ncpu else 0.0

    @property
    def mem_share(self) -> float:
        """Percent of the host's memory (MemTotal), 0 when unknown."""
        return self.mem_used / self.mem_total * 100.0 if self.mem_total else 0.0


class FleetStats:
    """One StatsHub per engine of `fleet`, run while the fleet view is open.

    Args:
        fleet: the engines.
        active: the engine whose hub belongs to someone else (the dashboard's).
        active_hub: returns that hub, or None while it does not exist (the dashboard
            starts it once its engine is live); asked again whenever it matters.
        on_stop: called when `run()` ends, to hand the borrowed hub back.
        refresh_interval: seconds between refreshes of an off-screen running container
            by an owned hub (the borrowed hub keeps its own policy).
        max_streams: streams per owned hub at once (visible rows and the selection).
        refresh_concurrency: refresh requests in flight per owned hub.
    """

    def __init__(
        self,
        fleet: Fleet,
        *,
        active: EngineModel | None = None,
        active_hub: Callable[[], StatsHub | None] | None = None,
        on_stop: Callable[[], None] | None = None,
        refresh_interval: float = FLEET_REFRESH_INTERVAL,
        max_streams: int = FLEET_MAX_STREAMS,
        refresh_concurrency: int = 4,
    ) -> None:
        self.fleet = fleet
        self.active = active
        self._active_hub = active_hub
        self._on_stop = on_stop
        self.refresh_interval = refresh_interval
        self.max_streams = max_streams
        self.refresh_concurrency = refresh_concurrency
        # Owned hubs exist only while run() runs.
        self.hubs: dict[str, StatsHub] = {}
        self.running = False
        self._visible: dict[str, list[str]] = {}
        self._selected: tuple[str, str] | None = None
        self._fed_running: dict[str, frozenset[str]] = {}
        self._listeners: list[SamplesListener] = []
        self._borrowed: StatsHub | None = None
        self._undo: list[Callable[[], None]] = []
        self._undo_borrowed: list[Callable[[], None]] = []

    # ------------------------------------------------------------------ lookups

    def hub(self, model: EngineModel) -> StatsHub | None:
        """The hub serving `model` right now (owned or borrowed), None if there is none."""
        if model is self.active:
            return self._borrowed
        return self.hubs.get(model.name)

    def latest(self, model: EngineModel, cid: str) -> StatsSample | None:
        hub = self.hub(model)
        return None if hub is None else hub.latest(cid)

    def age(self, model: EngineModel, cid: str) -> float | None:
        hub = self.hub(model)
        return None if hub is None else hub.age(cid)

    def usage(self, model: EngineModel) -> EngineUsage | None:
        """CPU and memory in use on `model`'s engine; None when it has no figures to give."""
        hub = self.hub(model)
        if hub is None or model.state != ConnState.LIVE:
            return None
        cpu, mem = hub.totals()
        measured, running = hub.coverage()
        return EngineUsage(
            cpu_percent=cpu,
            mem_used=mem,
            measured=measured,
            running=running,
            ncpu=model.ncpu,
            mem_total=model.mem_total,
        )

    def add_listener(self, fn: SamplesListener) -> Callable[[], None]:
        """`fn(model, ids)` when containers of `model` got new figures (or lost them)."""
        self._listeners.append(fn)
        return lambda: self._listeners.remove(fn) if fn in self._listeners else None

    # ------------------------------------------------------------------ what is wanted

    def set_visible(self, rows: Iterable[tuple[EngineModel, str]]) -> None:
        """The combined list's rows on screen, top to bottom, as (engine, container id)."""
        per: dict[str, list[str]] = {m.name: [] for m in self.fleet.models}
        for model, cid in rows:
            per.setdefault(model.name, []).append(cid)
        self._visible = per
        for m in self.fleet.models:
            hub = self.hub(m)
            if hub is not None:
                hub.set_visible(per.get(m.name, ()))

    def set_selected(self, model: EngineModel | None, cid: str | None) -> None:
        """The highlighted row; only its engine's hub gets a selection."""
        self._selected = None if model is None or cid is None else (model.name, cid)
        for m in self.fleet.models:
            hub = self.hub(m)
            if hub is not None:
                hub.set_selected(self._selected_in(m))

    def _selected_in(self, model: EngineModel) -> str | None:
        if self._selected is not None and self._selected[0] == model.name:
            return self._selected[1]
        return None

    # ------------------------------------------------------------------ run

    async def run(self) -> None:
        """Run a hub per engine (and drive the borrowed one) until cancelled."""
        if self.running:
            raise RuntimeError("FleetStats is already running")
        self.running = True
        tasks: list[asyncio.Task[None]] = []
        try:
            for m in self.fleet.models:
                if m is self.active:
                    continue
                hub = StatsHub(
                    m.client,
                    max_streams=self.max_streams,
                    refresh_interval=self.refresh_interval,
                    refresh_concurrency=self.refresh_concurrency,
                )
                self.hubs[m.name] = hub
                self._undo.append(hub.add_listener(lambda ids, m=m: self._samples(m, ids)))
                self._undo.append(m.add_event_listener(lambda ev, m=m: self._event(m, ev)))
                self._feed(m)
                hub.set_visible(self._visible.get(m.name, ()))
                hub.set_selected(self._selected_in(m))
                hub.set_want_all(True)
            self._undo.append(self.fleet.add_listener(self._on_change))
            self._borrow()
            tasks = [
                asyncio.create_task(hub.run(), name=f"fleet stats {name}")
                for name, hub in self.hubs.items()
            ]
            if tasks:
                await asyncio.gather(*tasks)
            else:
                await asyncio.Event().wait()  # only the borrowed hub: wait for cancel
        finally:
            for t in tasks:
                t.cancel()
            for t in tasks:
                with contextlib.suppress(BaseException):
                    await t
            for undo in [*self._undo, *self._undo_borrowed]:
                undo()
            self._undo.clear()
            self._undo_borrowed.clear()
            self.hubs.clear()
            self._fed_running.clear()
            self._borrowed = None
            self.running = False
            if self._on_stop is not None:
                try:
                    self._on_stop()
                except Exception:  # the app may be shutting down
                    log.exception("handing the stats hub back failed")

    def _borrow(self) -> None:
        """Take over the dashboard's hub for the active engine once it exists."""
        if self.active is None or self._active_hub is None or not self.running:
            return
        hub = self._active_hub()
        if hub is self._borrowed:
            return
        for undo in self._undo_borrowed:
            undo()
        self._undo_borrowed = []
        self._borrowed = hub
        if hub is None:
            return
        active = self.active
        self._undo_borrowed.append(hub.add_listener(lambda ids: self._samples(active, ids)))
        # Its running set and events are fed by its owner; we steer what it streams.
        hub.set_visible(self._visible.get(active.name, ()))
        hub.set_selected(self._selected_in(active))
        hub.set_want_all(True)

    def _on_change(self, model: EngineModel, change: Change) -> None:
        if model is self.active:
            if change.kind == STATUS:
                self._borrow()
            return
        if change.kind in (CONTAINERS, STATUS):
            self._feed(model)

    def _feed(self, model: EngineModel) -> None:
        hub = self.hubs.get(model.name)
        if hub is None:
            return
        if model.state == ConnState.LIVE:
            running = frozenset(c.id for c in model.containers.values() if c.running)
        else:
            # Last-known containers of an engine that does not answer: stream nothing,
            # and let its figures go (coverage says 0 of 0 rather than stale totals).
            running = frozenset()
        # The running set is O(containers) to hand over and wakes the refreshers: only
        # when it moved, not on every rename or health change.
        if self._fed_running.get(model.name) != running:
            self._fed_running[model.name] = running
            hub.set_running(running)

    def _event(self, model: EngineModel, ev: Event) -> None:
        hub = self.hubs.get(model.name)
        if hub is not None:
            hub.on_event(ev)

    def _samples(self, model: EngineModel, ids: set[str]) -> None:
        for fn in list(self._listeners):
            try:
                fn(model, ids)
            except Exception:  # a broken view must not stop the hubs
                log.exception("fleet stats listener failed")
