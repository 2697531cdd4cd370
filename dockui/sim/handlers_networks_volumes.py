"""Network and volume routes."""

from __future__ import annotations

from .api_common import Call, json_response, no_content
from .clock import parse_timestamp
from .errors import SimError
from .filters import labels_match, parse_filters, truthy
from .objects import Network, Volume
from .server import AnyResponse
from .shapes import network_json, volume_json

NETWORK_FILTERS = ("driver", "id", "label", "name", "scope", "type", "dangling")


def _network_matches(call: Call, net: Network, f: dict[str, list[str]]) -> bool:
    if "driver" in f and net.driver not in f["driver"]:
        return False
    if "id" in f and not any(net.id.startswith(v) for v in f["id"]):
        return False
    if "name" in f and not any(v in net.name for v in f["name"]):
        return False
    if "label" in f and not labels_match(net.labels, f["label"]):
        return False
    if "scope" in f and net.scope not in f["scope"]:
        return False
    if "type" in f:
        kind = "builtin" if net.predefined else "custom"
        if kind not in f["type"]:
            return False
    if "dangling" in f:
        used = net.predefined or any(
            net.name in c.endpoints for c in call.state.containers.values()
        )
        if truthy(f["dangling"][0]) == used:
            return False
    return True


async def list_networks(call: Call) -> AnyResponse:
    f = parse_filters(call.req.q("filters"), NETWORK_FILTERS)
    nets = sorted(call.state.networks.values(), key=lambda n: n.name)
    return json_response(
        [
            network_json(call.state, n, call.api, with_containers=False)
            for n in nets
            if _network_matches(call, n, f)
        ]
    )


async def inspect_network(call: Call) -> AnyResponse:
    net = call.state.find_network(call.params["id"])
    return json_response(network_json(call.state, net, call.api, with_containers=True))


async def create_network(call: Call) -> AnyResponse:
    body = call.json_body()
    net = call.state.create_network(
        body.get("Name") or "",
        body.get("Driver") or "bridge",
        internal=bool(body.get("Internal")),
        attachable=bool(body.get("Attachable")),
        labels=body.get("Labels") or {},
        ipam=body.get("IPAM") or {},
        options=body.get("Options") or {},
        enable_ipv6=bool(body.get("EnableIPv6")),
    )
    return json_response({"Id": net.id, "Warning": ""}, 201)


async def remove_network(call: Call) -> AnyResponse:
    call.state.remove_network(call.params["id"])
    return no_content()


async def connect(call: Call) -> AnyResponse:
    body = call.json_body()
    if not body.get("Container"):
        raise SimError(400, "container is required")  # dockerd: empty container name
    call.state.connect_network(call.params["id"], body["Container"], body.get("EndpointConfig"))
    return no_content(200)


async def disconnect(call: Call) -> AnyResponse:
    body = call.json_body()
    if not body.get("Container"):
        raise SimError(400, "container is required")
    call.state.disconnect_network(call.params["id"], body["Container"], bool(body.get("Force")))
    return no_content(200)


async def prune_networks(call: Call) -> AnyResponse:
    st = call.state
    f = parse_filters(call.req.q("filters"), ("until", "label", "label!"))
    now = st.now()
    keep = [
        n
        for n in st.networks.values()
        if ("label" in f and not labels_match(n.labels, f["label"]))
        or ("label!" in f and labels_match(n.labels, f["label!"]))
        or ("until" in f and n.created >= parse_timestamp(f["until"][0], now))
    ]
    gone = st.prune_networks(keep)
    return json_response({"NetworksDeleted": gone or None})


VOLUME_FILTERS = ("dangling", "driver", "label", "name")


def _volume_matches(call: Call, vol: Volume, f: dict[str, list[str]]) -> bool:
    if "dangling" in f:
        used = bool(call.state.containers_using_volume(vol.name))
        if truthy(f["dangling"][0]) == used:
            return False
    if "driver" in f and vol.driver not in f["driver"]:
        return False
    if "label" in f and not labels_match(vol.labels, f["label"]):
        return False
    return "name" not in f or any(v in vol.name for v in f["name"])


async def list_volumes(call: Call) -> AnyResponse:
    f = parse_filters(call.req.q("filters"), VOLUME_FILTERS)
    vols = sorted(call.state.volumes.values(), key=lambda v: v.name)
    return json_response(
        {
            "Volumes": [volume_json(call.state, v) for v in vols if _volume_matches(call, v, f)],
            "Warnings": None,
        }
    )


async def create_volume(call: Call) -> AnyResponse:
    body = call.json_body()
    vol = call.state.create_volume(
        body.get("Name") or None,
        body.get("Driver") or "local",
        body.get("Labels") or {},
        body.get("DriverOpts") or None,
    )
    return json_response(volume_json(call.state, vol), 201)


async def inspect_volume(call: Call) -> AnyResponse:
    return json_response(volume_json(call.state, call.state.find_volume(call.params["name"])))


async def remove_volume(call: Call) -> AnyResponse:
    call.state.remove_volume(call.params["name"], force=call.req.q_bool("force"))
    return no_content()


async def prune_volumes(call: Call) -> AnyResponse:
    st = call.state
    allowed = ["label", "label!"] + (["all"] if call.api >= (1, 42) else [])
    f = parse_filters(call.req.q("filters"), allowed)
    # Below 1.42 prune removed named volumes too; from 1.42 only anonymous ones
    # unless all=true (measured on 20.10, changelog for 1.42).
    include_named = call.api < (1, 42) or truthy((f.get("all") or ["false"])[0])
    keep = [
        v
        for v in st.volumes.values()
        if ("label" in f and not labels_match(v.labels, f["label"]))
        or ("label!" in f and labels_match(v.labels, f["label!"]))
    ]
    gone, space = st.prune_volumes(include_named, keep)
    return json_response({"VolumesDeleted": gone or None, "SpaceReclaimed": space})


ID = r"(?P<id>[^/]+)"
VNAME = r"(?P<name>[^/]+)"
ROUTES = [
    ("GET", r"/networks", list_networks),
    ("POST", r"/networks/create", create_network),
    ("POST", r"/networks/prune", prune_networks),
    ("GET", rf"/networks/{ID}", inspect_network),
    ("DELETE", rf"/networks/{ID}", remove_network),
    ("POST", rf"/networks/{ID}/connect", connect),
    ("POST", rf"/networks/{ID}/disconnect", disconnect),
    ("GET", r"/volumes", list_volumes),
    ("POST", r"/volumes/create", create_volume),
    ("POST", r"/volumes/prune", prune_volumes),
    ("GET", rf"/volumes/{VNAME}", inspect_volume),
    ("DELETE", rf"/volumes/{VNAME}", remove_volume),
]
