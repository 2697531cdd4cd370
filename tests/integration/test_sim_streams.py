"""Stats and logs streams: dockerd's sample shapes, precpu rules, framing and follow."""

from __future__ import annotations

import json
import struct
from collections.abc import Awaitable, Callable

import httpx

from dockui.sim import SimEngine

SimFactory = Callable[..., Awaitable[SimEngine]]
ClientFactory = Callable[[SimEngine], httpx.AsyncClient]
P = "/v1.52"


def demux(data: bytes) -> list[tuple[int, bytes]]:
    out = []
    while data:
        stream, size = struct.unpack(">BxxxL", data[:8])
        out.append((stream, data[8 : 8 + size]))
        data = data[8 + size :]
    return out


def cpu_percent(s: dict) -> float:
    cur, pre = s["cpu_stats"], s["precpu_stats"]
    cpu_d = cur["cpu_usage"]["total_usage"] - pre["cpu_usage"]["total_usage"]
    sys_d = cur.get("system_cpu_usage", 0) - pre.get("system_cpu_usage", 0)
    n = cur.get("online_cpus") or len(cur["cpu_usage"].get("percpu_usage") or ())
    return cpu_d / sys_d * n * 100.0 if sys_d > 0 and cpu_d > 0 else 0.0


async def test_stats_stream_first_sample_zero_precpu(
    client: httpx.AsyncClient, sim: SimEngine
) -> None:
    c = next(c for c in sim.state.containers.values() if c.status == "running")
    samples = []
    async with client.stream("GET", f"{P}/containers/{c.id}/stats", params={"stream": "true"}) as r:
        async for line in r.aiter_lines():
            samples.append(json.loads(line))
            if len(samples) == 3:
                break
    first, second, third = samples
    assert first["precpu_stats"] == {
        "cpu_usage": {"total_usage": 0, "usage_in_kernelmode": 0, "usage_in_usermode": 0},
        "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0},
    }
    assert first["preread"] == "0001-01-01T00:00:00Z"
    assert (
        second["precpu_stats"]["cpu_usage"]["total_usage"]
        == first["cpu_stats"]["cpu_usage"]["total_usage"]
    )
    assert third["cpu_stats"]["system_cpu_usage"] > second["cpu_stats"]["system_cpu_usage"]
    for key in (
        "read",
        "preread",
        "pids_stats",
        "blkio_stats",
        "num_procs",
        "storage_stats",
        "cpu_stats",
        "precpu_stats",
        "memory_stats",
        "name",
        "id",
        "networks",
    ):
        assert key in second, key
    assert second["name"] == "/" + c.name and second["id"] == c.id
    cu = second["cpu_stats"]["cpu_usage"]
    assert set(cu) == {"total_usage", "percpu_usage", "usage_in_kernelmode", "usage_in_usermode"}
    assert second["cpu_stats"]["online_cpus"] == 4 and len(cu["percpu_usage"]) == 4
    assert "total_inactive_file" in second["memory_stats"]["stats"]
    assert second["memory_stats"]["limit"] > 0
    assert set(second["networks"]["eth0"]) >= {"rx_bytes", "tx_bytes", "rx_packets", "tx_packets"}
    assert second["os_type"] == "linux"  # 1.52 field


async def test_stats_stream_false_and_one_shot(client: httpx.AsyncClient, sim: SimEngine) -> None:
    c = next(c for c in sim.state.containers.values() if c.status == "running")
    s = (await client.get(f"{P}/containers/{c.id}/stats", params={"stream": "false"})).json()
    assert (
        s["precpu_stats"]["cpu_usage"]["total_usage"] > 0
        and "system_cpu_usage" in s["precpu_stats"]
    )
    o = (
        await client.get(
            f"{P}/containers/{c.id}/stats", params={"stream": "false", "one-shot": "true"}
        )
    ).json()
    assert o["precpu_stats"]["cpu_usage"]["total_usage"] == 0
    stopped = next(c for c in sim.state.containers.values() if c.status == "exited")
    z = (await client.get(f"{P}/containers/{stopped.id}/stats", params={"stream": "false"})).json()
    assert z["read"] == "0001-01-01T00:00:00Z" and z["memory_stats"] == {}


async def test_burner_and_memory_hog(client: httpx.AsyncClient, sim: SimEngine) -> None:
    burner = max(
        sim.state.containers.values(),
        key=lambda c: c.stats.cpu_mean if c.status == "running" else 0,
    )
    hog = next(c for c in sim.state.containers.values() if c.stats.near_limit)
    got = []
    async with client.stream("GET", f"{P}/containers/{burner.id}/stats") as r:
        async for line in r.aiter_lines():
            got.append(json.loads(line))
            if len(got) == 4:
                break
    assert max(cpu_percent(s) for s in got[1:]) > 50
    s = (await client.get(f"{P}/containers/{hog.id}/stats", params={"stream": "false"})).json()
    m = s["memory_stats"]
    used = m["usage"] - m["stats"]["total_inactive_file"]
    assert m["limit"] == 256 * 1024 * 1024 and used / m["limit"] > 0.9


async def test_logs_multiplexed_tail_timestamps(client: httpx.AsyncClient, sim: SimEngine) -> None:
    c = next(
        c
        for c in sim.state.containers.values()
        if c.status == "running" and not c.tty and c.log_seed % 10
    )
    r = await client.get(
        f"{P}/containers/{c.id}/logs", params={"stdout": "1", "stderr": "1", "tail": "20"}
    )
    assert r.headers["content-type"] == "application/vnd.docker.multiplexed-stream"
    frames = demux(r.content)
    assert len(frames) == 20
    assert {s for s, _ in frames} <= {1, 2} and all(p.endswith(b"\n") for _, p in frames)
    only_err = demux(
        (
            await client.get(
                f"{P}/containers/{c.id}/logs", params={"stderr": "1", "timestamps": "1"}
            )
        ).content
    )
    assert only_err and all(s == 2 for s, _ in only_err)
    assert all(p[:4].isdigit() and p[29:31] == b"Z " for _, p in only_err)
    bad = await client.get(f"{P}/containers/{c.id}/logs")
    assert bad.status_code == 400 and "at least one stream" in bad.json()["message"]
    all_lines = demux(
        (
            await client.get(f"{P}/containers/{c.id}/logs", params={"stdout": "1", "stderr": "1"})
        ).content
    )
    assert len(all_lines) == 120
    # Deterministic history: the same request gives the same bytes.
    again = (
        await client.get(f"{P}/containers/{c.id}/logs", params={"stdout": "1", "stderr": "1"})
    ).content
    assert demux(again) == all_lines


async def test_logs_tty_raw_and_old_api_no_content_type(
    make_sim: SimFactory, client_for: ClientFactory
) -> None:
    sim = await make_sim(api_version="1.41")
    cl = client_for(sim)
    r = await cl.post(
        "/v1.41/containers/create",
        params={"name": "tt"},
        json={"Image": "busybox", "Cmd": ["sh"], "Tty": True},
    )
    cid = r.json()["Id"]
    await cl.post(f"/v1.41/containers/{cid}/start")
    r = await cl.get(
        f"/v1.41/containers/{cid}/logs", params={"stdout": "1", "stderr": "1", "tail": "3"}
    )
    assert "content-type" not in r.headers
    assert r.content.count(b"\r\n") == 3 and r.content[0] != 1


async def test_logs_follow_and_long_line_fragments(
    client: httpx.AsyncClient, sim: SimEngine
) -> None:
    c = sim.state.create_container("busybox", "follow", cmd=["sh"])
    sim.state.start_container(c.id)
    got = b""
    async with client.stream(
        "GET",
        f"{P}/containers/{c.id}/logs",
        params={"stdout": "1", "stderr": "1", "follow": "1", "tail": "0"},
    ) as r:
        async for chunk in r.aiter_bytes():
            got += chunk
            if len(demux(got)) >= 2:
                break
    assert len(demux(got)) >= 2
    sim.logs.append(c, 1, "y" * 40_000)
    data = (
        await client.get(f"{P}/containers/{c.id}/logs", params={"stdout": "1", "tail": "3"})
    ).content
    frames = demux(data)
    assert [len(p) for _, p in frames] == [16384, 16384, 40_000 - 2 * 16384 + 1]
    # Follow ends when the container stops.
    async with client.stream(
        "GET", f"{P}/containers/{c.id}/logs", params={"stdout": "1", "follow": "1", "tail": "0"}
    ) as r:
        sim.state.stop_container(c.id)
        rest = b"".join([chunk async for chunk in r.aiter_bytes()])
    assert isinstance(rest, bytes)
