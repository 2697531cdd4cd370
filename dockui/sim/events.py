"""The event bus: dockerd's /events semantics.

Events are kept in a ring of the last 256 (dockerd's eventsLimit), replayed for
`since` (inclusive, matched on timeNano), and pushed to live subscribers. Each event is
rendered once per shape (with or without the legacy status/id/from keys that API <=1.51
still sends for containers) and cached, so a flood with many subscribers stays cheap.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .clock import Clock
from .filters import Filters, labels_match
from .jsonutil import dumps

EVENTS_LIMIT = 256
# dockerd drops events for a subscriber whose 1024-deep channel is full.
SUBSCRIBER_QUEUE = 1024


@dataclass
class Event:
    type: str
    action: str
    actor_id: str
    attributes: dict[str, str]
    time_nano: int
    scope: str = "local"
    # Legacy "from" (the image) for container events on API <= 1.51.
    from_image: str | None = None
    _cache: dict[bool, bytes] = field(default_factory=dict, repr=False)

    def to_dict(self, legacy: bool) -> dict[str, Any]:
        d: dict[str, Any] = {}
        if legacy and self.type == "container":
            d["status"] = self.action
            d["id"] = self.actor_id
            d["from"] = self.from_image or ""
        d["Type"] = self.type
        d["Action"] = self.action
        d["Actor"] = {"ID": self.actor_id, "Attributes": self.attributes}
        d["scope"] = self.scope
        d["time"] = self.time_nano // 1_000_000_000
        d["timeNano"] = self.time_nano
        return d

    def line(self, legacy: bool) -> bytes:
        cached = self._cache.get(legacy)
        if cached is None:
            cached = (dumps(self.to_dict(legacy)) + "\n").encode()
            self._cache[legacy] = cached
        return cached


EVENT_FILTERS = (
    "type",
    "event",
    "container",
    "image",
    "network",
    "volume",
    "label",
    "name",
    "scope",
    "daemon",
    "plugin",
    "node",
    "service",
    "secret",
    "config",
)


def event_matches(ev: Event, f: Filters) -> bool:
    """dockerd's event filter: AND across keys, OR within a key."""
    if not f:
        return True
    attrs = ev.attributes
    if "type" in f and ev.type not in f["type"]:
        return False
    if "event" in f and ev.action.split(":", 1)[0] not in f["event"]:
        return False
    if "scope" in f and ev.scope not in f["scope"]:
        return False
    if "label" in f and not labels_match(attrs, f["label"]):
        return False
    if "name" in f and attrs.get("name") not in f["name"]:
        return False

    def actor_or_name(kind: str) -> bool:
        if ev.type != kind:
            return False
        return any(
            v == ev.actor_id
            or v == attrs.get("name")
            or (len(v) >= 4 and ev.actor_id.startswith(v))
            for v in f[kind]
        )

    # dockerd matches `container` against the actor's id and name only: the network and
    # volume events about a container (Attributes.container) do not pass (measured, 20.10).
    if "container" in f and not actor_or_name("container"):
        return False
    if "image" in f:
        ok = actor_or_name("image") or (ev.type == "container" and attrs.get("image") in f["image"])
        if not ok:
            return False
    if "network" in f and not actor_or_name("network"):
        return False
    return not ("volume" in f and not actor_or_name("volume"))


class Subscription:
    """One live subscriber: a bounded queue fed by the bus."""

    def __init__(self, bus: EventBus, filters: Filters) -> None:
        self.bus = bus
        self.filters = filters
        self.queue: asyncio.Queue[Event] = asyncio.Queue(SUBSCRIBER_QUEUE)
        self.dropped = 0

    def offer(self, ev: Event) -> None:
        if not event_matches(ev, self.filters):
            return
        try:
            self.queue.put_nowait(ev)
        except asyncio.QueueFull:
            self.dropped += 1

    def close(self) -> None:
        self.bus.unsubscribe(self)


class EventBus:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.ring: deque[Event] = deque(maxlen=EVENTS_LIMIT)
        self.subscribers: set[Subscription] = set()
        self._last_ns = 0
        # Every event ever emitted, in order; tests read it to check sequences.
        self.history_hooks: list[Callable[[Event], None]] = []

    def now_ns(self) -> int:
        # timeNano is strictly monotonic on a real engine; with a frozen clock the sim
        # still advances by one nanosecond per event so ordering and dedupe keys hold.
        ns = int(self.clock.now() * 1e9)
        if ns <= self._last_ns:
            ns = self._last_ns + 1
        self._last_ns = ns
        return ns

    def emit(
        self,
        type_: str,
        action: str,
        actor_id: str,
        attributes: dict[str, str],
        *,
        from_image: str | None = None,
    ) -> Event:
        ev = Event(
            type=type_,
            action=action,
            actor_id=actor_id,
            # Go marshals maps with sorted keys.
            attributes=dict(sorted(attributes.items())),
            time_nano=self.now_ns(),
            from_image=from_image,
        )
        self.ring.append(ev)
        for sub in list(self.subscribers):
            sub.offer(ev)
        for hook in self.history_hooks:
            hook(ev)
        return ev

    def subscribe(self, filters: Filters) -> Subscription:
        sub = Subscription(self, filters)
        self.subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self.subscribers.discard(sub)

    def replay(self, since_ns: int | None, until_ns: int | None, filters: Filters) -> list[Event]:
        # dockerd replays only when since or until is given; until alone replays all.
        if since_ns is None and until_ns is None:
            return []
        lo = since_ns or 0
        return [
            ev
            for ev in self.ring
            if ev.time_nano >= lo
            and (until_ns is None or ev.time_nano <= until_ns)
            and event_matches(ev, filters)
        ]
