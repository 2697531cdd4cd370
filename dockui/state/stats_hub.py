"""The stats hub: the one owner of every `/stats` subscription of one engine.

Policy, from measurements on a real dockerd (notes/docker-api.md §4,
daemon/stats/collector.go). The daemon has one collector: it sleeps 1 s, then collects
every container somebody subscribed to, one after the other, and pays a few ms of CPU per
collected sample, however the sample was asked for. So its cost is counted in samples per
collector cycle, against `sample_budget` (B, default 24: ~10% of a core at ~4 ms each; a
cycle lasts 1 s plus the collection, so the real rate stays below B per second):

* the wanted rows are the selected container, anything a detail view pinned, then the
  rows on screen, in that order (running ones only); V of them;
* S = max(0, min(V, 2B - V)) of them are streamed (`stream=true`, one sample per cycle,
  one connection each in the unbounded streams pool); the selected and pinned ones are
  always among them, and never more than `max_streams`;
* the other rows are sampled with `stream=false&one-shot=true` (one sample, no precpu;
  CPU% comes from our own previous sample of the same container, with the CLI's formula).
  The next request of a row leaves about 1.5 cycles after the previous answer, so it
  lands in the cycle after next: each sampled row costs half a sample per cycle, and its
  CPU figure is at most two cycles (~2.2-2.5 s) old. If V > 2B, or the always-streamed
  rows leave too little, some rows are sampled every third cycle (or rarer) to stay in B.
  The cycle length is measured from the `read` timestamps of streamed samples, and each
  sampled row's actual spacing is checked against them (`spacing`);
* each sampled row has its own keep-alive connection (a transport "lane", see
  engine/transport.py): no request pool is involved, so samples never make the user's
  own actions wait, and the client pays ~1 ms per sample instead of ~5 in a shared pool;
* only when the UI sorts by CPU or memory (`set_want_all(True)`) are off-screen running
  containers refreshed, each at most once per `refresh_interval`, by
  `refresh_concurrency` workers (B keeps that many samples per cycle for them): one-shot
  when we hold an earlier sample of the container (one sample instead of the two that
  `stream=false` costs to prime precpu), `stream=false` for the first visit;
* a row that leaves the screen stops being streamed or sampled at once (its pending
  request is abandoned with its connection), and a die/stop/pause/destroy event ends
  everything for that container at once.

Podman has no 1 s collector (streams tick every 5 s; `stream=false` answers at once), so
there the wanted rows are streamed up to `max_streams`, as before, and any beyond are
sampled every `podman_interval` seconds the same one-shot way.

Opening is debounced by `settle` seconds so that holding a key to scroll does not open
and close a connection per row; closing is immediate. Listeners get the ids with new
samples, coalesced, at most `max_rate` times a second. No Textual import: the hub is
plain asyncio and tested as such.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import statistics
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError, NotFound
from dockui.engine.models import Event
from dockui.engine.stats import StatsSample, cpu_percent, parse_stats
from dockui.state.history import History, read_time

log = logging.getLogger(__name__)

StatsListener = Callable[[set[str]], None]

# Events after which a container produces no meaningful stats (Podman's names included).
END_VERBS = frozenset({"die", "died", "stop", "pause", "destroy", "remove", "cleanup"})
GONE_VERBS = frozenset({"destroy", "remove"})
BEGIN_VERBS = frozenset({"start", "unpause", "restart"})

# After a die event, a running-set from the model that still lists the container is
# probably from before the event (the model refreshes after it); trust the event this long.
DEAD_GRACE = 2.0

# A sampled row is never left for more than this many collector cycles.
MAX_PERIOD = 8
# Streamed read-to-read gaps outside this range are not collector cycles (a stall, a
# restart of the stream) and do not feed the cycle estimate.
CYCLE_RANGE = (0.02, 10.0)


@dataclass(frozen=True)
class Plan:
    """Which wanted rows are streamed and which are sampled, every how many cycles."""

    streams: tuple[str, ...] = ()
    sampled: dict[str, int] = field(default_factory=dict)

    def cost(self) -> float:
        """Daemon samples per collector cycle."""
        return len(self.streams) + sum(1.0 / p for p in self.sampled.values())


def plan_rows(wanted: Sequence[str], must: int, budget: float, max_streams: int) -> Plan:
    """Split `wanted` (priority order, the first `must` always streamed) under `budget`.

    S = max(0, min(V, 2B - V)) streams; the rest sampled every other cycle, or, when that
    would still exceed B, the lower rows every third cycle (or rarer), never above B
    unless the always-streamed rows alone exceed it.
    """
    v = len(wanted)
    n = max(0, min(v, math.floor(2 * budget - v + 1e-9)))
    n = min(max(n, min(must, v)), max(0, max_streams))
    rest = wanted[n:]
    if not rest:
        return Plan(tuple(wanted[:n]), {})
    left = budget - n
    vs = len(rest)
    if left <= 0:
        periods = [MAX_PERIOD] * vs
    else:
        p = min(MAX_PERIOD, max(2, math.floor(vs / left + 1e-9)))
        if vs / p <= left + 1e-9 or p == MAX_PERIOD:
            periods = [p] * vs
        else:
            # x rows at p and vs - x at p + 1: x/p + (vs - x)/(p + 1) <= left.
            x = math.floor(left * p * (p + 1) - vs * p + 1e-9)
            x = max(0, min(vs, x))
            periods = [p] * x + [p + 1] * (vs - x)
    return Plan(tuple(wanted[:n]), dict(zip(rest, periods, strict=True)))


class StatsHub:
    """Decides which containers are streamed or sampled, keeps their figures and history.

    Call the setters from the event loop that runs `run()`. Until `run()` starts,
    setters only record what is wanted.
    """

    def __init__(
        self,
        client: DockerClient,
        *,
        sample_budget: float = 24.0,
        max_streams: int = 40,
        cycle: float = 1.0,
        podman_interval: float = 5.0,
        refresh_interval: float = 5.0,
        refresh_concurrency: int = 4,
        history_seconds: int = 600,
        max_rate: float = 4.0,
        settle: float = 0.15,
        retry_min: float = 1.0,
        retry_max: float = 30.0,
    ) -> None:
        self.client = client
        self.sample_budget = max(0.0, sample_budget)
        self.max_streams = max(0, max_streams)
        # The collector cycle assumed until streamed samples measure it (dockerd: 1 s
        # of sleep plus the collection itself).
        self.cycle = cycle
        self.podman_interval = podman_interval
        self.refresh_interval = refresh_interval
        self.refresh_concurrency = max(1, refresh_concurrency)
        self.history_seconds = max(2, history_seconds)
        self.max_rate = max_rate
        self.settle = settle
        self.retry_min = retry_min
        self.retry_max = retry_max

        self._visible: list[str] = []
        self._selected: str | None = None
        self._pins: dict[str, int] = {}
        self._want_all = False
        self._running: set[str] | None = None  # None: the model has not told us yet
        self._dead: dict[str, float] = {}  # cid -> loop time of the ending event
        self._plan: Plan | None = None  # cached until something wanted changes

        self._streams: dict[str, asyncio.Task[None]] = {}
        self._samplers: dict[str, asyncio.Task[None]] = {}
        self._last_task: dict[str, asyncio.Task[None]] = {}
        self._inflight: set[str] = set()  # off-screen refreshes
        self._sample_inflight: set[str] = set()  # sampled rows awaiting an answer
        self._touched: dict[str, float] = {}  # last sample or refresh attempt

        self._latest: dict[str, StatsSample] = {}
        self._cpu_at: dict[str, float] = {}
        self._histories: dict[str, History] = {}
        # Our own previous reading of each container: (read epoch, {"read", "cpu_stats"}),
        # the "pre" of a sample that has no precpu (one-shot, a stream's first sample).
        self._prev: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lane_seq = 0
        self._gaps: deque[float] = deque(maxlen=64)  # streamed read-to-read gaps

        self._listeners: list[StatsListener] = []
        self._pending: set[str] = set()
        self._flush_handle: asyncio.TimerHandle | None = None
        self._last_flush = -math.inf

        self._wake = asyncio.Event()
        self._refresh_wake = asyncio.Event()
        self._active = False

        # Counters for tests and benchmarks.
        self.streams_opened = 0
        self.streams_closed = 0
        self.samplers_opened = 0
        self.samples = 0
        self.refreshes = 0
        self.oneshots = 0  # answered one-shot/stream=false requests of sampled rows
        # Sampled rows: collector cycles between consecutive samples minus the planned
        # period (0 on time, -1 one cycle early, +1 one late), from the `read` stamps.
        self.spacing: Counter[int] = Counter()

    # ------------------------------------------------------------------ what is wanted

    def set_visible(self, ids: Iterable[str]) -> None:
        """The container ids on screen, top to bottom (earlier rows win under the budget)."""
        visible = list(dict.fromkeys(ids))
        if visible != self._visible:
            self._visible = visible
            self._changed()

    def set_selected(self, cid: str | None) -> None:
        """The highlighted container: always streamed first while it runs."""
        if cid != self._selected:
            self._selected = cid
            self._changed()

    def watch(self, cid: str) -> Callable[[], None]:
        """Keep `cid` streamed (a detail view is open on it) until the returned call."""
        self._pins[cid] = self._pins.get(cid, 0) + 1
        self._changed()
        released = False

        def release() -> None:
            nonlocal released
            if released:
                return
            released = True
            n = self._pins.get(cid, 0) - 1
            if n <= 0:
                self._pins.pop(cid, None)
            else:
                self._pins[cid] = n
            self._changed()

        return release

    def set_want_all(self, flag: bool) -> None:
        """True while the UI sorts by CPU or memory: off-screen figures get refreshed."""
        if flag != self._want_all:
            self._want_all = flag
            self._changed()  # the refresh takes its share of the budget
            self._refresh_wake.set()

    def set_running(self, ids: Iterable[str]) -> None:
        """The running containers according to the model; nothing else is ever streamed.

        Pass `state == "running"` ones only: a paused container's figures are all zero.
        """
        running = set(ids)
        now = self._now()
        for cid, at in list(self._dead.items()):
            # A listing without the container agrees with the event; one still listing it
            # after the grace means it was restarted and we missed the start event.
            if cid not in running or now - at > DEAD_GRACE:
                del self._dead[cid]
        self._running = running
        stale = [cid for cid in self._latest if not self._eligible(cid)]
        for cid in stale:
            self._forget_figure(cid)
        self._changed()
        self._refresh_wake.set()

    def on_event(self, ev: Event) -> None:
        """Container events from the model: endings stop its stream or sampling at once."""
        if ev.type != "container" or not ev.actor_id:
            return
        verb = ev.verb
        cid = ev.actor_id
        if verb in END_VERBS:
            self._dead[cid] = self._now()
            if self._running is not None:
                self._running.discard(cid)
            self._forget_figure(cid)
            if verb in GONE_VERBS:
                self._histories.pop(cid, None)
                self._touched.pop(cid, None)
                self._last_task.pop(cid, None)
                self._pins.pop(cid, None)
            self._changed()
        elif verb in BEGIN_VERBS:
            self._dead.pop(cid, None)
            if self._running is not None:
                self._running.add(cid)
            self._changed()
            self._refresh_wake.set()

    # ------------------------------------------------------------------ what is known

    @property
    def streaming_ids(self) -> set[str]:
        """The ids with an open (or opening) stream right now."""
        return {cid for cid, t in self._streams.items() if not t.done()}

    @property
    def sampling_ids(self) -> set[str]:
        """The ids sampled with one-shot requests right now (on screen, not streamed)."""
        return {cid for cid, t in self._samplers.items() if not t.done()}

    @property
    def sample_inflight_ids(self) -> set[str]:
        """Sampled ids whose one-shot request is waiting for the daemon right now."""
        return set(self._sample_inflight)

    @property
    def refreshing_ids(self) -> set[str]:
        """The ids with an off-screen refresh request in flight."""
        return set(self._inflight)

    def plan(self) -> Plan:
        """The current split of the wanted rows into streamed and sampled ones."""
        if self._plan is None:
            self._plan = self._make_plan()
        return self._plan

    def desired(self) -> list[str]:
        """The ids that should be streamed, in priority order (see `plan()`)."""
        return list(self.plan().streams)

    def sampled(self) -> dict[str, int]:
        """The ids that should be sampled, with their period in collector cycles."""
        return dict(self.plan().sampled)

    def cycle_estimate(self) -> float:
        """Seconds per collector cycle, measured on streams (the default until then)."""
        if len(self._gaps) < 3:
            return self.cycle
        return statistics.median(self._gaps)

    def latest(self, cid: str) -> StatsSample | None:
        """The newest figures; CPU% carries the last valid one over a sample without one."""
        return self._latest.get(cid)

    def age(self, cid: str) -> float | None:
        """Seconds since the CPU figure of `latest(cid)` was measured, None if there is none."""
        at = self._cpu_at.get(cid)
        return None if at is None else self._now() - at

    def history(self, cid: str) -> History | None:
        return self._histories.get(cid)

    def last_task(self, cid: str) -> asyncio.Task[None] | None:
        """The newest stream or sampler task made for `cid` (running or finished)."""
        return self._last_task.get(cid)

    def totals(self) -> tuple[float, int]:
        """Sum of CPU% and of memory used over the running containers with figures."""
        cpu = 0.0
        mem = 0
        for cid, s in self._latest.items():
            if self._eligible(cid):
                cpu += s.cpu_percent or 0.0
                mem += s.mem_used
        return cpu, mem

    def coverage(self) -> tuple[int, int]:
        """(running containers with figures, running containers): how complete totals() is."""
        if self._running is None:
            n = len(self._latest)
            return n, n
        return sum(1 for cid in self._latest if cid in self._running), len(self._running)

    def add_listener(self, fn: StatsListener) -> Callable[[], None]:
        """`fn(ids)` with the ids that got samples, at most `max_rate` times a second."""
        self._listeners.append(fn)
        return lambda: self._listeners.remove(fn) if fn in self._listeners else None

    # ------------------------------------------------------------------ the plan

    def _make_plan(self) -> Plan:
        order: list[str] = []
        if self._selected:
            order.append(self._selected)
        order.extend(self._pins)
        must_ids = set(order)
        order.extend(self._visible)
        wanted: list[str] = []
        seen: set[str] = set()
        must = 0
        for cid in order:
            if cid in seen or not self._eligible(cid):
                continue
            seen.add(cid)
            wanted.append(cid)
            if cid in must_ids:
                must += 1
        if self.client.is_podman:
            # No 1 s collector to budget: streams (every 5 s) up to the cap, as always.
            n = min(len(wanted), self.max_streams)
            return Plan(tuple(wanted[:n]), dict.fromkeys(wanted[n:], 1))
        budget = self.sample_budget
        if self._want_all and self._offscreen_candidates(seen):
            budget = max(0.0, budget - self.refresh_concurrency)
        return plan_rows(wanted, must, budget, self.max_streams)

    def _offscreen_candidates(self, wanted: set[str]) -> bool:
        if self._running is None:
            return False
        return any(cid not in wanted and cid not in self._dead for cid in self._running)

    # ------------------------------------------------------------------ manager loop

    async def run(self) -> None:
        """Open and close streams and samplers as wanted until cancelled; then close all."""
        loop = asyncio.get_running_loop()
        self._active = True
        workers = [
            asyncio.create_task(self._refresher(i), name=f"stats-refresh-{i}")
            for i in range(self.refresh_concurrency)
        ]
        try:
            self._wake.set()
            while True:
                await self._wake.wait()
                # Let a burst of changes (key repeat while scrolling) finish, but never
                # delay opening by more than a second under continuous scrolling.
                deadline = loop.time() + 1.0
                while self.settle > 0:
                    self._wake.clear()
                    left = min(self.settle, deadline - loop.time())
                    if left <= 0:
                        break
                    try:
                        await asyncio.wait_for(self._wake.wait(), timeout=left)
                    except TimeoutError:
                        break
                self._wake.clear()
                self._open_wanted()
        finally:
            self._active = False
            tasks = [*workers, *self._streams.values(), *self._samplers.values()]
            for t in tasks:
                t.cancel()
            self._streams.clear()
            self._samplers.clear()
            self._inflight.clear()
            self._sample_inflight.clear()
            if self._flush_handle is not None:
                self._flush_handle.cancel()
                self._flush_handle = None
            for t in tasks:
                with contextlib.suppress(BaseException):
                    await t

    def _changed(self) -> None:
        self._plan = None
        self._close_unwanted()
        self._wake.set()

    def _close_unwanted(self) -> None:
        if not self._streams and not self._samplers:
            return
        plan = self.plan()
        for tasks, wanted in ((self._streams, plan.streams), (self._samplers, plan.sampled)):
            for cid in [c for c in tasks if c not in wanted]:
                # The connection closes as the task unwinds, on the next loop turn.
                tasks.pop(cid).cancel()

    def _open_wanted(self) -> None:
        if not self._active:
            return
        plan = self.plan()
        for cid in plan.streams:
            task = self._streams.get(cid)
            if task is None or task.done():
                task = asyncio.create_task(self._stream(cid), name=f"stats-{cid[:12]}")
                self._streams[cid] = task
                self._last_task[cid] = task
                self.streams_opened += 1
        for cid in plan.sampled:
            task = self._samplers.get(cid)
            if task is None or task.done():
                task = asyncio.create_task(self._sampler(cid), name=f"sample-{cid[:12]}")
                self._samplers[cid] = task
                self._last_task[cid] = task
                self.samplers_opened += 1

    async def _stream(self, cid: str) -> None:
        delay = self.retry_min
        try:
            while True:
                last: float | None = None
                try:
                    async for raw in self.client.stats(cid):
                        at = self._ingest(cid, raw)
                        if at is not None:
                            if last is not None and CYCLE_RANGE[0] < at - last < CYCLE_RANGE[1]:
                                self._gaps.append(at - last)
                            last = at
                        delay = self.retry_min
                except NotFound:
                    self._dead[cid] = self._now()  # removed; the destroy event will follow
                    self._forget_figure(cid)
                    return
                except EngineError as exc:
                    log.debug("stats stream of %s failed: %s", cid[:12], exc.message)
                except Exception:  # garbage from the engine must not kill the hub
                    log.exception("stats stream of %s failed", cid[:12])
                # The stream ended or failed while still wanted: the engine restarted or
                # the container stopped before we heard of it. Retry, backing off.
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max)
        finally:
            self.streams_closed += 1
            if self._streams.get(cid) is asyncio.current_task():
                del self._streams[cid]

    # ------------------------------------------------------------------ sampled rows

    def _sample_delay(self, cid: str) -> float:
        """Seconds from an answer to the next request of a sampled row."""
        period = self.plan().sampled.get(cid, 2)
        if self.client.is_podman:
            return self.podman_interval
        # The answer came during cycle k's collection; the request must reach the daemon
        # after cycle k+p-1 started collecting and before k+p does: aim at the middle.
        return (period - 0.5) * self.cycle_estimate()

    async def _sampler(self, cid: str) -> None:
        """One on-screen row that is not streamed: a one-shot request every p cycles."""
        # A lane of its own: a sampler started for the same row while this one unwinds
        # must not have its connection closed by this one's finally.
        self._lane_seq += 1
        lane = f"sample:{cid}:{self._lane_seq}"
        delay = self.retry_min
        last_read: float | None = None
        me = asyncio.current_task()
        try:
            while True:
                self._sample_inflight.add(cid)
                try:
                    raw = await self.client.stats_once(cid, one_shot=True, lane=lane)
                    self.oneshots += 1
                    if self._samplers.get(cid) is not me or not self._eligible(cid):
                        return  # scrolled off or stopped while the answer was on its way
                    at = self._ingest(cid, raw)
                except NotFound:
                    self._dead[cid] = self._now()  # removed; the destroy event will follow
                    self._forget_figure(cid)
                    return
                except Exception as exc:  # garbage from the engine must not kill the hub
                    if isinstance(exc, EngineError):
                        log.debug("stats sample of %s failed: %s", cid[:12], exc.message)
                    else:
                        log.exception("stats sample of %s failed", cid[:12])
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.retry_max)
                    continue
                finally:
                    self._sample_inflight.discard(cid)
                delay = self.retry_min
                if at is not None and last_read is not None and not self.client.is_podman:
                    period = self.plan().sampled.get(cid, 2)
                    cycles = round((at - last_read) / self.cycle_estimate())
                    self.spacing[cycles - period] += 1
                last_read = at if at is not None else last_read
                await asyncio.sleep(self._sample_delay(cid))
        finally:
            if self._samplers.get(cid) is me:
                del self._samplers[cid]
            with contextlib.suppress(Exception):
                await self.client.close_stats_lane(lane)

    # ------------------------------------------------------------------ low-rate refresh

    def _refresh_candidate(self) -> tuple[str | None, float]:
        """The stalest eligible container nobody streams or samples that is due, or how
        long to wait."""
        if not self._want_all or self._running is None:
            return None, math.inf
        now = self._now()
        best: str | None = None
        best_at = math.inf
        for cid in self._running:
            if (
                cid in self._streams
                or cid in self._samplers
                or cid in self._inflight
                or cid in self._dead
            ):
                continue
            at = self._touched.get(cid, -math.inf)
            if at < best_at:
                best, best_at = cid, at
        if best is None:
            return None, math.inf
        due = best_at + self.refresh_interval
        if due <= now:
            return best, 0.0
        return None, due - now

    async def _refresher(self, i: int) -> None:
        lane = f"refresh:{i}"
        try:
            while True:
                cid, wait = self._refresh_candidate()
                if cid is None:
                    self._refresh_wake.clear()
                    timeout = None if math.isinf(wait) else wait
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._refresh_wake.wait(), timeout=timeout)
                    continue
                # With a recent reading of our own, one-shot (one sample) gives CPU%;
                # without, stream=false (two samples) primes precpu for us.
                last = self._touched.get(cid, -math.inf)
                one_shot = cid in self._prev and self._now() - last <= self._pre_window()
                self._inflight.add(cid)
                self._touched[cid] = self._now()  # an error must not make it due again at once
                try:
                    raw = await self.client.stats_once(cid, one_shot=one_shot, lane=lane)
                except EngineError as exc:
                    log.debug("stats refresh of %s failed: %s", cid[:12], exc.message)
                    continue
                except Exception:
                    log.exception("stats refresh of %s failed", cid[:12])
                    continue
                finally:
                    self._inflight.discard(cid)
                self.refreshes += 1
                # The answer took a second or two; the container may have stopped
                # meanwhile, or a stream or sampler may have taken over (theirs is newer).
                if self._eligible(cid) and cid not in self._streams and cid not in self._samplers:
                    self._ingest(cid, raw)
        finally:
            with contextlib.suppress(Exception):
                await self.client.close_stats_lane(lane)

    # ------------------------------------------------------------------ samples

    def _ingest(self, cid: str, raw: dict[str, Any]) -> float | None:
        """Record one raw sample; returns its `read` time (epoch seconds) if it has one."""
        now = self._now()
        sample = parse_stats(raw, container_id=cid)
        read_at = read_time(sample.read)
        cpu_stats = raw.get("cpu_stats")
        if read_at is not None and isinstance(cpu_stats, dict):
            prev = self._prev.get(cid)
            if (
                sample.cpu_percent is None
                and prev is not None
                and 0 < read_at - prev[0] <= self._pre_window()
            ):
                # No precpu (one-shot, a stream's first sample): our own previous reading
                # of this container is the "pre", as the CLI's formula expects. Linux:
                # the host's counter must have moved, or the formula would say 0%.
                own = cpu_percent(raw, prev[1])
                if own is not None and (
                    raw.get("os_type") == "windows"
                    or _system_usage(cpu_stats) > _system_usage(prev[1]["cpu_stats"])
                ):
                    sample = replace(sample, cpu_percent=own)
            self._prev[cid] = (read_at, {"read": raw.get("read"), "cpu_stats": cpu_stats})
        self.samples += 1
        self._touched[cid] = now
        hist = self._histories.get(cid)
        if hist is None:
            hist = self._histories[cid] = History(self.history_seconds)
        hist.add(now, sample, read_at)
        if sample.cpu_percent is None:
            prev_sample = self._latest.get(cid)
            if prev_sample is not None and prev_sample.cpu_percent is not None:
                sample = replace(sample, cpu_percent=prev_sample.cpu_percent)
        else:
            self._cpu_at[cid] = now
        self._latest[cid] = sample
        self._mark(cid)
        return read_at

    def _pre_window(self) -> float:
        """How old our previous reading may be to serve as "pre": longer than any planned
        spacing, but a row scrolled back after minutes must not show CPU averaged over
        those minutes as a fresh figure."""
        return max(
            (MAX_PERIOD + 1) * self.cycle_estimate(),
            2 * self.refresh_interval,
            2 * self.podman_interval,
        )

    def _forget_figure(self, cid: str) -> None:
        had = self._latest.pop(cid, None) is not None
        self._cpu_at.pop(cid, None)
        # A restarted container's counters start again from zero: no "pre" across runs.
        self._prev.pop(cid, None)
        if had:
            self._mark(cid)

    def _mark(self, cid: str) -> None:
        self._pending.add(cid)
        if self._flush_handle is not None or not self._listeners:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        at = max(loop.time(), self._last_flush + 1.0 / self.max_rate)
        self._flush_handle = loop.call_at(at, self._flush)

    def _flush(self) -> None:
        self._flush_handle = None
        self._last_flush = asyncio.get_running_loop().time()
        ids, self._pending = self._pending, set()
        if not ids:
            return
        for fn in list(self._listeners):
            try:
                fn(set(ids))
            except Exception:  # a broken view must not stop the others
                log.exception("stats listener failed")

    # ------------------------------------------------------------------ helpers

    def _eligible(self, cid: str) -> bool:
        if cid in self._dead:
            return False
        return self._running is None or cid in self._running

    @staticmethod
    def _now() -> float:
        try:
            return asyncio.get_running_loop().time()
        except RuntimeError:
            return time.monotonic()


def _system_usage(cpu_stats: dict[str, Any]) -> float:
    v = cpu_stats.get("system_cpu_usage")
    return float(v) if isinstance(v, int | float) else 0.0
