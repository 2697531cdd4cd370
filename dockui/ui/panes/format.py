"""Human formats for table cells: sizes the way the docker CLI prints them, and ages."""

from __future__ import annotations

import humanize


def size(n: int | None) -> str:
    """Decimal units like `docker images` (187MB), or a dash when unknown."""
    if n is None or n < 0:
        return "–"
    if n < 1000:
        return f"{n}B"
    return humanize.naturalsize(n, format="%.1f").replace(" ", "")


def ago(ts: float, now: float) -> str:
    """ "3 days ago" from a unix timestamp, relative to `now` (a clock the tests can freeze)."""
    if ts <= 0:
        return "–"
    return humanize.naturaltime(max(now - ts, 0.0))
