"""The live model of one engine: list once, then follow `/events`; survive restarts.

Algorithm on every (re)connect: subscribe to /events first (from the last event seen,
so the engine replays what we missed), then re-list every kind, then apply the events
that arrived meanwhile. `since` is inclusive and replays only the engine's last 256
events, so events are de-duplicated by key and the listing, not the replay, is the
truth. Events are hints: an event marks objects dirty and a coalesced refresh fetches
their current state, so no event format detail can corrupt the model. One event is
also applied at once because it carries the whole change: a container rename names the
new name, so the model shows it without waiting for the refresh (which still follows,
and reconciles).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from dockui.engine.client import DockerClient, since_from_nanos
from dockui.engine.errors import EngineError
from dockui.engine.models import (
    ContainerSummary,
    Event,
    ImageSummary,
    NetworkSummary,
    VolumeSummary,
)

log = logging.getLogger(__name__)

CONTAINERS, IMAGES, NETWORKS, VOLUMES, STATUS = (
    "containers",
    "images",
    "networks",
    "volumes",
    "status",
)
KINDS = (CONTAINERS, IMAGES, NETWORKS, VOLUMES)

# Subscribing with a whitelist keeps health-check exec floods (3 events per probe)
# off the wire entirely. `service` and `node` (swarm managers only; create/update/remove)
# feed the swarm view's event listeners; the model itself keeps no swarm objects.
EVENT_FILTERS: dict[str, list[str]] = {
    "type": ["container", "image", "network", "volume", "service", "node"],
    "event": [
        "create",
        "start",
        "die",
        "stop",
        "kill",
        "pause",
        "unpause",
        "destroy",
        "rename",
        "health_status",
        "restart",
        "oom",
        "update",
        "attach",
        "commit",
        "pull",
        "tag",
        "untag",
        "delete",
        "import",
        "load",
        "prune",
        "connect",
        "disconnect",
        "mount",
        "unmount",
        "remove",
        # Podman's names for the same transitions
        "died",
        "cleanup",
        "init",
    ],
}


class ConnState(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class Change:
    """What changed in the model; `ids` empty means "the whole kind"."""

    kind: str
    ids: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()


Listener = Callable[[Change], None]


@dataclass
class EngineModel:
    """Everything the UI shows about one engine, kept current by its events."""

    client: DockerClient
    name: str = ""
    coalesce: float = 0.03
    backoff_min: float = 0.5
    backoff_max: float = 10.0

    containers: dict[str, ContainerSummary] = field(default_factory=dict)
    images: dict[str, ImageSummary] = field(default_factory=dict)
    networks: dict[str, NetworkSummary] = field(default_factory=dict)
    volumes: dict[str, VolumeSummary] = field(default_factory=dict)
    volume_sizes: dict[str, int] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    version: dict[str, Any] = field(default_factory=dict)
    state: ConnState = ConnState.CONNECTING
    error: str = ""
    hint: str = ""
    attempts: int = 0
    next_retry: float = 0.0
    last_event_nano: int = 0
    events_applied: int = 0

    def __post_init__(self) -> None:
        self.name = self.name or self.client.target.label
        self._listeners: list[Listener] = []
        self._seen: deque[tuple[int, str, str, str]] = deque(maxlen=2048)
        self._seen_set: set[tuple[int, str, str, str]] = set()
        self._dirty: dict[str, set[str]] = {k: set() for k in KINDS}
        self._relist: set[str] = set()
        self._flush_scheduled = False
        self._flush_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._event_listeners: list[Callable[[Event], None]] = []
        self.synced = asyncio.Event()

    # ------------------------------------------------------------------ listeners

    def add_listener(self, fn: Listener) -> Callable[[], None]:
        self._listeners.append(fn)
        return lambda: self._listeners.remove(fn) if fn in self._listeners else None

    def add_event_listener(self, fn: Callable[[Event], None]) -> Callable[[], None]:
        """Raw events (after de-duplication), for timelines and the stats hub."""
        self._event_listeners.append(fn)
        return lambda: self._event_listeners.remove(fn) if fn in self._event_listeners else None

    def _notify(self, change: Change) -> None:
        for fn in list(self._listeners):
            try:
                fn(change)
            except Exception:  # a broken view must not stop the model
                log.exception("model listener failed")

    def _set_state(self, state: ConnState, error: str = "", hint: str = "") -> None:
        self.state, self.error, self.hint = state, error, hint
        self._notify(Change(STATUS))

    # ------------------------------------------------------------------ derived views

    @property
    def api_version(self) -> str:
        return self.client.api_version

    @property
    def server_version(self) -> str:
        return str(self.version.get("Version") or self.info.get("ServerVersion") or "")

    @property
    def ncpu(self) -> int:
        """The host's CPUs (`/info` NCPU), 0 until known."""
        return _int(self.info.get("NCPU"))

    @property
    def mem_total(self) -> int:
        """The host's memory in bytes (`/info` MemTotal), 0 until known."""
        return _int(self.info.get("MemTotal"))

    def containers_using_image(self, image_id: str) -> list[ContainerSummary]:
        return [c for c in self.containers.values() if c.image_id == image_id]

    def containers_on_network(self, network: NetworkSummary) -> list[ContainerSummary]:
        return [c for c in self.containers.values() if network.name in c.networks]

    def containers_using_volume(self, volume_name: str) -> list[ContainerSummary]:
        out = []
        for c in self.containers.values():
            for m in c.raw.get("Mounts") or []:
                if isinstance(m, dict) and m.get("Name") == volume_name:
                    out.append(c)
                    break
        return out

    # ------------------------------------------------------------------ run loop

    async def run(self) -> None:
        """Connect, follow events, reconnect with backoff: forever (cancel to stop)."""
        delay = self.backoff_min
        while True:
            try:
                await self._session()
                delay = self.backoff_min  # a clean end of stream: reconnect at once
            except asyncio.CancelledError:
                raise
            except EngineError as exc:
                self._down(str(exc.message), exc.hint, delay)
            except Exception as exc:  # keep the model alive whatever happens
                log.exception("engine model failed")
                self._down(f"unexpected error: {exc!r}", "", delay)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            delay = min(delay * 2, self.backoff_max)

    def retry_now(self) -> None:
        """Skip the rest of the backoff wait (a user pressed "retry")."""
        self._wake.set()

    def _down(self, message: str, hint: str, delay: float) -> None:
        self.attempts += 1
        self.next_retry = time.monotonic() + delay
        had_data = bool(self.containers or self.images)
        self._set_state(ConnState.RECONNECTING if had_data else ConnState.DOWN, message, hint)

    async def _session(self) -> None:
        if self.state != ConnState.RECONNECTING:
            self._set_state(ConnState.CONNECTING)
        await self.client.connect()
        since = since_from_nanos(self.last_event_nano) if self.last_event_nano else None
        async with self.client.open_events(filters=EVENT_FILTERS, since=since) as events:
            queue: asyncio.Queue[Event | None] = asyncio.Queue()
            reader = asyncio.create_task(self._read_events(events, queue))
            try:
                await self._relist_all()
                self.attempts = 0
                self._set_state(ConnState.LIVE)
                self.synced.set()
                while True:
                    ev = await queue.get()
                    if ev is None:
                        break
                    self._apply(ev)
                    # Drain what else is queued before yielding to the flush.
                    while not queue.empty():
                        nxt = queue.get_nowait()
                        if nxt is None:
                            await reader
                            return
                        self._apply(nxt)
                await reader  # re-raises the stream's error, if any
            finally:
                if not reader.done():
                    reader.cancel()
                    with contextlib.suppress(BaseException):
                        await reader

    async def _read_events(self, events: Any, queue: asyncio.Queue[Event | None]) -> None:
        try:
            async for ev in events:
                queue.put_nowait(ev)
        finally:
            queue.put_nowait(None)

    async def _relist_all(self) -> None:
        version, info, containers, images, networks, volumes = await asyncio.gather(
            self.client.version(),
            self.client.info(),
            self.client.containers(all=True),
            self.client.images(),
            self.client.networks(),
            self.client.volumes(),
        )
        self.version, self.info = version, info
        self._replace(CONTAINERS, self.containers, {c.id: c for c in containers})
        self._replace(IMAGES, self.images, {i.id: i for i in images})
        self._replace(NETWORKS, self.networks, {n.id: n for n in networks})
        self._replace(VOLUMES, self.volumes, {v.name: v for v in volumes})

    def _replace(self, kind: str, current: dict[str, Any], fresh: dict[str, Any]) -> None:
        removed = frozenset(current.keys() - fresh.keys())
        changed = frozenset(k for k, v in fresh.items() if current.get(k) != v)
        current.clear()
        current.update(fresh)
        if removed or changed or not fresh:
            self._notify(Change(kind, changed, removed))

    # ------------------------------------------------------------------ events

    def _apply(self, ev: Event) -> None:
        if ev.key in self._seen_set:
            return
        if len(self._seen) == self._seen.maxlen:
            self._seen_set.discard(self._seen[0])
        self._seen.append(ev.key)
        self._seen_set.add(ev.key)
        self.last_event_nano = max(self.last_event_nano, ev.time_nano)
        self.events_applied += 1
        verb = ev.verb
        if ev.type == "container":
            self._dirty[CONTAINERS].add(ev.actor_id)
            if verb == "rename":
                self._apply_rename(ev)
        elif ev.type == "image":
            self._relist.add(IMAGES)
        elif ev.type == "network":
            if verb in ("connect", "disconnect"):
                cid = ev.attributes.get("container")
                if cid:
                    self._dirty[CONTAINERS].add(cid)
            else:
                self._relist.add(NETWORKS)
        elif ev.type == "volume":
            if verb in ("mount", "unmount"):
                cid = ev.attributes.get("container")
                if cid:
                    self._dirty[CONTAINERS].add(cid)
            else:
                self._relist.add(VOLUMES)
        for fn in list(self._event_listeners):
            try:
                fn(ev)
            except Exception:
                log.exception("event listener failed")
        self._schedule_flush()

    def _apply_rename(self, ev: Event) -> None:
        """Show the new name now; the refresh this event also scheduled confirms it."""
        c = self.containers.get(ev.actor_id)
        name = ev.attributes.get("name", "").lstrip("/")
        if c is None or not name or c.name == name:
            return
        # Names[0] is the container's own name; later entries are legacy link aliases.
        names = (name, *c.names[1:])
        raw = {**c.raw, "Names": ["/" + n for n in names]}
        self.containers[c.id] = replace(c, names=names, raw=raw)
        self._notify(Change(CONTAINERS, frozenset({c.id})))

    def _schedule_flush(self) -> None:
        if self._flush_scheduled:
            return
        self._flush_scheduled = True
        self._flush_task = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        try:
            await asyncio.sleep(self.coalesce)
        finally:
            self._flush_scheduled = False
        try:
            await self.flush()
        except EngineError as exc:
            # The event stream will notice a dead engine; a refresh failure alone is
            # not a reason to drop the model.
            log.info("refresh after events failed: %s", exc)

    async def flush(self) -> None:
        """Fetch the current state of everything events marked dirty."""
        dirty_ids = self._dirty[CONTAINERS]
        self._dirty[CONTAINERS] = set()
        relist = self._relist
        self._relist = set()
        if dirty_ids:
            await self.refresh_containers(dirty_ids)
        for kind in relist:
            await self.refresh(kind)

    async def refresh_containers(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        fresh: dict[str, ContainerSummary] = {}
        for start in range(0, len(ids), 50):
            chunk = ids[start : start + 50]
            for c in await self.client.containers(all=True, filters={"id": chunk}):
                fresh[c.id] = c
        changed: set[str] = set()
        removed: set[str] = set()
        for cid in ids:
            if cid in self._dirty[CONTAINERS]:
                # An event about it arrived while this fetch ran, so the answer may
                # predate it (an applied rename would flicker back): the refresh that
                # event scheduled fetches it again.
                continue
            c = fresh.get(cid)
            if c is None:
                # The id filter matches prefixes, so a missing id is a destroyed container.
                if self.containers.pop(cid, None) is not None:
                    removed.add(cid)
            elif self.containers.get(cid) != c:
                self.containers[cid] = c
                changed.add(cid)
        if changed or removed:
            self._notify(Change(CONTAINERS, frozenset(changed), frozenset(removed)))

    async def refresh(self, kind: str) -> None:
        if kind == CONTAINERS:
            fresh_c = {c.id: c for c in await self.client.containers(all=True)}
            self._replace(CONTAINERS, self.containers, fresh_c)
        elif kind == IMAGES:
            self._replace(IMAGES, self.images, {i.id: i for i in await self.client.images()})
        elif kind == NETWORKS:
            fresh_n = {n.id: n for n in await self.client.networks()}
            self._replace(NETWORKS, self.networks, fresh_n)
        elif kind == VOLUMES:
            fresh_v = {v.name: v for v in await self.client.volumes()}
            self._replace(VOLUMES, self.volumes, fresh_v)

    async def refresh_disk_usage(self) -> None:
        """Volume sizes come only from /system/df, which walks the disk: call it lazily."""
        df = await self.client.df(types=["volume"])
        self.volume_sizes = df.volume_sizes()
        self._notify(Change(VOLUMES))


def _int(value: Any) -> int:
    """An integer from engine JSON; 0 for anything else (a missing or odd field)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
