"""Network endpoints on the real engine: IPAM, fixed-address connect, disconnect, removal."""

from __future__ import annotations

import pytest
from e2e_support import LABEL_FILTER, unique_name

from dockui.engine import Conflict, DockerClient, Forbidden, NotFound

# An unusual private range so it does not collide with docker0 or the host's networks.
SUBNET, GATEWAY, FIXED_IP = "10.214.7.0/24", "10.214.7.1", "10.214.7.23"


async def test_ipam_connect_fixed_ip_disconnect_remove(
    engine_client: DockerClient, make_network, make_container
) -> None:
    name = unique_name("net")
    nid = await make_network(name, subnet=SUBNET, gateway=GATEWAY, labels={"purpose": "e2e"})
    net = await engine_client.inspect_network(nid)
    assert net.name == name and net.driver == "bridge"
    assert net.subnets == (SUBNET,)
    assert net.ipam[0].gateway == GATEWAY
    assert net.labels == {"dockui.test": "1", "purpose": "e2e"}
    assert nid in {n.id for n in await engine_client.networks(filters=LABEL_FILTER)}

    cid = await make_container()
    await engine_client.connect_network(nid, cid, ipv4=FIXED_IP, aliases=["svc"])
    settings = (await engine_client.inspect_container(cid))["NetworkSettings"]["Networks"][name]
    assert settings["IPAddress"] == FIXED_IP
    assert settings["Gateway"] == GATEWAY
    assert "svc" in settings["Aliases"]
    assert cid in (await engine_client.inspect_network(nid)).containers

    with pytest.raises(Forbidden) as busy:
        await engine_client.remove_network(nid)
    assert busy.value.status == 403
    assert "active endpoints" in busy.value.message

    await engine_client.disconnect_network(nid, cid)
    networks = (await engine_client.inspect_container(cid))["NetworkSettings"]["Networks"]
    assert name not in networks
    assert (await engine_client.inspect_network(nid)).containers == {}

    await engine_client.remove_network(nid)
    with pytest.raises(NotFound):
        await engine_client.inspect_network(nid)


async def test_duplicate_network_name_conflicts(engine_client: DockerClient, make_network) -> None:
    name = unique_name("dupnet")
    await make_network(name)
    with pytest.raises(Conflict) as exc:
        await make_network(name)
    assert "already exists" in exc.value.message
