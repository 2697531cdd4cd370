"""Engine models: tolerant of null, missing and odd fields across API 1.41 to 1.52+."""

from __future__ import annotations

from typing import Any

import pytest

from dockui.engine.models import (
    COMPOSE_PROJECT,
    COMPOSE_SERVICE,
    ContainerSummary,
    DiskUsage,
    Event,
    ImageSummary,
    NetworkSummary,
    Port,
    ProgressEvent,
    PruneResult,
    VolumeSummary,
)

CID = "4f1c" + "0" * 60

# A /containers/json row as dockerd 20.10 sends it (abridged only in values).
CONTAINER_ROW: dict[str, Any] = {
    "Id": CID,
    "Names": ["/shop-web-1"],
    "Image": "nginx:1.25",
    "ImageID": "sha256:" + "a" * 64,
    "Command": "/docker-entrypoint.sh nginx -g 'daemon off;'",
    "Created": 1_764_180_000,
    "Ports": [
        {"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
        {"IP": "::", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
        {"PrivatePort": 443, "Type": "tcp"},
    ],
    "Labels": {COMPOSE_PROJECT: "shop", COMPOSE_SERVICE: "web", "dockui.test": "1"},
    "State": "running",
    "Status": "Up 5 minutes (healthy)",
    "HostConfig": {"NetworkMode": "shop_default"},
    "NetworkSettings": {"Networks": {"shop_default": {"IPAddress": "172.18.0.2"}}},
    "Mounts": [],
}

# Every model, with the JSON keys it reads: used to feed it nulls and odd types.
MODELS: list[tuple[Any, list[str]]] = [
    (
        ContainerSummary,
        [
            "Id",
            "Names",
            "Image",
            "ImageID",
            "Command",
            "Created",
            "Ports",
            "Labels",
            "State",
            "Status",
            "NetworkSettings",
        ],
    ),
    (
        ImageSummary,
        [
            "Id",
            "RepoTags",
            "RepoDigests",
            "ParentId",
            "Created",
            "Size",
            "VirtualSize",
            "SharedSize",
            "Containers",
            "Labels",
        ],
    ),
    (
        NetworkSummary,
        [
            "Id",
            "Name",
            "Driver",
            "Scope",
            "Internal",
            "Attachable",
            "Created",
            "IPAM",
            "Containers",
            "Labels",
        ],
    ),
    (
        VolumeSummary,
        ["Name", "Driver", "Mountpoint", "Scope", "CreatedAt", "Labels", "Options", "UsageData"],
    ),
    (Event, ["Type", "Action", "status", "id", "Actor", "scope", "time", "timeNano"]),
    (ProgressEvent, ["id", "status", "progressDetail", "errorDetail", "error", "stream", "aux"]),
]

ODD_VALUES = [None, "", "text", 0, -1, 3.5, True, [], ["x", None], {}, {"k": None}]


@pytest.mark.parametrize(("model", "keys"), MODELS, ids=lambda m: getattr(m, "__name__", ""))
@pytest.mark.parametrize("odd", ODD_VALUES, ids=repr)
def test_every_model_survives_odd_values(model: Any, keys: list[str], odd: Any) -> None:
    assert model.from_api({})
    obj = model.from_api(dict.fromkeys(keys, odd))
    # Nothing is None where a str/int/tuple/dict is promised.
    for name in obj.__dataclass_fields__:
        assert getattr(obj, name) is not None or name == "raw"


def test_disk_usage_and_prune_survive_odd_values() -> None:
    for odd in ODD_VALUES:
        keys = ["LayersSize", "Images", "Containers", "Volumes", "BuildCache", "ImagesUsage"]
        du = DiskUsage.from_api(dict.fromkeys(keys, odd))
        assert isinstance(du.layers_size, int)
        assert isinstance(du.volume_sizes(), dict)
        pr = PruneResult.from_api({"ImagesDeleted": odd, "SpaceReclaimed": odd}, "ImagesDeleted")
        assert isinstance(pr.space_reclaimed, int)


# ------------------------------------------------------------------ containers


def test_container_row() -> None:
    c = ContainerSummary.from_api(CONTAINER_ROW)
    assert (c.name, c.short_id, c.image, c.state) == (
        "shop-web-1",
        CID[:12],
        "nginx:1.25",
        "running",
    )
    assert c.running and not c.paused
    assert c.networks == ("shop_default",)
    assert (c.compose_project, c.compose_service) == ("shop", "web")
    assert c.raw is CONTAINER_ROW


def test_container_without_names_uses_short_id() -> None:
    c = ContainerSummary.from_api({"Id": CID, "Names": None, "Labels": None, "Ports": None})
    assert c.name == CID[:12]
    assert (c.compose_project, c.compose_service) == ("", "")
    assert c.labels == {} and c.ports == ()


@pytest.mark.parametrize(
    ("status", "health"),
    [
        ("Up 5 minutes (healthy)", "healthy"),
        ("Up 2 hours (unhealthy)", "unhealthy"),
        ("Up 1 second (health: starting)", "starting"),
        ("Up 3 days", ""),
        ("Exited (0) 3 minutes ago", ""),
        ("Up 1 minute (Paused)", ""),
        ("", ""),
    ],
)
def test_health_from_status(status: str, health: str) -> None:
    assert ContainerSummary.from_api({"Status": status}).health == health


def test_state_is_lower_case() -> None:
    c = ContainerSummary.from_api({"State": "Paused"})  # podman capitalises
    assert c.state == "paused" and c.paused


def test_ports_deduplicate_ipv4_ipv6_and_format() -> None:
    c = ContainerSummary.from_api(CONTAINER_ROW)
    assert [str(p) for p in c.ports] == ["8080->80/tcp", "443/tcp"]


@pytest.mark.parametrize(
    ("port", "text"),
    [
        (Port(80, 8080, "tcp", "0.0.0.0"), "8080->80/tcp"),
        (Port(80, 8080, "tcp", "::"), "8080->80/tcp"),
        (Port(80, 8080, "tcp", ""), "8080->80/tcp"),
        (Port(53, 5353, "udp", "127.0.0.1"), "127.0.0.1:5353->53/udp"),
        (Port(80, 8080, "tcp", "::1"), "[::1]:8080->80/tcp"),
        (Port(443, 0, "tcp", ""), "443/tcp"),
    ],
)
def test_port_format(port: Port, text: str) -> None:
    assert str(port) == text


def test_ports_keep_distinct_protocols_and_default_type() -> None:
    c = ContainerSummary.from_api(
        {
            "Ports": [
                {"PrivatePort": 53, "PublicPort": 53, "Type": "udp", "IP": "0.0.0.0"},
                {"PrivatePort": 53, "PublicPort": 53, "Type": "tcp", "IP": "0.0.0.0"},
                {"PrivatePort": 9000},
            ]
        }
    )
    assert [str(p) for p in c.ports] == ["53->53/udp", "53->53/tcp", "9000/tcp"]


# ------------------------------------------------------------------ images


def test_image_tagged() -> None:
    img = ImageSummary.from_api(
        {
            "Id": "sha256:" + "b" * 64,
            "RepoTags": ["dockui-test/busybox:latest", "bb:1"],
            "RepoDigests": None,
            "Size": 1_982_256,
            "VirtualSize": 1_982_256,
            "SharedSize": -1,
            "Containers": -1,
            "Labels": None,
        }
    )
    assert (img.short_id, img.ref, img.size) == ("b" * 12, "dockui-test/busybox:latest", 1_982_256)
    assert not img.dangling
    assert img.containers == -1 and img.shared_size == -1 and img.labels == {}


def test_image_dangling_placeholders_pre_1_43() -> None:
    img = ImageSummary.from_api(
        {
            "Id": "sha256:" + "c" * 64,
            "RepoTags": ["<none>:<none>"],
            "RepoDigests": ["<none>@<none>"],
        }
    )
    assert img.dangling
    assert img.repo_tags == () and img.repo_digests == ()
    assert img.ref == "<none>:<none>"


def test_image_untagged_but_digested_ref() -> None:
    img = ImageSummary.from_api({"RepoTags": [], "RepoDigests": ["nginx@sha256:" + "d" * 64]})
    assert img.dangling
    assert img.ref == "nginx:<none>"


def test_image_size_falls_back_to_virtual_size_and_counts_containers() -> None:
    assert ImageSummary.from_api({"VirtualSize": 42}).size == 42  # very old engines
    assert ImageSummary.from_api({"Size": 7, "VirtualSize": 42}).size == 7
    assert ImageSummary.from_api({}).containers == -1
    assert ImageSummary.from_api({"Containers": 3}).containers == 3  # 1.51+ always fills it


# ------------------------------------------------------------------ networks and volumes


def test_network() -> None:
    net = NetworkSummary.from_api(
        {
            "Name": "shop_default",
            "Id": "e" * 64,
            "Driver": "bridge",
            "Scope": "local",
            "IPAM": {
                "Driver": "default",
                "Config": [{"Subnet": "172.18.0.0/16", "Gateway": "172.18.0.1"}, {}],
            },
            "Containers": {CID: {"Name": "shop-web-1", "IPv4Address": "172.18.0.2/16"}},
            "Labels": {COMPOSE_PROJECT: "shop"},
            "Internal": False,
            "Attachable": True,
        }
    )
    assert net.short_id == "e" * 12
    assert net.subnets == ("172.18.0.0/16",)
    assert net.ipam[0].gateway == "172.18.0.1"
    assert net.containers[CID]["Name"] == "shop-web-1"
    assert net.attachable and not net.internal and not net.predefined


@pytest.mark.parametrize("name", ["bridge", "host", "none"])
def test_predefined_networks(name: str) -> None:
    assert NetworkSummary.from_api({"Name": name}).predefined


@pytest.mark.parametrize(
    ("volume", "anonymous"),
    [
        ({"Name": "f" * 64, "Labels": None}, True),
        ({"Name": "0123456789abcdef" * 4}, True),
        ({"Name": "pgdata", "Labels": {"com.docker.volume.anonymous": ""}}, True),
        ({"Name": "pgdata", "Labels": {COMPOSE_PROJECT: "shop"}}, False),
        ({"Name": "F" * 64}, False),  # the engine's generated names are lower-case hex
        ({"Name": "f" * 63}, False),
        ({}, False),
    ],
)
def test_volume_anonymous(volume: dict[str, Any], anonymous: bool) -> None:
    assert VolumeSummary.from_api(volume).anonymous is anonymous


def test_volume_usage_data() -> None:
    assert VolumeSummary.from_api({"UsageData": None}).size == -1
    v = VolumeSummary.from_api({"Name": "v", "UsageData": {"Size": 4096, "RefCount": 2}})
    assert (v.size, v.ref_count) == (4096, 2)
    unknown = VolumeSummary.from_api({"UsageData": {"Size": -1, "RefCount": -1}})
    assert (unknown.size, unknown.ref_count) == (-1, -1)


# ------------------------------------------------------------------ events

EVENT_1_41 = {
    "status": "start",
    "id": CID,
    "from": "nginx:1.25",
    "Type": "container",
    "Action": "start",
    "Actor": {"ID": CID, "Attributes": {"image": "nginx:1.25", "name": "shop-web-1"}},
    "scope": "local",
    "time": 1_764_180_001,
    "timeNano": 1_764_180_001_123_456_789,
}
EVENT_1_52 = {k: v for k, v in EVENT_1_41.items() if k not in ("status", "id", "from")}


@pytest.mark.parametrize("raw", [EVENT_1_41, EVENT_1_52], ids=["1.41", "1.52"])
def test_event_shapes_parse_the_same(raw: dict[str, Any]) -> None:
    ev = Event.from_api(raw)
    assert (ev.type, ev.action, ev.actor_id, ev.scope) == ("container", "start", CID, "local")
    assert ev.name == "shop-web-1"
    assert ev.attributes["image"] == "nginx:1.25"
    assert ev.time_nano == 1_764_180_001_123_456_789
    assert (ev.verb, ev.detail) == ("start", "")


def test_event_key_identifies_replayed_duplicates() -> None:
    a, b = Event.from_api(EVENT_1_41), Event.from_api(EVENT_1_52)
    assert a.key == b.key == (1_764_180_001_123_456_789, "container", "start", CID)
    later = Event.from_api({**EVENT_1_52, "timeNano": EVENT_1_52["timeNano"] + 1})
    assert later.key != a.key


@pytest.mark.parametrize(
    ("action", "verb", "detail"),
    [
        ("exec_start: sh -c echo hi", "exec_start", "sh -c echo hi"),
        ("health_status: healthy", "health_status", "healthy"),
        ("exec_create: ls -l: /", "exec_create", "ls -l: /"),
        ("die", "die", ""),
        ("", "", ""),
    ],
)
def test_event_verb_detail(action: str, verb: str, detail: str) -> None:
    ev = Event.from_api({**EVENT_1_52, "Action": action})
    assert (ev.verb, ev.detail) == (verb, detail)


def test_event_fallbacks() -> None:
    # Very old shape (no Type/Action/Actor, seconds only): still a container event.
    ev = Event.from_api({"status": "die", "id": CID, "time": 1_764_180_002})
    assert (ev.type, ev.action, ev.actor_id) == ("container", "die", CID)
    assert ev.time_nano == 1_764_180_002 * 1_000_000_000
    assert ev.attributes == {} and ev.name == ""
    net = Event.from_api(
        {"Type": "network", "Action": "connect", "Actor": {"ID": "n1", "Attributes": None}}
    )
    assert (net.type, net.actor_id, net.attributes) == ("network", "n1", {})


# ------------------------------------------------------------------ progress, prune, df


def test_progress_event() -> None:
    ev = ProgressEvent.from_api(
        {"status": "Downloading", "progressDetail": {"current": 5, "total": 10}, "id": "l1"}
    )
    assert (ev.id, ev.status, ev.current, ev.total, ev.error) == ("l1", "Downloading", 5, 10, "")
    err = ProgressEvent.from_api(
        {"errorDetail": {"code": 3, "message": "returned a non-zero code: 3"}, "error": "old"}
    )
    assert err.error == "returned a non-zero code: 3"
    assert ProgressEvent.from_api({"error": "only the deprecated field"}).error == (
        "only the deprecated field"
    )
    aux = ProgressEvent.from_api({"aux": {"ID": "sha256:x"}, "progressDetail": None})
    assert aux.aux == {"ID": "sha256:x"} and aux.total == 0


def test_prune_results() -> None:
    images = PruneResult.from_api(
        {"ImagesDeleted": [{"Untagged": "a:1"}, {"Deleted": "sha256:x"}], "SpaceReclaimed": 99},
        "ImagesDeleted",
    )
    assert images.deleted == ("untagged a:1", "deleted sha256:x")
    assert images.space_reclaimed == 99
    none = PruneResult.from_api(
        {"ContainersDeleted": None, "SpaceReclaimed": 0}, "ContainersDeleted"
    )
    assert none.deleted == () and none.space_reclaimed == 0
    nets = PruneResult.from_api({"NetworksDeleted": ["n1"]}, "NetworksDeleted")
    assert nets.deleted == ("n1",) and nets.space_reclaimed == 0


DF_LEGACY = {
    "LayersSize": 1_982_256,
    "Images": [{"Id": "sha256:b", "Size": 1_982_256, "Containers": 1, "SharedSize": 0}],
    "Containers": [{"Id": CID, "SizeRw": 0, "SizeRootFs": 1_982_256}],
    "Volumes": [
        {"Name": "pgdata", "UsageData": {"RefCount": 1, "Size": 4096}},
        {"Name": "unknown", "UsageData": {"RefCount": -1, "Size": -1}},
        {"Name": "nodata", "UsageData": None},
    ],
    "BuildCache": None,
}

DF_1_52 = {
    "ImagesUsage": {
        "ActiveCount": 1,
        "TotalCount": 1,
        "Reclaimable": 0,
        "TotalSize": 1_982_256,
        "Items": [{"Id": "sha256:b", "Size": 1_982_256}],
    },
    "ContainersUsage": {"ActiveCount": 1, "TotalCount": 1, "Items": [{"Id": CID}]},
    "VolumesUsage": {
        "TotalSize": 4096,
        "Items": [{"Name": "pgdata", "UsageData": {"RefCount": 1, "Size": 4096}}],
    },
    "BuildCacheUsage": {"TotalSize": 0},
}


def test_disk_usage_legacy_shape() -> None:
    du = DiskUsage.from_api(DF_LEGACY)
    assert du.layers_size == 1_982_256
    assert [i["Id"] for i in du.images] == ["sha256:b"]
    assert [c["Id"] for c in du.containers] == [CID]
    assert du.build_cache == ()
    assert du.volume_sizes() == {"pgdata": 4096}


def test_disk_usage_1_52_shape() -> None:
    du = DiskUsage.from_api(DF_1_52)
    assert du.layers_size == 1_982_256
    assert [i["Id"] for i in du.images] == ["sha256:b"]
    assert [c["Id"] for c in du.containers] == [CID]
    assert du.build_cache == ()  # no Items in the brief summary
    assert du.volume_sizes() == {"pgdata": 4096}


def test_disk_usage_prefers_legacy_lists_when_both_present() -> None:
    du = DiskUsage.from_api({**DF_1_52, **DF_LEGACY})  # 1.52 without verbose sends both
    assert len(du.volumes) == 3
