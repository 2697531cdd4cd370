"""Clocks for the simulated engine, and the time formats dockerd uses.

Snapshot tests need "Up 2 hours" and Created timestamps that never move, so every
wall-clock read in the sim goes through a Clock object instead of time.time().
"""

from __future__ import annotations

import datetime as _dt
import time
from typing import Protocol


class Clock(Protocol):
    """Anything with a wall-clock `now()` in unix seconds."""

    def now(self) -> float: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        return time.time()


class FrozenClock:
    """A clock that stands still until a test moves it with `advance()`."""

    def __init__(self, t: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self.t = float(t)

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


ZERO_TIME = "0001-01-01T00:00:00Z"


def rfc3339nano(t: float | None) -> str:
    """Format like Go's time.RFC3339Nano in UTC (trailing zeros trimmed, as Go does)."""
    if t is None:
        return ZERO_TIME
    sec = int(t)
    nanos = round((t - sec) * 1e9)
    if nanos >= 1_000_000_000:
        sec, nanos = sec + 1, nanos - 1_000_000_000
    base = _dt.datetime.fromtimestamp(sec, _dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if nanos:
        base += "." + f"{nanos:09d}".rstrip("0")
    return base + "Z"


def rfc3339_fixed(t: float) -> str:
    """Log timestamps: dockerd pads them to 9 fractional digits so they sort as text."""
    sec = int(t)
    nanos = int((t - sec) * 1e9)
    base = _dt.datetime.fromtimestamp(sec, _dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{nanos:09d}Z"


def rfc3339_seconds(t: float) -> str:
    """Volume CreatedAt uses second precision with an explicit offset."""
    return _dt.datetime.fromtimestamp(int(t), _dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: str, now: float) -> float:
    """Parse a `since`/`until` value: unix seconds[.nanos], an RFC 3339 time, or a Go
    duration such as `10m` meaning that long before now (the prune/logs forms)."""
    v = value.strip()
    if not v:
        raise ValueError("empty timestamp")
    if v[-1] in "smh" and v[:-1].replace(".", "", 1).isdigit():
        mult = {"s": 1, "m": 60, "h": 3600}[v[-1]]
        return now - float(v[:-1]) * mult
    if v.replace(".", "", 1).lstrip("-").isdigit():
        return float(v)
    dt = _dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    return dt.timestamp()


def parse_timestamp_ns(value: str, now: float) -> int:
    """Like parse_timestamp but exact to the nanosecond for `sec.nanos` values, because
    events are matched on timeNano and `since` is inclusive."""
    v = value.strip()
    if v.replace(".", "", 1).isdigit():
        sec, _, frac = v.partition(".")
        return int(sec) * 1_000_000_000 + int((frac + "000000000")[:9])
    return int(parse_timestamp(v, now) * 1e9)
