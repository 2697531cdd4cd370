"""A rename event is applied from the event itself; the refresh that follows agrees.

The event names the new name (docker-api notes: "rename: name attribute is the new
name"), so the model need not wait for its coalesced refresh to show it. The refresh
still runs and reconciles, and a refresh answer that may predate a newer event about
the same container is not applied over it.
"""

from __future__ import annotations

import asyncio
import time

from dockui.engine import DockerClient, parse_host
from dockui.state.model import CONTAINERS, Change, EngineModel


async def until(pred, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


async def test_rename_shows_before_any_refresh_and_the_refresh_agrees(sim) -> None:  # type: ignore[no-untyped-def]
    # A coalescing delay far beyond the test: only the event itself can rename.
    model = EngineModel(DockerClient(parse_host(sim.docker_host)), coalesce=60)
    changes: list[Change] = []
    model.add_listener(changes.append)
    runner = asyncio.create_task(model.run())
    try:
        await asyncio.wait_for(model.synced.wait(), 5)
        cid = next(iter(model.containers))
        before = model.containers[cid]
        lists = 0
        real = model.client.containers

        async def counting(*a, **kw):  # type: ignore[no-untyped-def]
            nonlocal lists
            lists += 1
            return await real(*a, **kw)

        model.client.containers = counting  # type: ignore[method-assign]
        changes.clear()
        sim.state.rename_container(cid, "renamed-by-event")
        await until(lambda: model.containers[cid].name == "renamed-by-event")
        assert lists == 0
        assert changes == [Change(CONTAINERS, frozenset({cid}))]
        renamed = model.containers[cid]
        assert renamed.raw["Names"] == ["/renamed-by-event"]
        assert renamed.names[1:] == before.names[1:]
        assert (renamed.state, renamed.labels) == (before.state, before.labels)
        # The refresh the event scheduled fetches the same thing: no further change.
        changes.clear()
        await model.flush()
        assert lists == 1
        assert model.containers[cid].name == "renamed-by-event"
        assert model.containers[cid] == renamed
        assert changes == []
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await model.client.aclose()


async def test_a_refresh_does_not_undo_a_newer_event(sim) -> None:  # type: ignore[no-untyped-def]
    model = EngineModel(DockerClient(parse_host(sim.docker_host)), coalesce=60)
    runner = asyncio.create_task(model.run())
    try:
        await asyncio.wait_for(model.synced.wait(), 5)
        cid = next(iter(model.containers))
        real = model.client.containers
        gate = asyncio.Event()

        async def slow(*a, **kw):  # type: ignore[no-untyped-def]
            answer = await real(*a, **kw)
            await gate.wait()  # the engine answered; the answer is still on its way
            return answer

        sim.state.rename_container(cid, "first-name")
        await until(lambda: model.containers[cid].name == "first-name")
        model.client.containers = slow  # type: ignore[method-assign]
        refresh = asyncio.create_task(model.flush())
        await asyncio.sleep(0.05)
        sim.state.rename_container(cid, "second-name")
        await until(lambda: model.containers[cid].name == "second-name")
        gate.set()
        await refresh
        # The stale answer (first-name) was not applied over the newer event.
        assert model.containers[cid].name == "second-name"
        model.client.containers = real  # type: ignore[method-assign]
        await model.flush()
        assert model.containers[cid].name == "second-name"
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await model.client.aclose()
