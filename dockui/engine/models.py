"""Typed views of the engine's JSON: tolerant of missing, null and unknown fields.

Each model keeps the raw dict (`raw`) for inspect views; every accessor survives
`null` where a list or map is documented (peers crash on `Config.Env: null`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from dockui.engine.status_age import aged_status

COMPOSE_PROJECT = "com.docker.compose.project"
COMPOSE_SERVICE = "com.docker.compose.service"


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _i(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    return 0


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _labels(value: Any) -> dict[str, str]:
    return {str(k): _s(v) for k, v in _dict(value).items()}


@dataclass(frozen=True, slots=True)
class Port:
    private: int
    public: int
    type: str
    ip: str

    def __str__(self) -> str:
        if self.public:
            host = f"[{self.ip}]" if ":" in self.ip else self.ip
            prefix = f"{host}:" if self.ip and self.ip not in ("0.0.0.0", "::") else ""
            return f"{prefix}{self.public}->{self.private}/{self.type}"
        return f"{self.private}/{self.type}"


_HEALTH_RE = re.compile(r"\((healthy|unhealthy|health: starting)\)")


@dataclass(frozen=True, slots=True)
class ContainerSummary:
    """A row of `GET /containers/json`."""

    id: str
    names: tuple[str, ...]
    image: str
    image_id: str
    command: str
    created: int
    state: str
    status: str
    ports: tuple[Port, ...]
    labels: dict[str, str]
    networks: tuple[str, ...]
    raw: dict[str, Any] = field(repr=False, compare=False)
    # When the engine worded `status` (our clock): the text ages from there.
    listed_at: float = field(default_factory=time.time, repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> ContainerSummary:
        names = tuple(_s(n).lstrip("/") for n in _list(d.get("Names")))
        ports = []
        for p in _list(d.get("Ports")):
            p = _dict(p)
            ports.append(
                Port(
                    _i(p.get("PrivatePort")),
                    _i(p.get("PublicPort")),
                    _s(p.get("Type")) or "tcp",
                    _s(p.get("IP")),
                )
            )
        # Deduplicate the IPv4/IPv6 pair the engine lists for each published port.
        seen: set[tuple[int, int, str]] = set()
        uniq = []
        for p in ports:
            key = (p.private, p.public, p.type)
            if key not in seen:
                seen.add(key)
                uniq.append(p)
        nets = tuple(_dict(_dict(d.get("NetworkSettings")).get("Networks")).keys())
        return cls(
            id=_s(d.get("Id")),
            names=names,
            image=_s(d.get("Image")),
            image_id=_s(d.get("ImageID")),
            command=_s(d.get("Command")),
            created=_i(d.get("Created")),
            state=_s(d.get("State")).lower(),
            status=_s(d.get("Status")),
            ports=tuple(uniq),
            labels=_labels(d.get("Labels")),
            networks=nets,
            raw=d,
        )

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.id[:12]

    def status_at(self, now: float) -> str:
        """The Status text as the engine would word it at `now` (epoch seconds)."""
        return aged_status(self.status, now - self.listed_at)

    @property
    def short_id(self) -> str:
        return self.id[:12]

    @property
    def compose_project(self) -> str:
        return self.labels.get(COMPOSE_PROJECT, "")

    @property
    def compose_service(self) -> str:
        return self.labels.get(COMPOSE_SERVICE, "")

    @property
    def health(self) -> str:
        """healthy / unhealthy / starting, or "" when the container has no health check."""
        m = _HEALTH_RE.search(self.status)
        if not m:
            return ""
        return "starting" if m.group(1) == "health: starting" else m.group(1)

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def paused(self) -> bool:
        return self.state == "paused"


@dataclass(frozen=True, slots=True)
class ImageSummary:
    """A row of `GET /images/json`."""

    id: str
    repo_tags: tuple[str, ...]
    repo_digests: tuple[str, ...]
    parent_id: str
    created: int
    size: int
    shared_size: int
    containers: int  # -1 when the engine did not count (before API 1.51)
    labels: dict[str, str]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> ImageSummary:
        tags = tuple(
            t for t in (_s(x) for x in _list(d.get("RepoTags"))) if t and t != "<none>:<none>"
        )
        digests = tuple(
            t for t in (_s(x) for x in _list(d.get("RepoDigests"))) if t and t != "<none>@<none>"
        )
        size = d.get("Size")
        if not isinstance(size, int):
            size = d.get("VirtualSize")
        return cls(
            id=_s(d.get("Id")),
            repo_tags=tags,
            repo_digests=digests,
            parent_id=_s(d.get("ParentId")),
            created=_i(d.get("Created")),
            size=_i(size),
            shared_size=_i(d.get("SharedSize")),
            containers=_i(d.get("Containers")) if d.get("Containers") is not None else -1,
            labels=_labels(d.get("Labels")),
            raw=d,
        )

    @property
    def short_id(self) -> str:
        return self.id.removeprefix("sha256:")[:12]

    @property
    def dangling(self) -> bool:
        return not self.repo_tags

    @property
    def ref(self) -> str:
        if self.repo_tags:
            return self.repo_tags[0]
        if self.repo_digests:
            return self.repo_digests[0].split("@", 1)[0] + ":<none>"
        return "<none>:<none>"


@dataclass(frozen=True, slots=True)
class IPAMPool:
    subnet: str
    gateway: str
    ip_range: str


@dataclass(frozen=True, slots=True)
class NetworkSummary:
    """A network from `GET /networks` or `/networks/{id}`."""

    id: str
    name: str
    driver: str
    scope: str
    internal: bool
    attachable: bool
    created: str
    ipam: tuple[IPAMPool, ...]
    containers: dict[str, dict[str, Any]]  # only filled by inspect (and by list on old engines)
    labels: dict[str, str]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> NetworkSummary:
        pools = tuple(
            IPAMPool(
                _s(_dict(c).get("Subnet")), _s(_dict(c).get("Gateway")), _s(_dict(c).get("IPRange"))
            )
            for c in _list(_dict(d.get("IPAM")).get("Config"))
        )
        return cls(
            id=_s(d.get("Id")),
            name=_s(d.get("Name")),
            driver=_s(d.get("Driver")),
            scope=_s(d.get("Scope")),
            internal=bool(d.get("Internal")),
            attachable=bool(d.get("Attachable")),
            created=_s(d.get("Created")),
            ipam=pools,
            containers={str(k): _dict(v) for k, v in _dict(d.get("Containers")).items()},
            labels=_labels(d.get("Labels")),
            raw=d,
        )

    @property
    def short_id(self) -> str:
        return self.id[:12]

    @property
    def subnets(self) -> tuple[str, ...]:
        return tuple(p.subnet for p in self.ipam if p.subnet)

    @property
    def predefined(self) -> bool:
        return self.name in ("bridge", "host", "none", "ingress", "docker_gwbridge")


@dataclass(frozen=True, slots=True)
class VolumeSummary:
    """A volume from `GET /volumes` or `/volumes/{name}`."""

    name: str
    driver: str
    mountpoint: str
    scope: str
    created: str
    labels: dict[str, str]
    options: dict[str, str]
    size: int  # -1 when unknown (only /system/df fills UsageData)
    ref_count: int
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> VolumeSummary:
        usage = d.get("UsageData")
        usage = usage if isinstance(usage, dict) else {}
        return cls(
            name=_s(d.get("Name")),
            driver=_s(d.get("Driver")),
            mountpoint=_s(d.get("Mountpoint")),
            scope=_s(d.get("Scope")),
            created=_s(d.get("CreatedAt")),
            labels=_labels(d.get("Labels")),
            options=_labels(d.get("Options")),
            size=_i(usage.get("Size")) if "Size" in usage else -1,
            ref_count=_i(usage.get("RefCount")) if "RefCount" in usage else -1,
            raw=d,
        )

    @property
    def anonymous(self) -> bool:
        """Anonymous volumes have 64-hex names (and, on 1.42+, the anonymous label)."""
        return "com.docker.volume.anonymous" in self.labels or bool(
            re.fullmatch(r"[0-9a-f]{64}", self.name)
        )


@dataclass(frozen=True, slots=True)
class Event:
    """One `/events` record, reduced to the fields every API version sends."""

    type: str
    action: str  # full action, e.g. "exec_start: sh" or "health_status: healthy"
    actor_id: str
    attributes: dict[str, str]
    scope: str
    time_nano: int
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> Event:
        actor = _dict(d.get("Actor"))
        type_ = _s(d.get("Type"))
        action = _s(d.get("Action")) or _s(d.get("status"))
        actor_id = _s(actor.get("ID")) or _s(d.get("id"))
        tn = d.get("timeNano")
        time_nano = _i(tn) if tn is not None else _i(d.get("time")) * 1_000_000_000
        return cls(
            type_ or "container",
            action,
            actor_id,
            _labels(actor.get("Attributes")),
            _s(d.get("scope")),
            time_nano,
            d,
        )

    @property
    def verb(self) -> str:
        """The action without its arguments: "health_status: healthy" -> "health_status"."""
        return self.action.split(":", 1)[0].strip()

    @property
    def detail(self) -> str:
        return self.action.split(":", 1)[1].strip() if ":" in self.action else ""

    @property
    def key(self) -> tuple[int, str, str, str]:
        """Identity for de-duplication after a `since=` replay (since is inclusive)."""
        return (self.time_nano, self.type, self.action, self.actor_id)

    @property
    def name(self) -> str:
        return self.attributes.get("name", "")


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One line of a pull or build stream."""

    id: str
    status: str
    current: int
    total: int
    stream: str
    error: str
    aux: dict[str, Any]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> ProgressEvent:
        detail = _dict(d.get("progressDetail"))
        err_detail = _dict(d.get("errorDetail"))
        error = _s(err_detail.get("message")) or _s(d.get("error"))
        return cls(
            id=_s(d.get("id")),
            status=_s(d.get("status")),
            current=_i(detail.get("current")),
            total=_i(detail.get("total")),
            stream=_s(d.get("stream")),
            error=error,
            aux=_dict(d.get("aux")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class PruneResult:
    """The engine's answer to a prune: what it removed and the space it freed."""

    deleted: tuple[str, ...]
    space_reclaimed: int
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any], key: str) -> PruneResult:
        items: list[str] = []
        for item in _list(d.get(key)):
            if isinstance(item, dict):  # images: [{"Untagged": ...} | {"Deleted": ...}]
                items.extend(f"{k.lower()} {_s(v)}" for k, v in item.items())
            else:
                items.append(_s(item))
        return cls(tuple(items), _i(d.get("SpaceReclaimed")), d)


@dataclass(frozen=True, slots=True)
class Ping:
    api_version: str
    os_type: str
    server: str
    experimental: bool
    swarm: str
    builder_version: str
    podman: bool


@dataclass(frozen=True, slots=True)
class DiskUsage:
    """`/system/df` in either shape (legacy lists, or the 1.52+ `*Usage` summaries)."""

    layers_size: int
    images: tuple[dict[str, Any], ...]
    containers: tuple[dict[str, Any], ...]
    volumes: tuple[dict[str, Any], ...]
    build_cache: tuple[dict[str, Any], ...]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> DiskUsage:
        def items(legacy: str, usage: str) -> tuple[dict[str, Any], ...]:
            if isinstance(d.get(legacy), list):
                return tuple(_dict(x) for x in d[legacy])
            return tuple(_dict(x) for x in _list(_dict(d.get(usage)).get("Items")))

        layers = d.get("LayersSize")
        if not isinstance(layers, int):
            layers = _i(_dict(d.get("ImagesUsage")).get("TotalSize"))
        return cls(
            layers_size=layers,
            images=items("Images", "ImagesUsage"),
            containers=items("Containers", "ContainersUsage"),
            volumes=items("Volumes", "VolumesUsage"),
            build_cache=items("BuildCache", "BuildCacheUsage"),
            raw=d,
        )

    def volume_sizes(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in self.volumes:
            usage = _dict(v.get("UsageData"))
            if "Size" in usage and _i(usage.get("Size")) >= 0:
                out[_s(v.get("Name"))] = _i(usage.get("Size"))
        return out
