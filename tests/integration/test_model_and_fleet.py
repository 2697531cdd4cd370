"""The live engine model and the fleet on the simulated engine: sync, events, restarts."""

from __future__ import annotations

import asyncio
import time

from dockui.engine import DockerClient, parse_host
from dockui.state.fleet import Fleet
from dockui.state.model import ConnState, EngineModel


async def until(pred, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def some_image(sim) -> str:  # type: ignore[no-untyped-def]
    return next(i for i in sim.state.images.values() if i.repo_tags).repo_tags[0]


async def test_model_lists_then_follows_events(sim) -> None:  # type: ignore[no-untyped-def]
    model = EngineModel(DockerClient(parse_host(sim.docker_host)))
    runner = asyncio.create_task(model.run())
    try:
        await asyncio.wait_for(model.synced.wait(), 5)
        assert model.state == ConnState.LIVE
        assert len(model.containers) == len(sim.state.containers)
        assert len(model.images) == len(sim.state.images)
        c = sim.state.create_container(some_image(sim), "made-elsewhere", labels={"x": "1"})
        await until(lambda: c.id in model.containers)
        assert model.containers[c.id].name == "made-elsewhere"
        sim.state.start_container(c.id)
        await until(lambda: model.containers[c.id].running)
        sim.state.remove_container(c.id, force=True)
        await until(lambda: c.id not in model.containers)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await model.client.aclose()


async def test_model_survives_an_engine_restart(sim) -> None:  # type: ignore[no-untyped-def]
    model = EngineModel(DockerClient(parse_host(sim.docker_host)), backoff_min=0.1)
    states: list[ConnState] = []
    model.add_listener(lambda ch: states.append(model.state) if ch.kind == "status" else None)
    runner = asyncio.create_task(model.run())
    try:
        await asyncio.wait_for(model.synced.wait(), 5)
        before = dict(model.containers)
        restart = asyncio.create_task(sim.restart(down=0.5))
        await until(lambda: model.state == ConnState.RECONNECTING)
        # The last known state stays while the engine is away.
        assert model.containers == before
        await restart
        # A change made right after the engine returns must still arrive.
        c = sim.state.create_container(some_image(sim), "after-restart")
        await until(lambda: c.id in model.containers, timeout=10)
        assert model.state == ConnState.LIVE
        assert ConnState.RECONNECTING in states
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await model.client.aclose()


async def test_fleet_marks_a_dead_engine_without_disturbing_others(make_sim, short_tmp) -> None:  # type: ignore[no-untyped-def]
    a = await make_sim(containers=5, seed=2)
    b = await make_sim(containers=7, seed=3)
    fleet = Fleet.from_targets(
        [
            parse_host(a.docker_host),
            parse_host(b.docker_host),
            parse_host(f"unix://{short_tmp}/nobody.sock"),
        ]
    )
    for m in fleet.models:
        m.backoff_min = 0.1
    runner = asyncio.create_task(fleet.run())
    try:
        await until(lambda: [r.state for r in fleet.overview()][:2] == [ConnState.LIVE] * 2)
        await until(lambda: fleet.overview()[2].state == ConnState.DOWN)
        rows = fleet.overview()
        assert [r.containers for r in rows] == [5, 7, 0]
        assert "no Docker engine" in rows[2].error
        combined = list(fleet.containers())
        assert len(combined) == 12
        assert {fc.engine.name for fc in combined} == {rows[0].name, rows[1].name}
        # Actions go to the engine that holds the container.
        target = next(fc for fc in combined if fc.engine is fleet.models[1])
        await target.engine.client.remove_container(target.container.id, force=True)
        await until(lambda: target.container.id not in fleet.models[1].containers)
        assert len(fleet.models[0].containers) == 5
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await fleet.aclose()
