"""Fault injection: drop, status, stall, garbage, restart; the spec grammar."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from dockui.sim import SimEngine, parse_spec

P = "/v1.52"


def test_spec_grammar() -> None:
    f = parse_spec("drop:/events:after=5")
    assert (f.kind, f.path, f.after) == ("drop", "/events", 5)
    f = parse_spec("status:/containers/json:500:times=2")
    assert (f.kind, f.status, f.times) == ("status", 500, 2)
    f = parse_spec("stall:/events:300ms:after=1")
    assert (f.kind, f.seconds, f.after) == ("stall", 0.3, 1)
    assert parse_spec("garbage:/containers/*/stats").matches("/containers/abc/stats")
    f = parse_spec("restart:after=10s:down=3s")
    assert (f.kind, f.seconds, f.down) == ("restart", 10.0, 3.0)
    with pytest.raises(ValueError):
        parse_spec("explode:/x")
    with pytest.raises(ValueError):
        parse_spec("status")


async def test_status_fault_with_times(client: httpx.AsyncClient, sim: SimEngine) -> None:
    sim.faults.status("/containers/json", 500, times=1)
    r = await client.get(f"{P}/containers/json")
    assert r.status_code == 500 and "simulated fault" in r.json()["message"]
    assert (await client.get(f"{P}/containers/json")).status_code == 200


async def test_drop_stream_after_k_messages(client: httpx.AsyncClient, sim: SimEngine) -> None:
    sim.faults.add("drop:/events:after=3")
    for i in range(5):
        sim.state.create_volume(f"d{i}")
    got = []
    with pytest.raises(httpx.RemoteProtocolError):
        async with client.stream("GET", f"{P}/events", params={"since": "0"}) as r:
            async for line in r.aiter_lines():
                got.append(json.loads(line))
    assert len(got) == 3
    sim.faults.clear()
    # A plain request dropped before any answer.
    sim.faults.drop("/info", times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        await client.get(f"{P}/info")
    assert (await client.get(f"{P}/info")).status_code == 200


async def test_stall_before_answer(client: httpx.AsyncClient, sim: SimEngine) -> None:
    sim.faults.stall("/version", 0.3, times=1)
    t = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        await client.get(f"{P}/version", timeout=httpx.Timeout(5, read=0.1))
    assert time.monotonic() - t < 0.3
    assert (await client.get(f"{P}/version")).status_code == 200


async def test_stall_mid_stream(client: httpx.AsyncClient, sim: SimEngine) -> None:
    c = next(c for c in sim.state.containers.values() if c.status == "running")
    sim.faults.add("stall:/containers/*/stats:0.4s:after=1")
    stamps = []
    async with client.stream("GET", f"{P}/containers/{c.id}/stats") as r:
        async for _ in r.aiter_lines():
            stamps.append(time.monotonic())
            if len(stamps) == 2:
                break
    assert stamps[1] - stamps[0] >= 0.35


async def test_garbage_in_stream_and_body(client: httpx.AsyncClient, sim: SimEngine) -> None:
    sim.faults.garbage("/events", after=1, times=1)
    sim.state.create_volume("g1")
    sim.state.create_volume("g2")
    r = await client.get(f"{P}/events", params={"since": "0", "until": str(time.time() + 0.2)})
    lines = r.text.splitlines()
    assert json.loads(lines[0])["Actor"]["ID"] == "g1"
    with pytest.raises(ValueError):
        json.loads(lines[1])
    assert json.loads(lines[2])["Actor"]["ID"] == "g2"
    sim.faults.garbage("/containers/json", times=1)
    r = await client.get(f"{P}/containers/json")
    assert r.status_code == 200
    with pytest.raises(ValueError):
        r.json()


async def test_restart_cuts_streams_refuses_then_returns(
    client: httpx.AsyncClient, sim: SimEngine
) -> None:
    sim.state.create_volume("before")

    async def consume() -> None:
        async with client.stream("GET", f"{P}/events") as r:
            async for _ in r.aiter_lines():
                pass

    reader = asyncio.create_task(consume())
    await asyncio.sleep(0.05)
    restart = asyncio.create_task(sim.restart(down=0.3))
    with pytest.raises(httpx.RemoteProtocolError):
        await asyncio.wait_for(reader, 5)
    await asyncio.sleep(0.05)
    with pytest.raises(httpx.ConnectError):
        await client.get(f"{P}/_ping")
    await restart
    assert (await client.get(f"{P}/_ping")).status_code == 200
    # Same state, and the event history continues.
    assert "before" in {v["Name"] for v in (await client.get(f"{P}/volumes")).json()["Volumes"]}
    evs = (
        await client.get(f"{P}/events", params={"since": "0", "until": str(time.time())})
    ).text.splitlines()
    actions = [json.loads(x)["Action"] for x in evs]
    assert actions[0] == "create" and actions[-1] == "reload"


async def test_scheduled_restart_from_config(make_sim, client_for) -> None:  # type: ignore[no-untyped-def]
    sim = await make_sim(faults=["restart:after=0.1s:down=0.2s"])
    c = client_for(sim)
    await asyncio.sleep(0.2)
    with pytest.raises(httpx.ConnectError):
        await c.get("/_ping")
    await asyncio.sleep(0.3)
    assert (await c.get("/_ping")).status_code == 200
    assert sim.restarts == 1
