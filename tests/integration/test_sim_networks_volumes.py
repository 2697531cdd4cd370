"""Networks and volumes: create with IPAM, connect/disconnect, remove rules, prune by version."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import httpx

from dockui.sim import SimEngine

SimFactory = Callable[..., Awaitable[SimEngine]]
ClientFactory = Callable[[SimEngine], httpx.AsyncClient]
P = "/v1.52"


async def test_networks_lifecycle(client: httpx.AsyncClient, sim: SimEngine) -> None:
    nets = (await client.get(f"{P}/networks")).json()
    assert {"bridge", "host", "none"} <= {n["Name"] for n in nets}
    body = {
        "Name": "appnet",
        "Driver": "bridge",
        "Internal": True,
        "Labels": {"dockui.test": "1"},
        "IPAM": {
            "Config": [
                {"Subnet": "10.99.0.0/24", "Gateway": "10.99.0.1", "IPRange": "10.99.0.0/25"}
            ]
        },
    }
    r = await client.post(f"{P}/networks/create", json=body)
    assert r.status_code == 201
    nid = r.json()["Id"]
    dup = await client.post(f"{P}/networks/create", json=body)
    assert (
        dup.status_code == 409
        and dup.json()["message"] == "network with name appnet already exists"
    )
    c = next(
        c
        for c in sim.state.containers.values()
        if c.status == "running" and "bridge" in c.endpoints
    )
    r = await client.post(
        f"{P}/networks/appnet/connect",
        json={"Container": c.id, "EndpointConfig": {"IPAMConfig": {"IPv4Address": "10.99.0.50"}}},
    )
    assert r.status_code == 200
    ins = (await client.get(f"{P}/networks/{nid}")).json()
    assert ins["Internal"] is True and ins["IPAM"]["Config"][0]["Subnet"] == "10.99.0.0/24"
    assert ins["Containers"][c.id]["IPv4Address"] == "10.99.0.50/24"
    cins = (await client.get(f"{P}/containers/{c.id}/json")).json()
    assert cins["NetworkSettings"]["Networks"]["appnet"]["IPAddress"] == "10.99.0.50"
    rm = await client.delete(f"{P}/networks/appnet")
    assert rm.status_code == 403
    assert (
        rm.json()["message"]
        == f"error while removing network: network appnet id {nid} has active endpoints"
    )
    assert (await client.delete(f"{P}/networks/bridge")).status_code == 403
    r = await client.post(f"{P}/networks/appnet/disconnect", json={"Container": c.id})
    assert r.status_code == 200
    assert (await client.get(f"{P}/networks/{nid}")).json()["Containers"] == {}
    assert (await client.delete(f"{P}/networks/appnet")).status_code == 204
    assert (await client.get(f"{P}/networks/appnet")).status_code == 404
    lab = (
        await client.get(f"{P}/networks", params={"filters": json.dumps({"name": ["shop"]})})
    ).json()
    assert lab and all("shop" in n["Name"] for n in lab)


async def test_network_prune(client: httpx.AsyncClient, sim: SimEngine) -> None:
    await client.post(f"{P}/networks/create", json={"Name": "lonely"})
    r = (await client.post(f"{P}/networks/prune")).json()
    assert "lonely" in r["NetworksDeleted"]
    assert not {"bridge", "host", "none"} & set(r["NetworksDeleted"])


async def test_volumes_lifecycle(client: httpx.AsyncClient, sim: SimEngine) -> None:
    r = await client.post(
        f"{P}/volumes/create",
        json={"Name": "myvol", "Driver": "local", "Labels": {"a": "b"}, "DriverOpts": {}},
    )
    assert r.status_code == 201 and r.json()["Name"] == "myvol" and r.json()["Labels"] == {"a": "b"}
    lst = (await client.get(f"{P}/volumes")).json()
    assert set(lst) == {"Volumes", "Warnings"} and lst["Warnings"] is None
    assert "myvol" in {v["Name"] for v in lst["Volumes"]}
    ins = (await client.get(f"{P}/volumes/myvol")).json()
    assert ins["Mountpoint"] == "/var/lib/docker/volumes/myvol/_data" and ins["Scope"] == "local"
    c = sim.state.create_container(
        "busybox", "volu", cmd=["sh"], host_config={"Binds": ["myvol:/d"]}
    )
    rm = await client.delete(f"{P}/volumes/myvol")
    assert (
        rm.status_code == 409
        and rm.json()["message"] == f"remove myvol: volume is in use - [{c.id}]"
    )
    dang = (
        await client.get(f"{P}/volumes", params={"filters": json.dumps({"dangling": ["true"]})})
    ).json()
    assert "myvol" not in {v["Name"] for v in dang["Volumes"]}
    sim.state.remove_container(c.id)
    assert (await client.delete(f"{P}/volumes/myvol")).status_code == 204
    assert (await client.get(f"{P}/volumes/myvol")).status_code == 404


async def test_volume_prune_depends_on_api_version(
    make_sim: SimFactory, client_for: ClientFactory
) -> None:
    for api, named_go in (("1.41", True), ("1.52", False)):
        sim = await make_sim(api_version=api)
        c = client_for(sim)
        sim.state.create_volume("named-unused")
        anon = sim.state.create_volume()
        r = (await c.post(f"/v{api}/volumes/prune")).json()
        assert anon.name in r["VolumesDeleted"]
        assert ("named-unused" in r["VolumesDeleted"]) is named_go
        if api == "1.52":
            r = (
                await c.post(
                    "/v1.52/volumes/prune", params={"filters": json.dumps({"all": ["true"]})}
                )
            ).json()
            assert "named-unused" in r["VolumesDeleted"]
