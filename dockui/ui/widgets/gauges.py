"""Text gauges for stats: CPU/MEM table cells, sparklines, block charts, the header summary.

Pure functions returning `rich.text.Text` or `str`, so the container table can put them in
DataTable cells (a widget per row costs ~1 ms per tick each; text cells cost microseconds)
and tests can check them without an app. Colours come from a Palette: by default the
terminal's green/yellow/red (readable on every theme because the terminal maps them), or
the running theme's success/warning/error via `palette_from_theme`.

The `StatsGraphs` widget (detail view) lives in stats_graphs.py and is re-exported here
lazily, so that importing the cell renderers does not pull in Textual's widget machinery.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text

SPARK = "▁▂▃▄▅▆▇█"
EIGHTHS = " ▏▎▍▌▋▊▉█"
BLOCKS = " ▁▂▃▄▅▆▇█"
EMPTY_BAR = "·"


@dataclass(frozen=True, slots=True)
class Palette:
    """Rich styles for gauges: below `warn`, between `warn` and `bad`, above `bad`."""

    ok: str = "green"
    warn: str = "yellow"
    bad: str = "red"
    dim: str = "dim"
    cpu_warn: float = 60.0  # percent of the bar's scale
    cpu_bad: float = 85.0
    mem_warn: float = 70.0  # percent of the memory limit
    mem_bad: float = 90.0

    def level(self, pct: float, warn: float, bad: float) -> str:
        if pct >= bad:
            return self.bad
        if pct >= warn:
            return self.warn
        return self.ok


DEFAULT_PALETTE = Palette()


def palette_from_theme(theme: Any) -> Palette:
    """The theme's success/warning/error colours (a textual.theme.Theme), else the default."""
    if theme is None:
        return DEFAULT_PALETTE

    def colour(name: str, fallback: str) -> str:
        value = getattr(theme, name, None)
        return str(value) if isinstance(value, str) and value else fallback

    return Palette(
        ok=colour("success", DEFAULT_PALETTE.ok),
        warn=colour("warning", DEFAULT_PALETTE.warn),
        bad=colour("error", DEFAULT_PALETTE.bad),
    )


def compact_bytes(n: float) -> str:
    """Bytes in at most 6 characters, binary units as `docker stats` uses: 512B, 1.5K, 256M."""
    n = max(float(n), 0.0)
    for unit in ("B", "K", "M", "G", "T"):
        if n < 1024 or unit == "T":
            if unit == "B":
                return f"{int(n)}B"
            return f"{n:.1f}{unit}" if n < 100 else f"{int(n)}{unit}"
        n /= 1024
    return f"{int(n)}T"  # unreachable; keeps type checkers calm


def rate(n: float) -> str:
    """Bytes per second, compact."""
    return compact_bytes(n) + "/s"


def bar(fraction: float, width: int) -> str:
    """A left-to-right bar in eighth blocks, padded with a faint dot to `width`."""
    if width <= 0:
        return ""
    fraction = 0.0 if math.isnan(fraction) else min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    out = "█" * full
    if part and full < width:
        out += EIGHTHS[part]
    return out + EMPTY_BAR * (width - len(out))


def cpu_cell(
    pct: float | None,
    width: int = 14,
    *,
    scale: float = 100.0,
    palette: Palette = DEFAULT_PALETTE,
    stale: bool = False,
) -> Text:
    """Bar plus number, e.g. `███▌····  45.2%`. None (no figure yet) shows a dim dash.

    `scale` is the CPU% a full bar means (100 = one core). `stale` dims a figure that is
    too old to trust, rather than showing it as current.
    """
    number_width = 6
    bar_width = max(width - number_width - 1, 0)
    if pct is None or math.isnan(pct):
        return Text(" " * max(width - 1, 0) + "–", style=palette.dim)
    share = pct / scale * 100.0 if scale > 0 else 0.0
    style = palette.dim if stale else palette.level(share, palette.cpu_warn, palette.cpu_bad)
    number = f"{pct:5.1f}%" if pct < 1000 else f"{pct:5.0f}%"
    text = Text()
    if bar_width:
        text.append(bar(share / 100.0, bar_width), style=style)
        text.append(" ")
    text.append(number.rjust(number_width), style=palette.dim if stale else "")
    return text


def mem_cell(
    used: int,
    limit: int,
    width: int = 16,
    *,
    palette: Palette = DEFAULT_PALETTE,
    stale: bool = False,
) -> Text:
    """Bar against the limit plus the amount used, e.g. `██▏···· 123.4M`."""
    number = compact_bytes(used)
    number_width = 6
    bar_width = max(width - number_width - 1, 0)
    text = Text()
    if limit > 0 and bar_width:
        pct = used / limit * 100.0
        style = palette.dim if stale else palette.level(pct, palette.mem_warn, palette.mem_bad)
        text.append(bar(used / limit, bar_width), style=style)
        text.append(" ")
    elif bar_width:
        text.append(" " * (bar_width + 1))
    text.append(number.rjust(number_width), style=palette.dim if stale else "")
    return text


def _finite(values: Sequence[float]) -> list[float]:
    return [v for v in values if v is not None and not math.isnan(v)]


def sparkline(values: Sequence[float], width: int, ceiling: float | None = None) -> str:
    """The last `width` values as ▁▂▃▄▅▆▇█, right-aligned; gaps (NaN) as spaces.

    `ceiling` is the value drawn as a full block (default: the largest value shown), so
    callers choose between absolute (CPU against 100%) and relative scales.
    """
    if width <= 0:
        return ""
    shown = list(values)[-width:]
    finite = _finite(shown)
    top = ceiling if ceiling is not None else (max(finite) if finite else 0.0)
    out = []
    for v in shown:
        if v is None or math.isnan(v):
            out.append(" ")
        elif top <= 0:
            out.append(SPARK[0])
        else:
            i = int(min(max(v / top, 0.0), 1.0) * (len(SPARK) - 1) + 0.5)
            out.append(SPARK[i])
    return " " * (width - len(out)) + "".join(out)


def chart_lines(values: Sequence[float], width: int, height: int, ceiling: float) -> list[str]:
    """A block chart `height` rows tall (top row first), one column per value, right-aligned."""
    if width <= 0 or height <= 0:
        return []
    shown = list(values)[-width:]
    pad = width - len(shown)
    levels: list[int | None] = []  # eighths of a row, None for a gap
    for v in shown:
        if v is None or math.isnan(v) or ceiling <= 0:
            levels.append(None)
        else:
            levels.append(round(min(max(v / ceiling, 0.0), 1.0) * height * 8))
    rows = []
    for row in range(height - 1, -1, -1):  # top row first
        base = row * 8
        line = [" "] * pad
        for lv in levels:
            if lv is None:
                line.append(" ")
            else:
                line.append(BLOCKS[min(max(lv - base, 0), 8)])
        rows.append("".join(line))
    return rows


def nice_ceiling(peak: float, floor: float) -> float:
    """A round upper bound for a chart: 1, 2 or 5 times a power of ten, at least `floor`."""
    peak = max(peak, floor)
    if peak <= 0:
        return 1.0
    exp = math.floor(math.log10(peak))
    for m in (1, 2, 5, 10):
        if m * 10**exp >= peak:
            return float(m * 10**exp)
    return float(10 ** (exp + 1))


def summary_text(
    cpu_sum: float,
    mem_sum: int,
    ncpu: int,
    mem_total: int,
    *,
    measured: int | None = None,
    running: int | None = None,
    palette: Palette = DEFAULT_PALETTE,
) -> Text:
    """Header line: running containers' CPU and memory against the host's (from /info).

    CPU is summed in the CLI's unit (100% = one core) and shown against `ncpu × 100%`.
    When only some running containers have figures, says how many.
    """
    text = Text()
    cpu_cap = ncpu * 100.0
    cpu_share = cpu_sum / cpu_cap * 100.0 if cpu_cap else 0.0
    text.append("CPU ", style="bold")
    text.append(
        f"{cpu_sum:.1f}%",
        style=palette.level(cpu_share, palette.cpu_warn, palette.cpu_bad),
    )
    if ncpu:
        text.append(f" of {ncpu} CPU{'s' if ncpu != 1 else ''}", style=palette.dim)
    text.append("  MEM ", style="bold")
    mem_share = mem_sum / mem_total * 100.0 if mem_total else 0.0
    text.append(
        compact_bytes(mem_sum), style=palette.level(mem_share, palette.mem_warn, palette.mem_bad)
    )
    if mem_total:
        text.append(f" / {compact_bytes(mem_total)}", style=palette.dim)
    if measured is not None and running is not None and measured < running:
        text.append(f"  ({measured} of {running} running measured)", style=palette.dim)
    return text


def __getattr__(name: str) -> Any:
    if name == "StatsGraphs":
        from dockui.ui.widgets.stats_graphs import StatsGraphs

        return StatsGraphs
    raise AttributeError(name)
