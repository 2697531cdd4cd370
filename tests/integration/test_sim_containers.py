"""Container endpoints: list and filters, create, inspect, lifecycle and its errors."""

from __future__ import annotations

import asyncio
import json

import httpx

from dockui.sim import SimEngine

P = "/v1.52"


async def _first(sim: SimEngine, status: str) -> str:
    return next(c.id for c in sim.state.containers.values() if c.status == status)


async def test_list_default_running_and_filters(client: httpx.AsyncClient, sim: SimEngine) -> None:
    running = (await client.get(f"{P}/containers/json")).json()
    assert {c["State"] for c in running} <= {"running", "paused"}
    every = (await client.get(f"{P}/containers/json", params={"all": "1"})).json()
    assert len(every) == 30
    assert [c["Created"] for c in every] == sorted((c["Created"] for c in every), reverse=True)
    exited = (
        await client.get(
            f"{P}/containers/json", params={"filters": json.dumps({"status": ["exited"]})}
        )
    ).json()
    assert exited and all(c["State"] == "exited" for c in exited)
    assert all(c["Status"].startswith("Exited (") for c in exited)
    proj = (
        await client.get(
            f"{P}/containers/json",
            params={
                "all": "1",
                "filters": json.dumps({"label": ["com.docker.compose.project=shop"]}),
            },
        )
    ).json()
    assert proj and all(c["Labels"]["com.docker.compose.project"] == "shop" for c in proj)
    one = every[0]
    by_name = (
        await client.get(
            f"{P}/containers/json",
            params={"all": "1", "filters": json.dumps({"name": [one["Names"][0][1:]]})},
        )
    ).json()
    assert one["Id"] in [c["Id"] for c in by_name]
    by_id = (
        await client.get(
            f"{P}/containers/json",
            params={"all": "1", "filters": json.dumps({"id": [one["Id"][:10]]})},
        )
    ).json()
    assert [c["Id"] for c in by_id] == [one["Id"]]
    anc = (
        await client.get(
            f"{P}/containers/json",
            params={"all": "1", "filters": json.dumps({"ancestor": [one["Image"]]})},
        )
    ).json()
    assert one["Id"] in [c["Id"] for c in anc]
    bad = await client.get(f"{P}/containers/json", params={"filters": json.dumps({"bogus": ["x"]})})
    assert bad.status_code == 400 and bad.json()["message"] == "Invalid filter 'bogus'"


async def test_create_inspect_and_errors(client: httpx.AsyncClient, sim: SimEngine) -> None:
    body = {
        "Image": "busybox",
        "Cmd": ["sleep", "3600"],
        "Env": ["A=1"],
        "Labels": {"dockui.test": "1"},
        "Tty": True,
        "ExposedPorts": {"80/tcp": {}},
        "HostConfig": {
            "PortBindings": {"80/tcp": [{"HostPort": "8080"}]},
            "Binds": ["testvol:/data"],
            "RestartPolicy": {"Name": "unless-stopped"},
            "Memory": 64 * 1024 * 1024,
            "NanoCpus": 500_000_000,
        },
    }
    r = await client.post(f"{P}/containers/create", params={"name": "t1"}, json=body)
    assert r.status_code == 201, r.text
    cid = r.json()["Id"]
    ins = (await client.get(f"{P}/containers/{cid}/json")).json()
    assert ins["Name"] == "/t1" and ins["State"]["Status"] == "created"
    assert ins["State"]["StartedAt"] == "0001-01-01T00:00:00Z"
    assert ins["Path"] == "sleep" and ins["Args"] == ["3600"]
    assert ins["Config"]["Tty"] is True and "A=1" in ins["Config"]["Env"]
    assert ins["HostConfig"]["Memory"] == 64 * 1024 * 1024
    assert ins["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"
    assert ins["Mounts"][0]["Name"] == "testvol" and "testvol" in sim.state.volumes
    assert (await client.post(f"{P}/containers/{cid}/start")).status_code == 204
    ins = (await client.get(f"{P}/containers/t1/json")).json()
    assert ins["State"]["Running"] and ins["State"]["Pid"] > 0
    net = ins["NetworkSettings"]["Networks"]["bridge"]
    assert net["IPAddress"].startswith("172.17.") and net["IPPrefixLen"] == 16
    assert net["Gateway"] == "172.17.0.1" and net["MacAddress"] and net["NetworkID"]
    assert ins["NetworkSettings"]["Ports"]["80/tcp"][0] == {"HostIp": "0.0.0.0", "HostPort": "8080"}
    assert "IPAddress" not in ins["NetworkSettings"]  # removed in 1.52

    dup = await client.post(f"{P}/containers/create", params={"name": "t1"}, json=body)
    assert dup.status_code == 409
    assert dup.json()["message"].startswith('Conflict. The container name "/t1" is already in use')
    bad = await client.post(f"{P}/containers/create", params={"name": "b@d"}, json=body)
    assert bad.status_code == 400 and "Invalid container name (b@d)" in bad.json()["message"]
    missing = await client.post(f"{P}/containers/create", json={"Image": "nope:1"})
    assert missing.status_code == 404 and missing.json()["message"] == "No such image: nope:1"
    nocmd = await client.post(
        f"{P}/containers/create", json={"Image": "acme/app-base:1", "Cmd": []}
    )
    assert nocmd.status_code == 201  # the image has a Cmd
    r = await client.post(f"{P}/containers/create", content=b"{not json")
    assert r.status_code == 400
    r = await client.get(f"{P}/containers/doesnotexist/json")
    assert r.status_code == 404 and r.json()["message"] == "No such container: doesnotexist"


async def test_lifecycle_status_codes(client: httpx.AsyncClient, sim: SimEngine) -> None:
    cid = await _first(sim, "running")
    assert (await client.post(f"{P}/containers/{cid}/start")).status_code == 304
    assert (await client.post(f"{P}/containers/{cid}/unpause")).json()["message"] == (
        f"Container {cid} is not paused"
    )
    assert (await client.post(f"{P}/containers/{cid}/unpause")).status_code == 500
    assert (await client.post(f"{P}/containers/{cid}/pause")).status_code == 204
    again = await client.post(f"{P}/containers/{cid}/pause")
    assert again.status_code == 409 and "is already paused" in again.json()["message"]
    rm = await client.delete(f"{P}/containers/{cid}")
    assert rm.status_code == 409 and "You cannot remove a paused container" in rm.json()["message"]
    assert (await client.post(f"{P}/containers/{cid}/unpause")).status_code == 204
    rm = await client.delete(f"{P}/containers/{cid}")
    assert rm.status_code == 409
    assert rm.json()["message"] == (
        f"You cannot remove a running container {cid}. Stop the container before attempting "
        "removal or force remove"
    )
    assert (await client.post(f"{P}/containers/{cid}/stop", params={"t": "1"})).status_code == 204
    assert (await client.post(f"{P}/containers/{cid}/stop")).status_code == 304
    k = await client.post(f"{P}/containers/{cid}/kill")
    assert k.status_code == 409 and "is not running" in k.json()["message"]
    p = await client.post(f"{P}/containers/{cid}/pause")
    assert p.status_code == 409 and p.json()["message"] == f"Container {cid} is not running"
    assert (await client.post(f"{P}/containers/{cid}/restart")).status_code == 204
    assert sim.state.containers[cid].status == "running"
    assert (
        await client.post(f"{P}/containers/{cid}/kill", params={"signal": "SIGKILL"})
    ).status_code == 204
    assert sim.state.containers[cid].exit_code == 137
    assert (
        await client.post(f"{P}/containers/{cid}/rename", params={"name": "renamed"})
    ).status_code == 204
    assert (await client.get(f"{P}/containers/renamed/json")).json()["Id"] == cid
    assert (await client.delete(f"{P}/containers/{cid}", params={"v": "1"})).status_code == 204
    assert (await client.get(f"{P}/containers/{cid}/json")).status_code == 404


async def test_force_remove_running(client: httpx.AsyncClient, sim: SimEngine) -> None:
    cid = await _first(sim, "running")
    assert (await client.delete(f"{P}/containers/{cid}", params={"force": "1"})).status_code == 204
    assert cid not in sim.state.containers


async def test_wait_top_changes(client: httpx.AsyncClient, sim: SimEngine) -> None:
    cid = await _first(sim, "running")
    top = (await client.get(f"{P}/containers/{cid}/top")).json()
    assert top["Titles"][:2] == ["UID", "PID"] and top["Processes"]
    changes = (await client.get(f"{P}/containers/{cid}/changes")).json()
    assert all(set(x) == {"Path", "Kind"} for x in changes)
    waiter = asyncio.create_task(client.post(f"{P}/containers/{cid}/wait"))
    await asyncio.sleep(0.1)
    assert not waiter.done()
    await client.post(f"{P}/containers/{cid}/kill", params={"signal": "9"})
    r = await asyncio.wait_for(waiter, 5)
    assert r.json() == {"Error": None, "StatusCode": 137}
    # Already stopped: answers at once.
    r = await client.post(f"{P}/containers/{cid}/wait")
    assert r.json()["StatusCode"] == 137
    t = await client.get(f"{P}/containers/{cid}/top")
    assert t.status_code == 409


async def test_prune_containers(client: httpx.AsyncClient, sim: SimEngine) -> None:
    stopped = {c.id for c in sim.state.containers.values() if c.status in ("exited", "created")}
    r = (await client.post(f"{P}/containers/prune")).json()
    assert set(r["ContainersDeleted"]) == stopped and r["SpaceReclaimed"] >= 0
    r = (await client.post(f"{P}/containers/prune")).json()
    assert r["ContainersDeleted"] is None


async def test_state_api_acts_as_another_client(client: httpx.AsyncClient, sim: SimEngine) -> None:
    c = sim.state.create_container("alpine:3.19", "other", cmd=["sleep", "9"], labels={"x": "y"})
    sim.state.start_container(c.id)
    listed = (
        await client.get(
            f"{P}/containers/json", params={"filters": json.dumps({"name": ["other"]})}
        )
    ).json()
    assert [x["Id"] for x in listed] == [c.id]
    assert listed[0]["Labels"] == {"x": "y"}
