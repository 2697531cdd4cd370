"""System endpoints and version posing of the simulated engine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from dockui.sim import SimEngine

SimFactory = Callable[..., Awaitable[SimEngine]]
ClientFactory = Callable[[SimEngine], httpx.AsyncClient]


async def test_ping_headers_on_old_and_new_engine(
    make_sim: SimFactory, client_for: ClientFactory
) -> None:
    old = await make_sim(api_version="1.41")
    new = await make_sim(api_version="1.52")
    c = client_for(old)
    r = await c.get("/_ping")
    assert r.status_code == 200 and r.text == "OK"
    assert r.headers["API-Version"] == "1.41"
    assert r.headers["OSType"] == "linux"
    assert r.headers["Docker-Experimental"] == "false"
    assert r.headers["Server"] == "Docker/20.10.24+dfsg1 (linux)"
    assert "Swarm" not in r.headers
    h = await c.head("/_ping")
    assert h.status_code == 200 and h.content == b"" and h.headers["API-Version"] == "1.41"
    c = client_for(new)
    r = await c.get("/_ping")
    assert r.headers["API-Version"] == "1.52"
    assert r.headers["Swarm"] == "inactive"


async def test_version_and_info(client: httpx.AsyncClient, sim: SimEngine) -> None:
    v = (await client.get("/v1.52/version")).json()
    assert v["ApiVersion"] == "1.52" and v["MinAPIVersion"] == "1.44"
    assert v["Components"][0]["Name"] == "Engine"
    info = (await client.get("/v1.52/info")).json()
    st = sim.state
    assert info["Containers"] == len(st.containers) == 30
    running = sum(1 for c in st.containers.values() if c.status == "running")
    paused = sum(1 for c in st.containers.values() if c.status == "paused")
    assert info["ContainersRunning"] == running and info["ContainersPaused"] == paused == 2
    assert info["ContainersStopped"] == 30 - running - paused
    assert info["Images"] == len(st.images)
    assert info["Swarm"]["LocalNodeState"] == "inactive"
    for key in ("NCPU", "MemTotal", "ServerVersion", "Name", "OperatingSystem", "KernelVersion"):
        assert info[key]


async def test_new_engine_refuses_old_client_in_plain_text(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1.41/containers/json")
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text.strip() == (
        "client version 1.41 is too old. Minimum supported API version is 1.44, "
        "please upgrade your client to a newer version"
    )


async def test_too_new_client_gets_json_error(
    make_sim: SimFactory, client_for: ClientFactory
) -> None:
    old = await make_sim(api_version="1.41")
    c = client_for(old)
    r = await c.get("/v1.99/version")
    assert r.status_code == 400
    assert r.json() == {
        "message": "client version 1.99 is too new. Maximum supported API version is 1.41"
    }
    # The old engine still accepts old clients and unprefixed paths.
    assert (await c.get("/v1.24/version")).status_code == 200
    assert (await c.get("/version")).json()["ApiVersion"] == "1.41"


async def test_unknown_route_is_404_page_not_found(client: httpx.AsyncClient) -> None:
    r = await client.get("/v1.52/nope/what")
    assert r.status_code == 404 and r.json() == {"message": "page not found"}


async def test_system_df_shapes(make_sim: SimFactory, client_for: ClientFactory) -> None:
    old = await make_sim(api_version="1.41")
    c = client_for(old)
    df = (await c.get("/v1.41/system/df")).json()
    assert set(df) >= {"LayersSize", "Images", "Containers", "Volumes", "BuildCache", "BuilderSize"}
    assert all(
        "UsageData" in v and set(v["UsageData"]) == {"Size", "RefCount"} for v in df["Volumes"]
    )
    assert all("SizeRw" in c and "SizeRootFs" in c for c in df["Containers"])
    new = await make_sim(api_version="1.52")
    c = client_for(new)
    df = (await c.get("/v1.52/system/df", params={"type": "volume"})).json()
    assert "BuilderSize" not in df and df["Images"] is None and df["Volumes"]
    assert set(df["VolumesUsage"]) == {"ActiveCount", "TotalCount", "Reclaimable", "TotalSize"}
