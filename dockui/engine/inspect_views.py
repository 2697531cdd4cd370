"""Typed views of inspect and `/system/df` data for the detail screens: the UI reads these
instead of engine JSON.

* `attached_endpoints(network)`: the containers on a network with their addresses;
* `history_rows(history)`: an image's layers (created, created by, size, comment);
* `disk_usage_rows(df)`: per type count, active, size and reclaimable space, with the
  docker CLI's formulas (`docker system df`);
* `engine_clock_offset(info, now)`: how far the engine's clock is from ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dockui.engine.models import DiskUsage, NetworkSummary


def _s(v: Any) -> str:
    return v if isinstance(v, str) else ("" if v is None else str(v))


def _i(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _d(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


@dataclass(frozen=True, slots=True)
class Endpoint:
    container_id: str
    name: str
    ipv4: str  # without the prefix length ("" when none)
    mac: str


def attached_endpoints(network: NetworkSummary) -> list[Endpoint]:
    """The network's containers (filled by inspect), sorted by name."""
    out = []
    for cid, ep in network.containers.items():
        ep = _d(ep)
        out.append(
            Endpoint(
                cid,
                _s(ep.get("Name")) or cid[:12],
                _s(ep.get("IPv4Address")).split("/", 1)[0],
                _s(ep.get("MacAddress")),
            )
        )
    return sorted(out, key=lambda e: e.name)


@dataclass(frozen=True, slots=True)
class HistoryRow:
    id: str  # "<missing>" for layers pulled from elsewhere
    created: int
    created_by: str
    size: int
    comment: str
    tags: tuple[str, ...]


def history_rows(history: list[dict[str, Any]]) -> list[HistoryRow]:
    """`GET /images/{id}/history`, newest layer first as the engine sends it."""
    rows = []
    for h in history:
        h = _d(h)
        tags = h.get("Tags")
        rows.append(
            HistoryRow(
                _s(h.get("Id")),
                _i(h.get("Created")),
                _s(h.get("CreatedBy")),
                _i(h.get("Size")),
                _s(h.get("Comment")),
                tuple(_s(t) for t in tags) if isinstance(tags, list) else (),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class UsageRow:
    kind: str
    total: int
    active: int
    size: int
    reclaimable: int


def disk_usage_rows(df: DiskUsage) -> list[UsageRow]:
    """`docker system df`: Images, Containers, Local Volumes, Build Cache."""
    used = 0
    active_images = 0
    for img in df.images:
        if _i(img.get("Containers")) > 0:
            active_images += 1
            size, shared = img.get("Size"), img.get("SharedSize")
            if isinstance(size, int) and isinstance(shared, int) and size >= 0 and shared >= 0:
                used += size - shared
    images = UsageRow(
        "Images", len(df.images), active_images, df.layers_size, max(0, df.layers_size - used)
    )

    running = [c for c in df.containers if _s(c.get("State")) == "running"]
    ctr_size = sum(max(0, _i(c.get("SizeRw"))) for c in df.containers)
    idle_size = sum(
        max(0, _i(c.get("SizeRw"))) for c in df.containers if _s(c.get("State")) != "running"
    )
    containers = UsageRow("Containers", len(df.containers), len(running), ctr_size, idle_size)

    vol_size = vol_free = vol_active = 0
    for v in df.volumes:
        usage = _d(v.get("UsageData"))
        size = max(0, _i(usage.get("Size")))
        vol_size += size
        if _i(usage.get("RefCount")) > 0:
            vol_active += 1
        else:
            vol_free += size
    volumes = UsageRow("Local Volumes", len(df.volumes), vol_active, vol_size, vol_free)

    cache_size = cache_free = cache_active = 0
    for b in df.build_cache:
        if b.get("Shared"):
            continue
        cache_size += max(0, _i(b.get("Size")))
        if b.get("InUse"):
            cache_active += 1
        else:
            cache_free += max(0, _i(b.get("Size")))
    cache = UsageRow("Build Cache", len(df.build_cache), cache_active, cache_size, cache_free)
    return [images, containers, volumes, cache]


def engine_clock_offset(info: dict[str, Any], local_now: float) -> float:
    """Seconds to add to the local clock to get the engine's (`SystemTime` in /info).

    `since=` is compared with the engine's clock; a remote host's clock may differ from
    ours. 0.0 when the engine does not say or says something unreadable.
    """
    raw = info.get("SystemTime")
    if not isinstance(raw, str):
        return 0.0
    # RFC 3339 with up to nine fractional digits; fromisoformat takes at most six.
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", raw.strip())
    if m is None:
        return 0.0
    frac = (m.group(2) or "")[:7]
    zone = "+00:00" if m.group(3) == "Z" else m.group(3)
    try:
        engine_now = datetime.fromisoformat(m.group(1) + frac + zone).timestamp()
    except ValueError:
        return 0.0
    return engine_now - local_now
