"""/events: dockerd's sequences, legacy fields by version, since/until/filters, replay."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from dockui.sim import FrozenClock, SimEngine

SimFactory = Callable[..., Awaitable[SimEngine]]
ClientFactory = Callable[[SimEngine], httpx.AsyncClient]


def _now_ns(sim: SimEngine) -> int:
    return sim.state.events.now_ns()


async def _events(c: httpx.AsyncClient, prefix: str, **params: str) -> list[dict[str, Any]]:
    r = await c.get(f"{prefix}/events", params=params)
    assert r.status_code == 200
    return [json.loads(line) for line in r.text.splitlines() if line]


def _since(ns: int) -> str:
    return f"{ns // 1_000_000_000}.{ns % 1_000_000_000:09d}"


async def test_stop_and_restart_sequences(client: httpx.AsyncClient, sim: SimEngine) -> None:
    c = next(c for c in sim.state.containers.values() if c.status == "running" and c.endpoints)
    c.ignores_sigterm = False
    t0 = _now_ns(sim)
    assert (await client.post(f"/v1.52/containers/{c.id}/stop")).status_code == 204
    t1 = _now_ns(sim)
    evs = await _events(client, "/v1.52", since=_since(t0), until=_since(t1))
    seq = [(e["Type"], e["Action"]) for e in evs if e["Type"] in ("container", "network")]
    nets = len(c.endpoints)
    assert seq == [
        ("container", "kill"),
        ("container", "die"),
        *[("network", "disconnect")] * nets,
        ("container", "stop"),
    ]
    kill = evs[0]
    assert kill["Actor"]["Attributes"]["signal"] == "15"
    die = next(e for e in evs if e["Action"] == "die")
    assert die["Actor"]["Attributes"]["exitCode"] == "0"
    assert die["Actor"]["Attributes"]["name"] == c.name
    assert "status" not in die and "from" not in die  # 1.52 dropped the legacy keys
    assert [e["timeNano"] for e in evs] == sorted(e["timeNano"] for e in evs)

    t2 = _now_ns(sim)
    await client.post(f"/v1.52/containers/{c.id}/start")
    await client.post(f"/v1.52/containers/{c.id}/restart")
    t3 = _now_ns(sim)
    evs = await _events(client, "/v1.52", since=_since(t2), until=_since(t3))
    seq = [e["Action"] for e in evs if e["Type"] in ("container", "network")]
    assert seq == (
        ["connect"] * nets
        + ["start", "kill", "die"]
        + ["disconnect"] * nets
        + ["stop"]
        + ["connect"] * nets
        + ["start", "restart"]
    )


async def test_sigterm_ignoring_container_gets_kill_9(
    client: httpx.AsyncClient, sim: SimEngine
) -> None:
    r = await client.post(
        "/v1.52/containers/create",
        params={"name": "sleeper"},
        json={"Image": "busybox", "Cmd": ["sleep", "99"]},
    )
    cid = r.json()["Id"]
    await client.post(f"/v1.52/containers/{cid}/start")
    t0 = _now_ns(sim)
    await client.post(f"/v1.52/containers/{cid}/stop")
    evs = await _events(
        client,
        "/v1.52",
        since=_since(t0),
        until=_since(_now_ns(sim)),
        filters=json.dumps({"type": ["container"]}),
    )
    assert [(e["Action"], e["Actor"]["Attributes"].get("signal")) for e in evs[:2]] == [
        ("kill", "15"),
        ("kill", "9"),
    ]
    assert evs[2]["Actor"]["Attributes"]["exitCode"] == "137"


async def test_legacy_fields_on_old_api(make_sim: SimFactory, client_for: ClientFactory) -> None:
    sim = await make_sim(api_version="1.41")
    c = client_for(sim)
    t0 = _now_ns(sim)
    r = await c.post(
        "/v1.41/containers/create", params={"name": "ev1"}, json={"Image": "busybox", "Cmd": ["sh"]}
    )
    cid = r.json()["Id"]
    evs = await _events(c, "/v1.41", since=_since(t0), until=_since(_now_ns(sim)))
    assert len(evs) == 1
    ev = evs[0]
    assert list(ev) == [
        "status",
        "id",
        "from",
        "Type",
        "Action",
        "Actor",
        "scope",
        "time",
        "timeNano",
    ]
    assert ev["status"] == "create" and ev["id"] == cid and ev["from"] == "busybox"
    attrs = ev["Actor"]["Attributes"]
    assert attrs["image"] == "busybox" and attrs["name"] == "ev1"
    assert list(attrs) == sorted(attrs)  # Go marshals maps sorted
    assert ev["scope"] == "local" and ev["time"] == ev["timeNano"] // 1_000_000_000


async def test_filters_and_inclusive_since(client: httpx.AsyncClient, sim: SimEngine) -> None:
    st = sim.state
    t0 = _now_ns(sim)
    a = st.create_container("busybox", "fa", cmd=["sh"], labels={"team": "a"})
    b = st.create_container("busybox", "fb", cmd=["sh"], labels={"team": "b"})
    st.start_container(a.id)
    st.pause_container(a.id)
    st.unpause_container(a.id)
    st.rename_container(b.id, "fb2")
    st.create_volume("evvol")
    st.create_network("evnet")
    until = _since(_now_ns(sim))

    async def q(f: dict[str, list[str]]) -> list[dict[str, Any]]:
        return await _events(client, "/v1.52", since=_since(t0), until=until, filters=json.dumps(f))

    assert [e["Action"] for e in await q({"container": ["fa"], "type": ["container"]})] == [
        "create",
        "start",
        "pause",
        "unpause",
    ]
    assert {e["Actor"]["ID"] for e in await q({"label": ["team=b"]})} == {b.id}
    ren = await q({"event": ["rename"]})
    assert ren[0]["Actor"]["Attributes"]["name"] == "fb2"
    assert ren[0]["Actor"]["Attributes"]["oldName"] == "/fb"
    assert [e["Actor"]["ID"] for e in await q({"volume": ["evvol"]})] == ["evvol"]
    assert [e["Action"] for e in await q({"network": ["evnet"]})] == ["create"]
    # Like dockerd, `container` matches the actor only: network events about it do not pass.
    assert await q({"type": ["network"], "container": [a.id]}) == []
    conn = await q({"type": ["network"], "network": ["bridge"]})
    assert any(e["Actor"]["Attributes"].get("container") == a.id for e in conn)
    # since is inclusive: the event at exactly `since` comes back.
    pause = (await q({"event": ["pause"]}))[0]
    again = await _events(
        client, "/v1.52", since=_since(pause["timeNano"]), until=_since(pause["timeNano"])
    )
    assert [e["Action"] for e in again] == ["pause"]


async def test_replay_keeps_only_last_256(client: httpx.AsyncClient, sim: SimEngine) -> None:
    st = sim.state
    for i in range(150):
        st.create_volume(f"v{i}")  # volume create, each time
        st.remove_volume(f"v{i}")
    evs = await _events(client, "/v1.52", since="0", until=_since(_now_ns(sim)))
    assert len(evs) == 256
    assert evs[-1]["Actor"]["ID"] == "v149" and evs[-1]["Action"] == "destroy"


async def test_live_stream_receives_new_events(client: httpx.AsyncClient, sim: SimEngine) -> None:
    async with client.stream(
        "GET", "/v1.52/events", params={"filters": json.dumps({"type": ["volume"]})}
    ) as r:
        assert r.status_code == 200
        sim.state.create_volume("live1")
        lines = r.aiter_lines()
        ev = json.loads(await anext(lines))
        assert (ev["Action"], ev["Actor"]["ID"]) == ("create", "live1")
    # The server notices the hang-up and drops the subscription.
    for _ in range(100):
        if not sim.state.events.subscribers:
            break
        await asyncio.sleep(0.02)
    assert not sim.state.events.subscribers


async def test_frozen_clock_keeps_times_stable(
    make_sim: SimFactory, client_for: ClientFactory
) -> None:
    clock = FrozenClock(1_800_000_000)
    sim = await make_sim(clock=clock)
    c = client_for(sim)
    sim.state.create_volume("xx")
    sim.state.create_volume("yy")
    evs = await _events(c, "/v1.52", since="0", until="1800000001")
    assert [e["time"] for e in evs] == [1_800_000_000, 1_800_000_000]
    assert evs[1]["timeNano"] == evs[0]["timeNano"] + 1
