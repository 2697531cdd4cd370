"""Container Status text that ages without asking the engine again.

`GET /containers/json` gives a Status the engine formats at list time ("Up 5 minutes",
"Exited (0) 3 days ago") with go-units' HumanDuration. dockui lists once and follows
events, so a container nothing happens to would keep the text of the moment it was
listed. `aged_status` reads the duration back and renders it again for a later moment,
with the same wording as the engine. The text truncates ("Up 3 weeks" is 3-4 weeks), so
the aged figure can lag by up to one unit of the engine's own rounding.
"""

from __future__ import annotations

import re

MINUTE = 60
HOUR = 3600
DAY = 86400

_UNITS = {
    "second": 1,
    "seconds": 1,
    "minutes": MINUTE,
    "hours": HOUR,
    "days": DAY,
    "weeks": 7 * DAY,
    "months": 30 * DAY,
    "years": 365 * DAY,
}
_WORDS = {"Less than a second": 0, "About a minute": MINUTE, "About an hour": HOUR}
_UP = re.compile(r"^Up (?P<d>.+?)(?P<tail> \((?:Paused|healthy|unhealthy|health: starting)\))?$")
_AGO = re.compile(r"^(?P<head>(?:Exited|Restarting) \(-?\d+\)) (?P<d>.+) ago$")


def human_duration(seconds: float) -> str:
    """go-units HumanDuration, which dockerd uses for Status."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < MINUTE:
        return f"{s} seconds"
    minutes = s // MINUTE
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(seconds / HOUR + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(seconds / HOUR) // 24 // 365} years"


def parse_duration(text: str) -> float | None:
    """Seconds from a HumanDuration text; None for anything else."""
    if text in _WORDS:
        return float(_WORDS[text])
    number, _, unit = text.partition(" ")
    if not number.isdigit() or unit not in _UNITS:
        return None
    return float(int(number) * _UNITS[unit])


def aged_status(status: str, elapsed: float) -> str:
    """`status` as the engine would word it `elapsed` seconds after it was listed."""
    if elapsed <= 0:
        return status
    for pattern in (_UP, _AGO):
        m = pattern.match(status)
        if m is None:
            continue
        age = parse_duration(m.group("d"))
        if age is None:
            return status
        duration = human_duration(age + elapsed)
        if pattern is _UP:
            return f"Up {duration}{m.group('tail') or ''}"
        return f"{m.group('head')} {duration} ago"
    return status  # Created, Dead, Removal In Progress: nothing ages
