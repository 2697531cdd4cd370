"""The project's own client (dockui.engine.client.DockerClient) against the simulated engine."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from dockui.engine.client import DockerClient, since_from_nanos
from dockui.engine.errors import Conflict, NotFound, StreamError
from dockui.engine.targets import parse_host
from dockui.sim import SimEngine

SimFactory = Callable[..., Awaitable[SimEngine]]


def _client(sim: SimEngine) -> DockerClient:
    return DockerClient(parse_host(f"unix://{sim.socket_path}"))


@pytest.mark.parametrize("api", ["1.41", "1.52"])
async def test_client_negotiates_and_lists(make_sim: SimFactory, api: str) -> None:
    sim = await make_sim(api_version=api)
    async with _client(sim) as dc:
        assert dc.api_version == api
        cs = await dc.containers(all=True)
        assert len(cs) == 30
        assert (await dc.info())["Containers"] == 30
        assert await dc.images()
        assert await dc.networks()


async def test_client_lifecycle_events_and_errors(sim: SimEngine) -> None:
    c = next(c for c in sim.state.containers.values() if c.status == "running")
    c.ignores_sigterm = False
    async with _client(sim) as dc:
        t0 = sim.state.events.now_ns()
        await dc.stop(c.id)
        t1 = sim.state.events.now_ns()
        actions = [
            e.action
            async for e in dc.events(
                since=since_from_nanos(t0),
                until=since_from_nanos(t1),
                filters={"type": "container"},
            )
        ]
        assert actions == ["kill", "die", "stop"]
        with pytest.raises(Conflict):
            await dc.kill(c.id)
        with pytest.raises(NotFound):
            await dc.inspect_container("nope")


async def test_client_stats_logs_exec_pull(sim: SimEngine) -> None:
    c = next(c for c in sim.state.containers.values() if c.status == "running" and not c.tty)
    async with _client(sim) as dc:
        samples = []
        async for s in dc.stats(c.id):
            samples.append(s)
            if len(samples) == 2:
                break
        assert samples[0]["precpu_stats"]["cpu_usage"]["total_usage"] == 0
        batches = [b async for b in dc.logs(c.id, tail=5)]
        assert sum(len(b) for b in batches) == 5
        eid = await dc.exec_create(c.id, ["sh"], tty=True)
        async with dc.exec_socket(eid, tty=True) as sock:
            buf = b""
            while b"/ # " not in buf:
                buf += await sock.read()
            await sock.write(b"echo $((6*7))\n")
            buf = b""
            while b"42" not in buf:
                buf += await sock.read()
            await sock.write(b"exit 3\n")
            while await sock.read():
                pass
        await asyncio.sleep(0.05)
        assert (await dc.exec_inspect(eid))["ExitCode"] == 3
        with pytest.raises(StreamError):
            async for _ in dc.pull("example/broken", tag="latest"):
                pass
