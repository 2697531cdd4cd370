"""FleetStats on simulated engines: rows routed to their own engine's hub, a borrowed hub
for the dashboard's engine (never a second one), slow refreshes that complete the totals,
nothing streamed from an engine that is not live, and every owned stream closed at stop.

Assertions look at the simulated daemons' subscriber tables, so "closed" means the
server saw the disconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from dockui.engine import DockerClient, parse_host
from dockui.sim import SimEngine
from dockui.state.fleet import Fleet
from dockui.state.fleet_stats import FleetStats
from dockui.state.model import ConnState, EngineModel
from dockui.state.stats_hub import StatsHub

SimFactory = Callable[..., Awaitable[SimEngine]]


async def until(pred: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


def streamed(sim: SimEngine) -> set[str]:
    """Containers the simulated daemon streams (stream=true) to someone."""
    return {cid for cid, subs in sim.stats.subs.items() if any(not s.once for s in subs)}


def running(sim: SimEngine) -> list[str]:
    return sorted(c.id for c in sim.state.containers.values() if c.status == "running")


@asynccontextmanager
async def live_fleet(*sims: SimEngine) -> AsyncIterator[Fleet]:
    models = [
        EngineModel(DockerClient(parse_host(s.docker_host)), name=f"e{i}")
        for i, s in enumerate(sims)
    ]
    fleet = Fleet(models)
    task = asyncio.create_task(fleet.run())
    try:
        await until(lambda: all(m.state == ConnState.LIVE for m in models))
        yield fleet
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        await fleet.aclose()


@asynccontextmanager
async def running_stats(stats: FleetStats) -> AsyncIterator[FleetStats]:
    task = asyncio.create_task(stats.run())
    try:
        await until(lambda: stats.running)
        yield stats
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task


async def test_rows_go_to_their_own_engines_hub_and_stop_with_it(make_sim: SimFactory) -> None:
    # Same seed: the two engines hold the same ids, so only routing tells them apart.
    a, b = await make_sim(seed=3), await make_sim(seed=3)
    async with live_fleet(a, b) as fleet:
        m0, m1 = fleet.models
        x, y, z = running(a)[:3]
        stats = FleetStats(fleet, refresh_interval=3600)
        stats.set_visible([(m0, x), (m1, y), (m1, z)])  # before run(): remembered
        async with running_stats(stats):
            assert set(stats.hubs) == {"e0", "e1"}
            await until(lambda: streamed(a) == {x} and streamed(b) == {y, z})
            stats.set_selected(m0, z)
            await until(lambda: streamed(a) == {x, z} and streamed(b) == {y, z})
            await until(lambda: stats.latest(m1, y) is not None)
            # Scrolled: x is now on screen as e1's row only; e0 keeps just its selection.
            stats.set_visible([(m1, x)])
            await until(lambda: streamed(a) == {z} and streamed(b) == {x})
        assert stats.hubs == {} and not stats.running
        await until(lambda: not streamed(a) and not streamed(b))


async def test_borrowed_hub_for_the_active_engine_and_complete_totals(
    make_sim: SimFactory,
) -> None:
    a, b = await make_sim(seed=4), await make_sim(seed=5)
    async with live_fleet(a, b) as fleet:
        m0, m1 = fleet.models
        own = StatsHub(m0.client, settle=0.0)  # the dashboard's hub of the active engine
        own.set_running(c.id for c in m0.containers.values() if c.running)
        own_task = asyncio.create_task(own.run())
        handed_back: list[bool] = []
        stats = FleetStats(
            fleet,
            active=m0,
            active_hub=lambda: own,
            on_stop=lambda: handed_back.append(True),
            refresh_interval=0.2,
        )
        try:
            async with running_stats(stats):
                assert set(stats.hubs) == {"e1"}  # no second hub for the active engine
                assert stats.hub(m0) is own
                first = running(a)[0]
                stats.set_visible([(m0, first)])
                await until(lambda: first in streamed(a))
                # Slow refreshes of everything else make both engines' totals complete.
                for m, sim in ((m0, a), (m1, b)):
                    await until(
                        lambda m=m, sim=sim: (
                            (u := stats.usage(m)) is not None
                            and u.complete
                            and u.running == len(running(sim))
                        ),
                        timeout=10,
                    )
                u1 = stats.usage(m1)
                assert u1 is not None and u1.ncpu == 4 and u1.mem_total == 8 * 1024**3
                assert u1.cpu_percent > 0 and u1.mem_used > 0
                assert (u1.cpu_percent, u1.mem_used) == stats.hubs["e1"].totals()
            assert handed_back == [True]
            assert stats.hub(m0) is None
            # The borrowed hub is not stopped: it still streams what it was asked to.
            assert not own_task.done() and first in streamed(a)
        finally:
            own_task.cancel()
            with contextlib.suppress(BaseException):
                await own_task


async def test_an_engine_that_is_not_live_streams_nothing(make_sim: SimFactory) -> None:
    a = await make_sim(seed=6)
    async with live_fleet(a) as fleet:
        (m0,) = fleet.models
        stats = FleetStats(fleet, refresh_interval=0.2)
        async with running_stats(stats):
            hub = stats.hubs["e0"]
            cid = running(a)[0]
            stats.set_visible([(m0, cid)])
            await until(lambda: cid in streamed(a))
            await until(lambda: (u := stats.usage(m0)) is not None and u.measured > 0)
            # The daemon restarts: while the model is not live it reports no usage and
            # the hub is told nothing runs (no stream retries against a dead socket).
            restart = asyncio.create_task(a.restart(down=1.5))
            await until(lambda: m0.state != ConnState.LIVE)
            assert stats.usage(m0) is None
            assert hub.coverage() == (0, 0)
            opened = hub.streams_opened
            await asyncio.sleep(0.5)
            assert hub.streams_opened == opened
            # Back: the model resyncs and the row is streamed again.
            await restart
            await until(lambda: m0.state == ConnState.LIVE, timeout=10)
            await until(lambda: cid in streamed(a))
            await until(lambda: (u := stats.usage(m0)) is not None and u.measured > 0)
