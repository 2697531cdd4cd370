"""The stats hub's sampled rows on the simulated engine (which answers one-shot and
stream=false like dockerd: one collection without precpu, two with).

Server side is checked too: `sim.stats.subs` holds one subscriber per pending one-shot
request, so "stopped" means the daemon no longer collects the container for us.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from test_stats_hub import HubRun, event, running_ids, server_streams, until

from dockui.engine import DockerClient, parse_host
from dockui.sim import SimEngine
from dockui.state.stats_hub import StatsHub

INTERVAL = 0.2  # the simulated collector cycle


@pytest.fixture
async def sim(make_sim: Any) -> AsyncIterator[SimEngine]:
    yield await make_sim(containers=40, stats_interval=INTERVAL)


def server_once_ids(sim: SimEngine) -> set[str]:
    """Containers with a one-shot request waiting at the simulated daemon right now."""
    return {cid for cid, subs in sim.stats.subs.items() if any(s.once for s in subs)}


def hub_run(sim: SimEngine, **kw: Any) -> HubRun:
    return HubRun(sim, cycle=INTERVAL, **kw)


async def test_budget_splits_visible_rows_into_exact_streamed_and_sampled_sets(
    sim: SimEngine,
) -> None:
    ids = running_ids(sim)
    async with hub_run(sim, sample_budget=4) as hub:
        hub.set_running(ids)
        hub.set_selected(ids[5])
        hub.set_visible(ids[:6])
        # V = 6, B = 4: S = 2B - V = 2 streams, the selected one first; 4 rows sampled
        # every other cycle: 2 + 4/2 = 4 samples per cycle.
        assert hub.desired() == [ids[5], ids[0]]
        assert hub.sampled() == dict.fromkeys(ids[1:5], 2)
        await until(lambda: server_streams(sim) == {ids[5], ids[0]})
        await until(lambda: hub.sampling_ids == set(ids[1:5]))
        seen: set[str] = set()
        for _ in range(100):
            seen |= server_once_ids(sim)
            await asyncio.sleep(0.01)
        assert seen == set(ids[1:5])
        assert server_streams(sim) == {ids[5], ids[0]}

        # Fewer rows: everything fits in streams, sampling stops.
        hub.set_visible(ids[:3])
        assert hub.desired() == [ids[5], ids[0], ids[1], ids[2]]
        assert hub.sampled() == {}
        assert hub.sampling_ids == set()
        await until(lambda: server_streams(sim) == {ids[5], *ids[:3]})
        await until(lambda: not server_once_ids(sim), timeout=1.0)


async def test_sampled_rows_get_cpu_after_their_second_sample_and_on_time(
    sim: SimEngine,
) -> None:
    ids = running_ids(sim)
    async with hub_run(sim, sample_budget=2) as hub:
        got: list[tuple[str, float | None]] = []
        ingest = hub._ingest

        def spy(cid: str, raw: dict[str, Any]) -> float | None:
            at = ingest(cid, raw)
            got.append((cid, hub.latest(cid).cpu_percent))  # type: ignore[union-attr]
            return at

        hub._ingest = spy  # type: ignore[method-assign]
        hub.set_running(ids)
        hub.set_selected(ids[0])
        hub.set_visible(ids[:4])  # V = 4, B = 2: the selected streamed, 3 rows sampled
        assert hub.desired() == [ids[0]]
        sampled = ids[1:4]
        await until(lambda: all(sum(c == cid for c, _ in got) >= 6 for cid in sampled), 10)
        for cid in sampled:
            figures = [cpu for c, cpu in got if c == cid]
            # One-shot has no precpu: the first sample shows no CPU, every later one does,
            # computed against our own previous sample.
            assert figures[0] is None
            assert all(f is not None for f in figures[1:])
            # Two ticks apart, and not diluted: near the container's own mean load.
            mean = sim.state.containers[cid].stats.cpu_mean * 100
            assert all(abs(f - mean) <= 0.5 * mean + 1.0 for f in figures[1:]), (mean, figures)  # type: ignore[operator]
        # Each request landed in the cycle after next (read stamps two ticks apart).
        total = sum(hub.spacing.values())
        assert total >= 12 and hub.spacing[0] >= 0.8 * total, hub.spacing
        assert all(hub.age(cid) is not None for cid in sampled)


async def test_rows_scrolling_off_stop_being_sampled_at_once(sim: SimEngine) -> None:
    ids = running_ids(sim)
    async with hub_run(sim, sample_budget=1) as hub:
        hub.set_running(ids)
        hub.set_visible(ids[:4])  # V = 4, B = 1: no streams, all sampled (rarely)
        assert hub.desired() == []
        await until(lambda: server_once_ids(sim) == set(ids[:4]))
        tasks = [hub.last_task(cid) for cid in ids[:2]]
        hub.set_visible(ids[2:6])
        # Off the hub's books before the loop even turns...
        assert not hub.sampling_ids & set(ids[:2])
        # ...and the pending requests are abandoned: the daemon stops collecting them.
        await until(lambda: all(t is not None and t.done() for t in tasks), timeout=0.5)
        await until(lambda: not server_once_ids(sim) & set(ids[:2]), timeout=0.5)
        await until(lambda: hub.sampling_ids == set(ids[2:6]))
        hub.set_visible([])
        assert hub.sampling_ids == set()
        await until(lambda: not server_once_ids(sim), timeout=0.5)


async def test_die_event_ends_sampling_at_once(sim: SimEngine) -> None:
    ids = running_ids(sim)
    async with hub_run(sim, sample_budget=1) as hub:
        hub.set_running(ids)
        hub.set_visible(ids[:3])
        victim = ids[1]
        await until(lambda: hub.latest(victim) is not None)
        await until(lambda: victim in server_once_ids(sim))
        task = hub.last_task(victim)
        assert task is not None
        hub.on_event(event("die", victim))
        assert victim not in hub.sampling_ids
        assert hub.latest(victim) is None
        await until(task.done, timeout=0.2)
        await until(lambda: victim not in server_once_ids(sim), timeout=0.5)
        # A listing from before the event does not bring it back; its start does.
        hub.set_running(ids)
        await asyncio.sleep(INTERVAL * 3)
        assert victim not in hub.sampling_ids and hub.latest(victim) is None
        hub.on_event(event("start", victim))
        await until(lambda: victim in hub.sampling_ids)


async def test_a_row_moving_from_stream_to_sampling_keeps_its_cpu_figure(
    sim: SimEngine,
) -> None:
    ids = running_ids(sim)
    client = DockerClient(parse_host(sim.docker_host))
    await client.connect()
    hub = StatsHub(client, settle=0.0, cycle=INTERVAL, sample_budget=3)
    hub.set_running(ids)
    hub.set_visible(ids[:2])
    task = asyncio.create_task(hub.run())
    try:
        await until(lambda: hub.streaming_ids == set(ids[:2]))
        await until(lambda: (hub.latest(ids[1]) or hub.latest(ids[0])) is not None)
        await until(lambda: hub.latest(ids[1]).cpu_percent is not None)  # type: ignore[union-attr]
        hub.set_visible(ids[:6])  # V = 6, B = 3: S = 0, ids[1] is now sampled
        assert ids[1] in hub.sampled()
        before = hub.oneshots
        await until(lambda: hub.oneshots > before)
        # The first one-shot answer already has a CPU figure: the stream's last sample is
        # our "previous" reading.
        await until(lambda: (hub.age(ids[1]) or 99) < INTERVAL)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await client.aclose()


class PodmanPose(DockerClient):
    """A client that reports podman: the simulator speaks only Docker's dialect."""

    @property
    def is_podman(self) -> bool:
        return True


async def test_podman_streams_up_to_the_cap_and_samples_the_rest_at_its_cadence(
    sim: SimEngine,
) -> None:
    ids = running_ids(sim)
    client = PodmanPose(parse_host(sim.docker_host))
    await client.connect()
    # No 1 s collector on podman: the sample budget does not apply, the stream cap does.
    hub = StatsHub(client, settle=0.0, sample_budget=1, max_streams=3, podman_interval=0.5)
    hub.set_running(ids)
    hub.set_visible(ids[:5])
    task = asyncio.create_task(hub.run())
    try:
        assert hub.desired() == ids[:3]
        assert set(hub.sampled()) == set(ids[3:5])
        await until(lambda: server_streams(sim) == set(ids[:3]))
        await until(lambda: hub.sampling_ids == set(ids[3:5]))
        await until(lambda: hub.oneshots >= 4, timeout=3.0)
        # Sampled every podman_interval, not every other collector cycle (0.2 s here).
        await asyncio.sleep(1.0)
        assert 4 <= hub.oneshots <= 2 * (2 + 1.0 / 0.5) + 2
        assert all(hub.latest(cid) is not None for cid in ids[3:5])
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await client.aclose()
