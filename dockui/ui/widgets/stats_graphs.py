"""StatsGraphs: the detail view's live stats of one container, drawn from the hub's history.

CPU and memory as block charts over time (memory against its limit), network and block
I/O rates with sparklines, and the process count. While mounted the widget pins its
container in the hub (so it is streamed even when its row is off screen) and repaints
when the hub reports new samples for it, at the hub's coalesced rate.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from dockui.engine.stats import StatsSample
from dockui.state.history import History
from dockui.state.stats_hub import StatsHub
from dockui.ui.widgets.gauges import (
    DEFAULT_PALETTE,
    Palette,
    chart_lines,
    compact_bytes,
    nice_ceiling,
    palette_from_theme,
    rate,
    sparkline,
)

CPU_ROWS = 6
MEM_ROWS = 4
AXIS_WIDTH = 7  # "100.0% " / "256.0M "


def _axis(label: str) -> str:
    return label.rjust(AXIS_WIDTH - 1) + " "


def _chart(
    title: Text,
    values: list[float],
    width: int,
    rows: int,
    ceiling: float,
    top_label: str,
    style: str,
    seconds: float,
) -> list[Text]:
    out = [title]
    plot_width = max(width - AXIS_WIDTH, 1)
    for i, line in enumerate(chart_lines(values, plot_width, rows, ceiling)):
        label = top_label if i == 0 else ("0" if i == rows - 1 else "")
        row = Text(_axis(label), style="dim")
        row.append(line, style=style)
        out.append(row)
    if seconds > 0:
        out.append(Text(_axis("") + f"last {seconds:.0f}s".rjust(plot_width), style="dim"))
    return out


def render_stats(
    history: History | None,
    latest: StatsSample | None,
    width: int,
    *,
    age: float | None = None,
    palette: Palette = DEFAULT_PALETTE,
) -> Text:
    """Everything StatsGraphs shows, as one Text `width` columns wide (testable without an app)."""
    width = max(width, AXIS_WIDTH + 10)
    if history is None or latest is None or not len(history):
        return Text("Waiting for the first stats sample…", style="dim")
    n = width - AXIS_WIDTH
    lines: list[Text] = []

    cpu = history.cpu_series(n)
    finite = [v for v in cpu if not math.isnan(v)]
    seconds = history.span() if len(history) <= n else _span_of(history, n)
    cpu_now = latest.cpu_percent
    title = Text("CPU  ", style="bold")
    if cpu_now is None:
        title.append("–", style=palette.dim)
    else:
        title.append(
            f"{cpu_now:.1f}%", style=palette.level(cpu_now, palette.cpu_warn, palette.cpu_bad)
        )
    if finite:
        avg = sum(finite) / len(finite)
        title.append(f"   avg {avg:.1f}%  max {max(finite):.1f}%", style=palette.dim)
    if latest.online_cpus:
        title.append(f"   ({latest.online_cpus} CPUs: 100% = one core)", style=palette.dim)
    if age is not None and age > 2.5:
        title.append(f"   {age:.0f}s old", style=palette.warn)
    ceiling = nice_ceiling(max(finite) if finite else 0.0, 10.0)
    lines += _chart(title, cpu, width, CPU_ROWS, ceiling, f"{ceiling:g}%", palette.ok, seconds)

    mem = [float(v) for v in history.mem_series(n)]
    limit = latest.mem_limit
    peak = max(mem) if mem else 0.0
    # Against the limit when usage is a visible share of it; an unlimited container's
    # "limit" is the host's RAM, which would flatten the curve to nothing.
    against_limit = limit > 0 and peak >= limit * 0.1
    mem_ceiling = float(limit) if against_limit else nice_ceiling(peak * 1.25, 1024.0)
    pct = latest.mem_percent
    title = Text("MEM  ", style="bold")
    title.append(
        compact_bytes(latest.mem_used), style=palette.level(pct, palette.mem_warn, palette.mem_bad)
    )
    if limit:
        title.append(f" / {compact_bytes(limit)} limit ({pct:.1f}%)", style=palette.dim)
    lines.append(Text(""))
    lines += _chart(
        title,
        mem,
        width,
        MEM_ROWS,
        mem_ceiling,
        compact_bytes(mem_ceiling),
        palette.level(pct, palette.mem_warn, palette.mem_bad),
        0.0,
    )

    spark_w = max(min(n - 30, 40), 0)
    lines.append(Text(""))
    for label, key_a, key_b, name_a, name_b in (
        ("NET ", "net_rx", "net_tx", "rx", "tx"),
        ("BLK ", "blk_read", "blk_write", "read", "write"),
    ):
        for key, name in ((key_a, name_a), (key_b, name_b)):
            series = history.series(key, spark_w or 1)
            row = Text(label if key == key_a else "    ", style="bold")
            row.append(f" {name:<5} {rate(series[-1] if series else 0.0):>9}  ")
            if spark_w:
                row.append(sparkline(series, spark_w), style=palette.ok)
            lines.append(row)
    totals = Text("     total ", style="dim")
    totals.append(
        f"rx {compact_bytes(latest.net_rx)}  tx {compact_bytes(latest.net_tx)}  "
        f"read {compact_bytes(latest.blk_read)}  write {compact_bytes(latest.blk_write)}",
        style="dim",
    )
    lines.append(totals)
    pids = Text("PIDS ", style="bold")
    pids.append(str(latest.pids))
    lines.append(pids)
    return Text("\n").join(lines)


def _span_of(history: History, n: int) -> float:
    ts = history.time_series(n)
    return ts[-1] - ts[0] if len(ts) > 1 else 0.0


class StatsGraphs(Widget):
    """Live CPU/memory graphs, I/O rates and pids of one container."""

    DEFAULT_CSS = """
    StatsGraphs {
        height: auto;
        min-height: 22;
        padding: 0 1;
    }
    """

    def __init__(
        self,
        hub: StatsHub,
        cid: str,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.hub = hub
        self.cid = cid
        self._release: Callable[[], None] | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def on_mount(self) -> None:
        self._release = self.hub.watch(self.cid)
        self._unsubscribe = self.hub.add_listener(self._on_samples)

    def on_unmount(self) -> None:
        for undo in (self._release, self._unsubscribe):
            if undo is not None:
                undo()
        self._release = self._unsubscribe = None

    def _on_samples(self, ids: set[str]) -> None:
        if self.cid in ids:
            self.refresh(layout=False)

    def render(self) -> RenderResult:
        try:
            palette = palette_from_theme(self.app.current_theme)
        except Exception:  # no app theme yet (e.g. rendered standalone)
            palette = DEFAULT_PALETTE
        return render_stats(
            self.hub.history(self.cid),
            self.hub.latest(self.cid),
            self.content_size.width or self.size.width,
            age=self.hub.age(self.cid),
            palette=palette,
        )
