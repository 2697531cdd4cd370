"""Scale and determinism, thread mode and the command line."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from dockui.sim import FrozenClock, SimConfig, SimEngine

SimFactory = Callable[..., Awaitable[SimEngine]]
ClientFactory = Callable[[SimEngine], httpx.AsyncClient]
ENDPOINTS = [
    "/v1.52/containers/json?all=1",
    "/v1.52/images/json",
    "/v1.52/networks",
    "/v1.52/volumes",
    "/v1.52/system/df",
    "/v1.52/info",
]


async def _snapshot(c: httpx.AsyncClient) -> list[str]:
    out = []
    for path in ENDPOINTS:
        text = (await c.get(path)).text
        out.append(
            text
            if "info" not in path
            else json.dumps(
                {k: v for k, v in json.loads(text).items() if k not in ("NEventsListener",)}
            )
        )
    return out


async def test_same_seed_same_json(make_sim: SimFactory, client_for: ClientFactory) -> None:
    a = await make_sim(containers=200, seed=7, clock=FrozenClock(1_790_000_000))
    b = await make_sim(containers=200, seed=7, clock=FrozenClock(1_790_000_000))
    other = await make_sim(containers=200, seed=8, clock=FrozenClock(1_790_000_000))
    sa, sb, so = [await _snapshot(client_for(x)) for x in (a, b, other)]
    assert sa == sb
    assert sa[0] != so[0]
    first = json.loads(sa[0])[0]
    assert first["Status"].startswith(("Up ", "Exited (", "Created"))


async def test_proportions_at_scale(make_sim: SimFactory) -> None:
    sim = await make_sim(containers=1000, seed=3)
    st = sim.state
    cs = list(st.containers.values())
    assert len(cs) == 1000
    running = sum(c.status == "running" for c in cs) / 1000
    assert 0.6 < running < 0.8
    assert sum(c.status == "paused" for c in cs) >= 2
    assert any(c.status == "exited" for c in cs)
    assert any(c.health == "healthy" for c in cs) and any(c.health == "unhealthy" for c in cs)
    projects = {c.labels.get("com.docker.compose.project") for c in cs} - {None}
    assert len(projects) > 20
    assert 90 <= len(st.images) <= 150
    assert 50 <= len(st.networks) <= 60
    assert len(st.volumes) == 200
    assert any(not i.repo_tags for i in st.images.values())
    assert any(not st.containers_using_volume(v) for v in st.volumes)
    assert len({c.name for c in cs}) == 1000


async def test_5000_containers_list_is_quick(
    make_sim: SimFactory, client_for: ClientFactory
) -> None:
    t = time.monotonic()
    sim = await make_sim(containers=5000, seed=1)
    c = client_for(sim)
    r = await c.get("/v1.52/containers/json", params={"all": "1"})
    assert len(r.json()) == 5000
    assert time.monotonic() - t < 15


def test_thread_mode() -> None:
    d = tempfile.mkdtemp(prefix="dsim-", dir="/tmp")
    path = os.path.join(d, "t.sock")
    engine = SimEngine(SimConfig(containers=10, stats_interval=0.05))
    engine.start_in_thread(path)
    try:
        with httpx.Client(transport=httpx.HTTPTransport(uds=path), base_url="http://docker") as c:
            assert c.get("/_ping").text == "OK"
            vol = engine.call(engine.state.create_volume, "fromthread")
            assert vol.name == "fromthread"
            names = {v["Name"] for v in c.get("/volumes").json()["Volumes"]}
            assert "fromthread" in names
    finally:
        engine.stop_in_thread()
    assert not os.path.exists(path)


async def test_command_line_runs_standalone() -> None:
    d = Path(tempfile.mkdtemp(prefix="dsim-", dir="/tmp"))
    sock = d / "cli.sock"
    proc = subprocess.Popen(  # noqa: ASYNC220 - a short-lived child, waited for below
        [
            sys.executable,
            "-m",
            "dockui.sim",
            "--socket",
            str(sock),
            "--containers",
            "20",
            "--api",
            "1.41",
            "--fault",
            "status:/info:503",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            if sock.exists():
                break
            await asyncio.sleep(0.05)
        async with httpx.AsyncClient(
            transport=httpx.AsyncHTTPTransport(uds=str(sock)), base_url="http://d"
        ) as c:
            assert (await c.get("/_ping")).headers["API-Version"] == "1.41"
            assert len((await c.get("/v1.41/containers/json", params={"all": "1"})).json()) == 20
            assert (await c.get("/v1.41/info")).status_code == 503
    finally:
        proc.terminate()
        proc.wait(10)
    assert proc.returncode == 0
    bad = subprocess.run(  # noqa: ASYNC221 - exits at once on the bad spec
        [sys.executable, "-m", "dockui.sim", "--socket", str(sock), "--fault", "nope"],
        capture_output=True,
    )
    assert bad.returncode == 2 and b"bad fault spec" in bad.stderr
