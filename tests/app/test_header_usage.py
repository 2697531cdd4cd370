"""The dashboard header sums the running containers' CPU and memory against the host's
(`/info` NCPU and MemTotal), and says how many running containers the sum covers."""

from __future__ import annotations

import re

from fleet_helpers import sims, wait_for
from textual.widgets import Static

from dockui.engine import parse_host
from dockui.sim.objects import StatsProfile
from dockui.ui.app import DockuiApp

MiB = 1024**2


def header(app: DockuiApp) -> str:
    return str(app.query_one("#header", Static).render())


async def test_header_shows_usage_against_the_host() -> None:
    config = {"containers": 8, "seed": 3, "ncpu": 6, "mem_total": 16 * 1024**3}
    async with sims(config) as (engines, _tmp):
        for c in engines[0].state.containers.values():
            c.stats = StatsProfile(cpu_mean=0.5, mem_base=100 * MiB)
        running = sum(1 for c in engines[0].state.containers.values() if c.status == "running")
        assert running >= 1
        app = DockuiApp([parse_host(engines[0].docker_host)])
        async with app.run_test(size=(160, 45)) as pilot:
            # Every row is on screen, so every running container gets figures.
            pattern = re.compile(r"CPU ([\d.]+)% of 6 CPUs  MEM ([\d.]+)M / 16.0G")

            def figures() -> tuple[float, float] | None:
                text = header(app)
                match = pattern.search(text)
                if match is None or "measured" in text:
                    return None
                return float(match.group(1)), float(match.group(2))

            # Half a core each in the CLI's unit (100% = one core), ~100 MiB each; the
            # first samples carry no CPU figure yet.
            def plausible() -> bool:
                got = figures()
                return got is not None and 25 * running <= got[0] <= 75 * running

            await wait_for(plausible, pilot, timeout=10)
            got = figures()
            assert got is not None and 60 * running <= got[1] <= 140 * running
