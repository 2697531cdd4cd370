"""Rendering stats history and figures: table cells, sparklines, charts, StatsGraphs."""

from __future__ import annotations

import math
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult

from dockui.engine.client import DockerClient
from dockui.engine.stats import StatsSample
from dockui.engine.targets import parse_host
from dockui.state.history import History
from dockui.state.stats_hub import StatsHub
from dockui.ui.widgets import gauges
from dockui.ui.widgets.gauges import (
    Palette,
    bar,
    chart_lines,
    compact_bytes,
    cpu_cell,
    mem_cell,
    nice_ceiling,
    palette_from_theme,
    sparkline,
    summary_text,
)
from dockui.ui.widgets.stats_graphs import StatsGraphs, render_stats


def styles(text: Text) -> set[str]:
    return {str(span.style) for span in text.spans}


def test_cpu_cell_bar_number_and_thresholds() -> None:
    cell = cpu_cell(45.25, width=14)
    assert cell.plain == "███▏··· " + " 45.2%"
    assert len(cell.plain) == 14
    assert "green" in styles(cell)
    assert "yellow" in styles(cpu_cell(70.0))
    assert "red" in styles(cpu_cell(97.0))
    # Above one core the bar is full and red; the number still says how much.
    assert cpu_cell(180.0, width=14).plain == "███████ 180.0%"
    # Against a 4-core scale, 180% is under half.
    assert "green" in styles(cpu_cell(180.0, scale=400.0))
    missing = cpu_cell(None, width=10)
    assert missing.plain.strip() == "–" and len(missing.plain) == 10
    assert cpu_cell(math.nan).plain.strip() == "–"
    # A stale figure is dimmed rather than presented as current.
    assert styles(cpu_cell(90.0, stale=True)) == {"dim"}
    assert cpu_cell(5.0, width=6).plain == "  5.0%"


def test_mem_cell_against_limit() -> None:
    cell = mem_cell(128 * 1024**2, 256 * 1024**2, width=16)
    assert cell.plain == "████▌····   128M"
    assert "green" in styles(cell)
    assert "red" in styles(mem_cell(250 * 1024**2, 256 * 1024**2))
    assert mem_cell(1500, 0, width=12).plain == "        1.5K"  # no limit: no bar


def test_compact_bytes_and_bar() -> None:
    assert [compact_bytes(n) for n in (0, 512, 1536, 100 * 1024, 3 * 1024**3)] == [
        "0B",
        "512B",
        "1.5K",
        "100K",
        "3.0G",
    ]
    assert bar(0.5, 4) == "██··"
    assert bar(1 / 16, 2) == "▏·"
    assert bar(2.0, 3) == "███"
    assert bar(-1.0, 3) == "···"
    assert bar(0.5, 0) == ""


def test_sparkline_scales_and_shows_gaps() -> None:
    assert sparkline([0, 50, 100], 3, ceiling=100) == "▁▅█"
    assert sparkline([1, 2], 4) == "  ▅█"  # right-aligned, relative to the max shown
    assert sparkline([10, math.nan, 10], 3) == "█ █"
    assert sparkline(list(range(100)), 5, ceiling=100) == "█████"
    assert len(sparkline([0.0] * 3, 3)) == 3
    assert sparkline([], 3) == "   "
    assert sparkline([1], 0) == ""


def test_chart_lines_stack_blocks_top_row_first() -> None:
    assert chart_lines([0, 25, 50, 100], 4, 2, 100) == ["   █", " ▄██"]
    assert chart_lines([math.nan, 100], 3, 1, 100) == ["  █"]
    assert nice_ceiling(43, 10) == 50
    assert nice_ceiling(3, 10) == 10
    assert nice_ceiling(101, 10) == 200


def test_summary_text_against_host() -> None:
    t = summary_text(150.0, 3 * 1024**3, 2, 8 * 1024**3, measured=48, running=300)
    assert t.plain == "CPU 150.0% of 2 CPUs  MEM 3.0G / 8.0G  (48 of 300 running measured)"
    assert "yellow" in styles(t)  # 150% of a 2-CPU host's 200% is 75%: above the warning
    t2 = summary_text(10.0, 0, 4, 0)
    assert t2.plain == "CPU 10.0% of 4 CPUs  MEM 0B"


def test_palette_from_theme_uses_theme_colours() -> None:
    from textual.theme import BUILTIN_THEMES

    for theme in BUILTIN_THEMES.values():
        p = palette_from_theme(theme)
        assert p.ok and p.warn and p.bad
        # Every built-in theme's colours are valid Rich styles.
        Text("x", style=p.ok).render(__import__("rich").get_console())
    assert palette_from_theme(None) == Palette()


def sample(cpu: float | None, mem: int = 64 * 1024**2, rx: int = 0) -> StatsSample:
    return StatsSample("c1", "", cpu, mem, 256 * 1024**2, rx, rx // 2, 0, 4096, 3, 2)


def filled_history(n: int = 120) -> History:
    h = History(600)
    for i in range(n):
        h.add(float(i), sample(None if i == 0 else 40 + (i % 10), rx=i * 1000))
    return h


def test_render_stats_shows_every_figure() -> None:
    h = filled_history()
    text = render_stats(h, sample(45.0, rx=119_000), 80, age=0.4)
    plain = text.plain
    assert "CPU  45.0%" in plain
    assert "MEM  64.0M / 256M limit (25.0%)" in plain
    assert "rx" in plain and "1000B/s" in plain
    assert "write" in plain
    assert "PIDS 3" in plain
    assert "last 72s" in plain  # 73 columns of samples, 1 s apart
    assert all(len(line) <= 80 for line in plain.splitlines())
    assert "█" in plain
    old = render_stats(h, sample(45.0), 80, age=9.0).plain
    assert "9s old" in old
    assert "Waiting" in render_stats(None, None, 80).plain


class GraphsApp(App[None]):
    def __init__(self, hub: StatsHub) -> None:
        super().__init__()
        self.hub = hub

    def compose(self) -> ComposeResult:
        yield StatsGraphs(self.hub, "c1", id="graphs")


async def test_stats_graphs_pins_its_container_and_repaints_on_samples() -> None:
    # The hub is not running: pinning and listeners are plain bookkeeping.
    hub = StatsHub(DockerClient(parse_host("unix:///nonexistent.sock")), max_rate=50)
    hub.set_running(["c1", "c2"])
    hub.set_visible(["c2"])
    app = GraphsApp(hub)
    raw: dict[str, Any] = {
        "read": "2026-11-26T10:00:00Z",
        "cpu_stats": {
            "cpu_usage": {"total_usage": 2_000},
            "system_cpu_usage": 20_000,
            "online_cpus": 2,
        },
        "precpu_stats": {"cpu_usage": {"total_usage": 1_000}, "system_cpu_usage": 10_000},
        "memory_stats": {"usage": 1024**2, "limit": 4 * 1024**2},
        "pids_stats": {"current": 7},
    }
    async with app.run_test(size=(100, 30)) as pilot:
        graphs = app.query_one(StatsGraphs)
        assert hub.desired() == ["c1", "c2"]  # pinned ahead of the visible rows
        assert "Waiting" in graphs.render().plain  # type: ignore[union-attr]
        hub._ingest("c1", raw)
        await pilot.pause(0.1)
        rendered = graphs.render().plain  # type: ignore[union-attr]
        assert "CPU  20.0%" in rendered
        assert "PIDS 7" in rendered
        graphs.remove()
        await pilot.pause()
        assert hub.desired() == ["c2"]  # released on unmount
        assert not hub._listeners


def test_gauges_reexports_stats_graphs_lazily() -> None:
    assert gauges.StatsGraphs is StatsGraphs
