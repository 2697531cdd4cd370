"""Per-container stats history: a fixed-size ring of compact arrays.

One ring per container the user has looked at. At 300 containers a dict per sample would
cost ~1 KB each; typed arrays cost ~50 bytes per sample, and a ring grows only up to its
capacity (10 minutes at 1 Hz by default), so memory is bounded whatever runs for how long.
Rates (network, block I/O) are computed here from the daemon's cumulative counters.
"""

from __future__ import annotations

import math
from array import array
from datetime import datetime

from dockui.engine.stats import StatsSample

NAN = float("nan")


def read_time(read: str) -> float | None:
    """The engine's sample timestamp (RFC 3339, nanoseconds) as epoch seconds, or None."""
    if not read or read.startswith("0001-"):
        return None
    try:
        return datetime.fromisoformat(read.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class History:
    """The recent samples of one container, oldest first when read back.

    Columns: `times` (monotonic seconds of arrival), `cpu` (CPU%, NaN when the sample had
    no previous reading), `mem` (bytes used), `net_rx`/`net_tx`/`blk_read`/`blk_write`
    (bytes per second since the previous sample) and `pids`.
    """

    __slots__ = (
        "_cols",
        "_head",
        "_last_counters",
        "_last_t",
        "blk_read",
        "blk_write",
        "capacity",
        "cpu",
        "mem",
        "mem_limit",
        "net_rx",
        "net_tx",
        "pids",
        "times",
    )

    def __init__(self, capacity: int) -> None:
        if capacity < 2:
            raise ValueError("a history needs room for at least two samples")
        self.capacity = capacity
        self.times = array("d")
        self.cpu = array("f")
        self.mem = array("q")
        self.net_rx = array("f")
        self.net_tx = array("f")
        self.blk_read = array("f")
        self.blk_write = array("f")
        self.pids = array("l")
        self.mem_limit = 0
        self._cols: tuple[array, ...] = (
            self.times,
            self.cpu,
            self.mem,
            self.net_rx,
            self.net_tx,
            self.blk_read,
            self.blk_write,
            self.pids,
        )
        self._head = 0  # next slot to overwrite once full
        self._last_counters: tuple[int, int, int, int] | None = None
        self._last_t: float | None = None

    def __len__(self) -> int:
        return len(self.times)

    def add(self, t: float, s: StatsSample, engine_time: float | None = None) -> None:
        """Append one sample received at monotonic time `t`.

        Rates use the engine's own timestamps when both samples have one (the daemon's
        interval drifts with load), else arrival times. A counter that went down (the
        container restarted) gives a rate of 0 rather than a negative one.
        """
        counters = (s.net_rx, s.net_tx, s.blk_read, s.blk_write)
        when = engine_time if engine_time is not None else t
        rates = (0.0, 0.0, 0.0, 0.0)
        if self._last_counters is not None and self._last_t is not None:
            dt = when - self._last_t
            if dt > 0:
                rates = tuple(  # type: ignore[assignment]
                    max(c - p, 0) / dt for c, p in zip(counters, self._last_counters, strict=True)
                )
        self._last_counters = counters
        self._last_t = when
        self.mem_limit = s.mem_limit
        cpu = s.cpu_percent if s.cpu_percent is not None else NAN
        row = (t, cpu, s.mem_used, *rates, s.pids)
        if len(self.times) < self.capacity:
            for col, value in zip(self._cols, row, strict=True):
                col.append(value)
        else:
            i = self._head
            for col, value in zip(self._cols, row, strict=True):
                col[i] = value
            self._head = (i + 1) % self.capacity

    def _last(self, col: array, n: int) -> list:
        size = len(col)
        n = min(max(n, 0), size)
        if n == 0:
            return []
        if size < self.capacity or self._head == 0:
            return col[size - n :].tolist()
        ordered = col[self._head :] + col[: self._head]
        return ordered[size - n :].tolist()

    def series(self, name: str, n: int) -> list[float]:
        """The last `n` values of a column (`cpu`, `mem`, `net_rx`, …), oldest first."""
        col = getattr(self, name)
        if not isinstance(col, array):
            raise ValueError(f"no history column {name!r}")
        return self._last(col, n)

    def cpu_series(self, n: int) -> list[float]:
        """The last `n` CPU% figures, oldest first; NaN where a sample had none."""
        return self._last(self.cpu, n)

    def mem_series(self, n: int) -> list[int]:
        """The last `n` memory figures in bytes, oldest first."""
        return self._last(self.mem, n)

    def time_series(self, n: int) -> list[float]:
        return self._last(self.times, n)

    def latest(self, name: str) -> float | None:
        """The newest value of a column, None when empty (or NaN for CPU)."""
        col = getattr(self, name)
        if not len(col):
            return None
        value = col[self._head - 1] if len(col) == self.capacity else col[-1]
        return None if isinstance(value, float) and math.isnan(value) else value

    def span(self) -> float:
        """Seconds between the oldest and the newest sample held."""
        ts = self.time_series(len(self))
        return ts[-1] - ts[0] if len(ts) > 1 else 0.0
