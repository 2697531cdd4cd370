"""The stats hub: the one owner of every `/stats` subscription of one engine.

Policy, from measurements on a real dockerd (notes/docker-api.md §4): every sample costs
the daemon about 2.2 ms of CPU however it is asked for, while a Python request costs the
client 20-40x more than a streamed sample. So:

* stream (`stream=true`, one connection each, in the unbounded streams pool) the selected
  container, anything a detail view pinned, and the rows on screen, in that order, at most
  `max_streams` at once; a stream closes the moment its row leaves the screen, and a
  die/stop/pause/destroy event closes it at once;
* only when the UI sorts by CPU or memory (`set_want_all(True)`) are off-screen running
  containers refreshed, with `stream=false` (it carries precpu, unlike one-shot), each at
  most once per `refresh_interval`, by `refresh_concurrency` workers on the request pool;
* never poll every container every second.

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
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from dockui.engine.client import DockerClient
from dockui.engine.errors import EngineError, NotFound
from dockui.engine.models import Event
from dockui.engine.stats import StatsSample, parse_stats
from dockui.engine.transport import REST_CONNECTIONS
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


class StatsHub:
    """Decides which containers are streamed, keeps their latest figures and history.

    Call the setters from the event loop that runs `run()`. Until `run()` starts,
    setters only record what is wanted.
    """

    def __init__(
        self,
        client: DockerClient,
        *,
        max_streams: int = 40,
        refresh_interval: float = 5.0,
        refresh_concurrency: int = 4,
        history_seconds: int = 600,
        max_rate: float = 4.0,
        settle: float = 0.15,
        retry_min: float = 1.0,
        retry_max: float = 30.0,
    ) -> None:
        self.client = client
        self.max_streams = max(0, max_streams)
        self.refresh_interval = refresh_interval
        # Refreshes wait 1-2 s each on the request pool; keep at least half of that pool
        # free for the user's own actions.
        self.refresh_concurrency = max(1, min(refresh_concurrency, REST_CONNECTIONS // 2))
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

        self._streams: dict[str, asyncio.Task[None]] = {}
        self._last_task: dict[str, asyncio.Task[None]] = {}
        self._inflight: set[str] = set()
        self._touched: dict[str, float] = {}  # last sample or refresh attempt

        self._latest: dict[str, StatsSample] = {}
        self._cpu_at: dict[str, float] = {}
        self._histories: dict[str, History] = {}

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
        self.samples = 0
        self.refreshes = 0

    # ------------------------------------------------------------------ what is wanted

    def set_visible(self, ids: Iterable[str]) -> None:
        """The container ids on screen, top to bottom (earlier rows win under the cap)."""
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
        """Container events from the model: endings close the stream at once."""
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
    def refreshing_ids(self) -> set[str]:
        """The ids with a `stream=false` request in flight."""
        return set(self._inflight)

    def desired(self) -> list[str]:
        """The ids that should be streamed, in priority order, capped at max_streams."""
        out: list[str] = []
        seen: set[str] = set()
        order: list[str] = []
        if self._selected:
            order.append(self._selected)
        order.extend(self._pins)
        order.extend(self._visible)
        for cid in order:
            if len(out) >= self.max_streams:
                break
            if cid in seen or not self._eligible(cid):
                continue
            seen.add(cid)
            out.append(cid)
        return out

    def latest(self, cid: str) -> StatsSample | None:
        """The newest figures; CPU% carries the last valid one over a stream's first sample."""
        return self._latest.get(cid)

    def age(self, cid: str) -> float | None:
        """Seconds since the CPU figure of `latest(cid)` was measured, None if there is none."""
        at = self._cpu_at.get(cid)
        return None if at is None else self._now() - at

    def history(self, cid: str) -> History | None:
        return self._histories.get(cid)

    def last_task(self, cid: str) -> asyncio.Task[None] | None:
        """The newest stream task made for `cid` (running or finished), for tests."""
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

    # ------------------------------------------------------------------ manager loop

    async def run(self) -> None:
        """Open and close streams as wanted until cancelled; then close every stream."""
        loop = asyncio.get_running_loop()
        self._active = True
        workers = [
            asyncio.create_task(self._refresher(), name=f"stats-refresh-{i}")
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
            tasks = [*workers, *self._streams.values()]
            for t in tasks:
                t.cancel()
            self._streams.clear()
            self._inflight.clear()
            if self._flush_handle is not None:
                self._flush_handle.cancel()
                self._flush_handle = None
            for t in tasks:
                with contextlib.suppress(BaseException):
                    await t

    def _changed(self) -> None:
        self._close_unwanted()
        self._wake.set()

    def _close_unwanted(self) -> None:
        if not self._streams:
            return
        wanted = set(self.desired())
        for cid in [c for c in self._streams if c not in wanted]:
            task = self._streams.pop(cid)
            task.cancel()  # the response closes as the task unwinds, on the next loop turn

    def _open_wanted(self) -> None:
        if not self._active:
            return
        for cid in self.desired():
            task = self._streams.get(cid)
            if task is None or task.done():
                task = asyncio.create_task(self._stream(cid), name=f"stats-{cid[:12]}")
                self._streams[cid] = task
                self._last_task[cid] = task
                self.streams_opened += 1

    async def _stream(self, cid: str) -> None:
        delay = self.retry_min
        try:
            while True:
                try:
                    async for raw in self.client.stats(cid):
                        self._ingest(cid, raw)
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

    # ------------------------------------------------------------------ low-rate refresh

    def _refresh_candidate(self) -> tuple[str | None, float]:
        """The stalest eligible unstreamed container that is due, or how long to wait."""
        if not self._want_all or self._running is None:
            return None, math.inf
        now = self._now()
        best: str | None = None
        best_at = math.inf
        for cid in self._running:
            if cid in self._streams or cid in self._inflight or cid in self._dead:
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

    async def _refresher(self) -> None:
        while True:
            cid, wait = self._refresh_candidate()
            if cid is None:
                self._refresh_wake.clear()
                timeout = None if math.isinf(wait) else wait
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._refresh_wake.wait(), timeout=timeout)
                continue
            self._inflight.add(cid)
            self._touched[cid] = self._now()  # an error must not make it due again at once
            try:
                raw = await self.client.stats_once(cid)
            except EngineError as exc:
                log.debug("stats refresh of %s failed: %s", cid[:12], exc.message)
                continue
            except Exception:
                log.exception("stats refresh of %s failed", cid[:12])
                continue
            finally:
                self._inflight.discard(cid)
            self.refreshes += 1
            # The answer took a second or two; the container may have stopped meanwhile,
            # or a stream may have taken over (its own figures are newer).
            if self._eligible(cid) and cid not in self._streams:
                self._ingest(cid, raw)

    # ------------------------------------------------------------------ samples

    def _ingest(self, cid: str, raw: dict[str, Any]) -> None:
        now = self._now()
        sample = parse_stats(raw, container_id=cid)
        self.samples += 1
        self._touched[cid] = now
        hist = self._histories.get(cid)
        if hist is None:
            hist = self._histories[cid] = History(self.history_seconds)
        hist.add(now, sample, read_time(sample.read))
        if sample.cpu_percent is None:
            prev = self._latest.get(cid)
            if prev is not None and prev.cpu_percent is not None:
                sample = replace(sample, cpu_percent=prev.cpu_percent)
        else:
            self._cpu_at[cid] = now
        self._latest[cid] = sample
        self._mark(cid)

    def _forget_figure(self, cid: str) -> None:
        had = self._latest.pop(cid, None) is not None
        self._cpu_at.pop(cid, None)
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
