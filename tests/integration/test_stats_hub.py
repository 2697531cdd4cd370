"""The stats hub's subscription policy on the simulated engine.

Assertions look at both sides: the hub's own `streaming_ids` and the simulated daemon's
subscriber table (`sim.stats.subs`), so "closed" means the server saw the disconnect.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from dockui.engine import DockerClient, parse_host
from dockui.engine.models import Event
from dockui.sim import SimEngine
from dockui.state.model import EngineModel
from dockui.state.stats_hub import StatsHub


async def until(pred: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


def server_streams(sim: SimEngine) -> set[str]:
    """Containers the simulated daemon is streaming (stream=true) to someone."""
    return {cid for cid, subs in sim.stats.subs.items() if any(not s.once for s in subs)}


def server_once(sim: SimEngine) -> int:
    """stream=false requests the simulated daemon is answering right now."""
    return sum(1 for subs in sim.stats.subs.values() for s in subs if s.once)


def running_ids(sim: SimEngine) -> list[str]:
    return sorted(c.id for c in sim.state.containers.values() if c.status == "running")


def event(action: str, cid: str) -> Event:
    return Event.from_api({"Type": "container", "Action": action, "Actor": {"ID": cid}})


class HubRun:
    """A hub running on a client of the simulated engine, stopped at teardown."""

    def __init__(self, sim: SimEngine, **kw: Any) -> None:
        self.client = DockerClient(parse_host(sim.docker_host))
        self.hub = StatsHub(self.client, **{"settle": 0.0, **kw})
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> StatsHub:
        await self.client.connect()
        self.task = asyncio.create_task(self.hub.run())
        return self.hub

    async def __aexit__(self, *exc: object) -> None:
        assert self.task is not None
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.client.aclose()


@pytest.fixture
async def sim(make_sim: Any) -> AsyncIterator[SimEngine]:
    yield await make_sim(containers=40)


async def test_visible_set_changes_open_and_close_exactly_those_streams(sim: SimEngine) -> None:
    ids = running_ids(sim)
    assert len(ids) >= 10
    async with HubRun(sim, max_streams=10) as hub:
        hub.set_running(ids)
        hub.set_visible(ids[:5])
        await until(lambda: hub.streaming_ids == set(ids[:5]))
        await until(lambda: server_streams(sim) == set(ids[:5]))
        kept = {cid: hub.last_task(cid) for cid in ids[3:5]}

        hub.set_visible(ids[3:8])
        # Closing is immediate on our side, before the loop even turns.
        assert hub.streaming_ids <= set(ids[3:8])
        assert not hub.streaming_ids & set(ids[:3])
        await until(lambda: server_streams(sim) == set(ids[3:8]))
        assert hub.streaming_ids == set(ids[3:8])
        # Rows that stayed on screen kept their stream: no reconnect.
        assert all(hub.last_task(cid) is task for cid, task in kept.items())
        assert hub.streams_opened == 8

        await until(lambda: all(hub.latest(cid) is not None for cid in ids[3:8]))

        hub.set_visible([])
        assert hub.streaming_ids == set()
        await until(lambda: server_streams(sim) == set())


async def test_selected_first_and_bounded_by_max_streams(sim: SimEngine) -> None:
    ids = running_ids(sim)
    async with HubRun(sim, max_streams=3) as hub:
        hub.set_running(ids)
        hub.set_selected(ids[9])
        hub.set_visible(ids[:6])
        await until(lambda: server_streams(sim) == {ids[9], ids[0], ids[1]})
        assert hub.streaming_ids == {ids[9], ids[0], ids[1]}
        # Moving the selection onto a visible row frees a slot for the next row.
        hub.set_selected(ids[4])
        await until(lambda: server_streams(sim) == {ids[4], ids[0], ids[1]})
        hub.set_selected(ids[0])
        await until(lambda: server_streams(sim) == {ids[0], ids[1], ids[2]})
        # A pinned detail view counts like the selection, and releases its slot.
        release = hub.watch(ids[20])
        await until(lambda: server_streams(sim) == {ids[0], ids[20], ids[1]})
        release()
        await until(lambda: server_streams(sim) == {ids[0], ids[1], ids[2]})


async def test_stopped_containers_are_never_streamed(sim: SimEngine) -> None:
    ids = running_ids(sim)
    stopped = [c.id for c in sim.state.containers.values() if c.status != "running"]
    assert stopped, "the seeded engine has stopped containers"
    async with HubRun(sim) as hub:
        hub.set_running(ids)
        hub.set_visible([stopped[0], ids[0]])
        hub.set_selected(stopped[0])
        await until(lambda: server_streams(sim) == {ids[0]})
        await asyncio.sleep(0.1)
        assert hub.streaming_ids == {ids[0]}


async def test_ending_events_close_the_stream_at_once_and_start_reopens(sim: SimEngine) -> None:
    ids = running_ids(sim)
    async with HubRun(sim) as hub:
        hub.set_running(ids)
        hub.set_visible(ids[:3])
        await until(lambda: server_streams(sim) == set(ids[:3]))
        await until(lambda: hub.latest(ids[1]) is not None)
        for action in ("die", "pause", "destroy"):
            task = hub.last_task(ids[1])
            assert task is not None
            hub.on_event(event(action, ids[1]))
            assert ids[1] not in hub.streaming_ids
            assert hub.latest(ids[1]) is None  # a stopped container has no current figure
            t0 = time.monotonic()
            await until(task.done, timeout=0.5)  # the connection is being closed
            assert time.monotonic() - t0 < 0.1
            await until(lambda: server_streams(sim) == {ids[0], ids[2]}, timeout=1.0)
            # A listing from before the event does not bring it back...
            hub.set_running(ids)
            await asyncio.sleep(0.05)
            assert ids[1] not in hub.streaming_ids
            # ...its start event does.
            hub.on_event(event("start" if action != "pause" else "unpause", ids[1]))
            await until(lambda: server_streams(sim) == set(ids[:3]))


async def test_a_real_stop_through_the_model_closes_within_a_second(sim: SimEngine) -> None:
    model = EngineModel(DockerClient(parse_host(sim.docker_host)))
    hub_run = HubRun(sim)
    model_task = asyncio.create_task(model.run())
    try:
        await asyncio.wait_for(model.synced.wait(), 5)
        async with hub_run as hub:
            model.add_event_listener(hub.on_event)
            model.add_listener(
                lambda _ch: hub.set_running(c.id for c in model.containers.values() if c.running)
            )
            ids = running_ids(sim)
            hub.set_running(ids)
            hub.set_visible(ids[:4])
            await until(lambda: server_streams(sim) == set(ids[:4]))
            stopped_at = time.monotonic()
            await model.client.stop(ids[2], timeout=0)
            await until(lambda: ids[2] not in server_streams(sim), timeout=1.0)
            assert time.monotonic() - stopped_at < 1.0
            assert ids[2] not in hub.streaming_ids
            assert hub.last_task(ids[2]).done()  # type: ignore[union-attr]
    finally:
        model_task.cancel()
        await asyncio.gather(model_task, return_exceptions=True)
        await model.client.aclose()


async def test_want_all_refreshes_offscreen_bounded_rarely_and_one_shot_after_the_first(
    sim: SimEngine,
) -> None:
    ids = running_ids(sim)
    calls: list[tuple[str, float, bool]] = []
    async with HubRun(sim, max_streams=2, refresh_interval=0.6, refresh_concurrency=2) as hub:
        original = hub.client.stats_once

        async def spy(cid: str, *, one_shot: bool = False, **kw: Any) -> dict[str, Any]:
            calls.append((cid, time.monotonic(), one_shot))
            return await original(cid, one_shot=one_shot, **kw)

        hub.client.stats_once = spy  # type: ignore[method-assign]
        hub.set_running(ids)
        hub.set_visible(ids[:2])
        await until(lambda: server_streams(sim) == set(ids[:2]))
        await asyncio.sleep(0.3)
        assert calls == []  # nothing off-screen is asked for unless a sort needs it

        hub.set_want_all(True)
        peak = 0
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            peak = max(peak, server_once(sim), len(hub.refreshing_ids))
            await asyncio.sleep(0.005)
        hub.set_want_all(False)
        await until(lambda: not hub.refreshing_ids)
        stopped_calls = len(calls)

        assert 1 <= peak <= 2
        assert not {cid for cid, _, _ in calls} & set(ids[:2])  # streamed rows are not polled
        by_cid: dict[str, list[tuple[float, bool]]] = {}
        for cid, at, one_shot in calls:
            by_cid.setdefault(cid, []).append((at, one_shot))
        for visits in by_cid.values():
            gaps = [b[0] - a[0] for a, b in itertools.pairwise(visits)]
            assert all(g >= 0.6 - 0.02 for g in gaps), gaps
            # The first visit primes precpu with stream=false (two samples); later ones
            # are one-shot against our own previous sample (one sample each).
            assert [one_shot for _, one_shot in visits] == [False] + [True] * (len(visits) - 1)
        assert any(len(v) >= 2 for v in by_cid.values())
        # Off-screen containers got real CPU figures either way.
        offscreen = [cid for cid in ids[2:] if hub.latest(cid) is not None]
        assert len(offscreen) >= 10
        assert all(hub.latest(cid).cpu_percent is not None for cid in offscreen)  # type: ignore[union-attr]
        assert server_streams(sim) == set(ids[:2])
        await asyncio.sleep(0.8)
        assert len(calls) == stopped_calls  # want_all off: refreshing stops


async def test_listeners_are_coalesced_to_max_rate(sim: SimEngine) -> None:
    ids = running_ids(sim)
    calls: list[tuple[float, set[str]]] = []
    async with HubRun(sim, max_rate=4.0) as hub:
        hub.add_listener(lambda got: calls.append((time.monotonic(), got)))
        hub.set_running(ids)
        hub.set_visible(ids[:10])
        await until(lambda: server_streams(sim) == set(ids[:10]))
        calls.clear()
        start = time.monotonic()
        await asyncio.sleep(1.6)
        window = [c for c in calls if c[0] >= start]
        # 10 streams at 20 samples/s is 200 samples/s; the listener hears 4 times a second.
        assert 4 <= len(window) <= 8
        gaps = [b[0] - a[0] for a, b in itertools.pairwise(window)]
        assert all(g >= 0.25 - 0.01 for g in gaps), gaps
        assert set().union(*(got for _, got in window)) == set(ids[:10])
        assert hub.samples >= 100


async def test_history_age_and_totals_follow_the_streams(sim: SimEngine) -> None:
    ids = running_ids(sim)
    async with HubRun(sim, history_seconds=20) as hub:
        hub.set_running(ids)
        hub.set_visible(ids[:3])
        await until(lambda: all(len(hub.history(c) or ()) >= 20 for c in ids[:3]))
        before = hub.samples
        await until(lambda: hub.samples >= before + 30)
        h = hub.history(ids[0])
        assert h is not None and len(h) == 20  # the ring stopped growing at capacity
        cpu = h.cpu_series(10)
        assert len(cpu) == 10 and not any(math.isnan(v) for v in cpu)
        assert all(m > 0 for m in h.mem_series(10))
        age = hub.age(ids[0])
        assert age is not None and age < 0.5
        cpu_sum, mem_sum = hub.totals()
        assert cpu_sum == pytest.approx(sum(hub.latest(c).cpu_percent or 0 for c in ids[:3]))  # type: ignore[union-attr]
        assert mem_sum == sum(hub.latest(c).mem_used for c in ids[:3])  # type: ignore[union-attr]
        assert hub.coverage() == (3, len(ids))


async def test_cancelling_run_closes_every_stream(sim: SimEngine) -> None:
    ids = running_ids(sim)
    client = DockerClient(parse_host(sim.docker_host))
    await client.connect()
    hub = StatsHub(client, settle=0.0)
    hub.set_running(ids)
    hub.set_visible(ids[:6])  # recorded before run() starts
    task = asyncio.create_task(hub.run())
    try:
        await until(lambda: server_streams(sim) == set(ids[:6]))
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert hub.streaming_ids == set()
    await until(lambda: server_streams(sim) == set(), timeout=1.0)
    await client.aclose()


async def test_scrolling_burst_is_debounced(sim: SimEngine) -> None:
    ids = running_ids(sim)
    async with HubRun(sim, settle=0.1, max_streams=5) as hub:
        hub.set_running(ids)
        for i in range(15):  # key repeat: one row per 20 ms
            hub.set_visible(ids[i : i + 5])
            await asyncio.sleep(0.02)
        await until(lambda: server_streams(sim) == set(ids[14:19]))
        # Without the debounce every step would open a stream: 5 + 14 = 19.
        assert hub.streams_opened <= 10
