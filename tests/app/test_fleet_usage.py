"""CPU and memory in use in the fleet view, on simulated engines driven with Pilot: each
engine's figures come from its own containers (the sims are given different loads), an
unreachable engine shows "–", the per-engine hubs stop when the view closes, and the
dashboard's engine is served by the dashboard's own hub, never by a second one."""

from __future__ import annotations

import re
from typing import Any

from fleet_helpers import ScreenApp, column, sims, wait_for
from textual.widgets import DataTable

from dockui.engine import DockerClient, parse_host
from dockui.sim import SimEngine
from dockui.sim.objects import StatsProfile
from dockui.state.fleet import Fleet
from dockui.state.fleet_stats import FleetStats
from dockui.state.model import ConnState, EngineModel
from dockui.ui.app import DockuiApp
from dockui.ui.screens.fleet import FleetScreen

MiB = 1024**2
UNITS = {"Bytes": 1, "KiB": 1024, "MiB": MiB, "GiB": 1024**3}


def load(engine: SimEngine, cores: float, mem: int) -> int:
    """Give every container of `engine` the same CPU/memory walk; returns how many run."""
    for c in engine.state.containers.values():
        c.stats = StatsProfile(cpu_mean=cores, mem_base=mem)
    return sum(1 for c in engine.state.containers.values() if c.status == "running")


def streamed(engine: SimEngine) -> set[str]:
    """Containers the simulated daemon streams (stream=true) to someone."""
    return {cid for cid, subs in engine.stats.subs.items() if any(not s.once for s in subs)}


def percent(cell: str) -> float:
    return float(re.findall(r"([\d.]+)%", cell)[-1])


def mem_bytes(cell: str) -> float:
    number, unit = cell.split()
    return float(number) * UNITS[unit]


def _fleet(hosts: list[str]) -> Fleet:
    return Fleet(
        [
            EngineModel(DockerClient(parse_host(h)), name=f"e{i}", backoff_min=0.1, backoff_max=0.5)
            for i, h in enumerate(hosts)
        ]
    )


async def test_each_engine_shows_its_own_cpu_and_memory_and_a_dead_one_a_dash() -> None:
    async with sims({"containers": 6, "seed": 3}, {"containers": 6, "seed": 7}) as (engines, tmp):
        busy = load(engines[0], 0.5, 100 * MiB)  # half a core and ~90 MiB used each
        idle = load(engines[1], 0.05, 10 * MiB)
        assert busy and idle
        fleet = _fleet([e.docker_host for e in engines] + [f"unix://{tmp}/nobody.sock"])
        stats = FleetStats(fleet, refresh_interval=0.2)
        app = ScreenApp(lambda: FleetScreen(fleet, stats=stats))
        async with app.run_test(size=(200, 50)) as pilot:
            overview = app.screen.query_one("#fleet-overview", DataTable)
            table = app.screen.query_one("#fleet-containers", DataTable)
            await wait_for(lambda: fleet.models[2].state == ConnState.DOWN, pilot)

            def complete() -> bool:
                cpu = column(overview, "cpu_use")
                return all("%" in c and "(" not in c for c in cpu[:2])

            await wait_for(complete, pilot, timeout=10)
            await pilot.pause(0.5)  # a few more samples: the walks settle on their means
            cpu = column(overview, "cpu_use")
            mem = column(overview, "mem_use")
            assert 30 * busy <= percent(cpu[0]) <= 70 * busy, cpu
            assert 2 * idle <= percent(cpu[1]) <= 8 * idle, cpu
            assert 0.7 * 90 * MiB * busy <= mem_bytes(mem[0]) <= 1.1 * 100 * MiB * busy, mem
            assert 0.7 * 9 * MiB * idle <= mem_bytes(mem[1]) <= 1.1 * 10 * MiB * idle, mem
            # The engine that does not answer: a dash, not an error or a stale figure.
            assert (cpu[2], mem[2]) == ("–", "–")

            # The container list's CPU cells come from the row's own engine, too.
            def row_cpu(engine: str) -> list[float]:
                rows = zip(column(table, "engine"), column(table, "cpu"), strict=True)
                return [percent(c) for e, c in rows if e == engine and "%" in c]

            await wait_for(lambda: len(row_cpu("e0")) == busy, pilot)
            await wait_for(lambda: len(row_cpu("e1")) == idle, pilot)
            assert min(row_cpu("e0")) > 20 > 10 > max(row_cpu("e1")), (row_cpu("e0"), row_cpu("e1"))


async def test_hubs_stop_with_the_fleet_view_and_the_dashboards_engine_has_one_hub() -> None:
    async with sims(
        {"containers": 6, "seed": 3}, {"containers": 6, "seed": 7}, {"containers": 6, "seed": 9}
    ) as (engines, _):
        app = DockuiApp([parse_host(e.docker_host) for e in engines])
        async with app.run_test(size=(160, 45)) as pilot:
            await wait_for(lambda: isinstance(app.screen, FleetScreen), pilot)
            fleet, stats = app.fleet, app.fleet_stats
            assert stats is not None and fleet.models[0] is app.model
            await wait_for(lambda: all(m.state == ConnState.LIVE for m in fleet.models), pilot)
            await wait_for(lambda: app.stats_hub is not None and stats.running, pilot)
            # The dashboard's engine is served by the dashboard's hub, lent to the view.
            assert set(stats.hubs) == {m.name for m in fleet.models[1:]}
            await wait_for(lambda: stats.hub(app.model) is app.stats_hub, pilot)
            # Every engine streams the fleet list's rows on screen (all running ones here).
            for e in engines:
                await wait_for(lambda e=e: len(streamed(e)) == _running(e), pilot)
            # One hub's worth of streams on the dashboard's engine, not two.
            hub = app.stats_hub
            await wait_for(
                lambda: hub.streams_opened - hub.streams_closed == _stream_count(engines[0]), pilot
            )
            assert _stream_count(engines[0]) == _running(engines[0])
            await wait_for(lambda: "%" in column(_overview(app), "cpu_use")[0], pilot)

            await pilot.press("escape")
            await wait_for(lambda: not isinstance(app.screen, FleetScreen), pilot)
            # The view's own hubs stopped and their engines saw every stream close.
            await wait_for(lambda: not stats.running and not stats.hubs, pilot)
            await wait_for(lambda: not streamed(engines[1]) and not streamed(engines[2]), pilot)
            # The dashboard's hub goes on, streaming the dashboard's own rows.
            assert app.stats_hub is hub
            shown = {
                k for k in app.containers_pane.table.visible_keys() if k in app.model.containers
            }
            running = {c.id for c in app.model.containers.values() if c.running}
            await wait_for(lambda: streamed(engines[0]) == shown & running, pilot)


def _running(engine: SimEngine) -> int:
    return sum(1 for c in engine.state.containers.values() if c.status == "running")


def _stream_count(engine: SimEngine) -> int:
    """stream=true connections open on `engine` (a container may have several)."""
    return sum(1 for subs in engine.stats.subs.values() for s in subs if not s.once)


def _overview(app: Any) -> DataTable[Any]:
    return app.screen.query_one("#fleet-overview", DataTable)
