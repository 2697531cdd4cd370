"""Swarm endpoints (services, tasks, nodes) and their tolerant models.

Only a manager answers these; a worker or a non-swarm engine gets 503, which maps to
NotSupported so the UI can say "this node is a worker" instead of showing errors.
Updates need the object's current `Version.Index` (optimistic locking); a stale index
is a 500 "update out of sequence", so each update re-reads the object first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dockui.engine.client import encode_filters
from dockui.engine.errors import NotSupported
from dockui.engine.models import _dict, _i, _labels, _list, _s

if TYPE_CHECKING:
    from dockui.engine.client import DockerClient, Filters


@dataclass(frozen=True, slots=True)
class ServiceSummary:
    id: str
    name: str
    image: str
    mode: str  # "replicated", "global", "replicated-job", "global-job"
    replicas: int | None  # desired replicas for replicated services
    running: int
    desired: int
    ports: tuple[str, ...]
    update_state: str
    version: int
    labels: dict[str, str]
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> ServiceSummary:
        spec = _dict(d.get("Spec"))
        mode_spec = _dict(spec.get("Mode"))
        mode = "replicated"
        replicas: int | None = None
        if "Replicated" in mode_spec:
            replicas = _i(_dict(mode_spec.get("Replicated")).get("Replicas"))
        elif "Global" in mode_spec:
            mode = "global"
        elif "ReplicatedJob" in mode_spec:
            mode = "replicated-job"
        elif "GlobalJob" in mode_spec:
            mode = "global-job"
        image = _s(_dict(_dict(spec.get("TaskTemplate")).get("ContainerSpec")).get("Image"))
        status = _dict(d.get("ServiceStatus"))
        ports = []
        for p in _list(_dict(d.get("Endpoint")).get("Ports")):
            p = _dict(p)
            if p.get("PublishedPort"):
                ports.append(
                    f"{_i(p.get('PublishedPort'))}->{_i(p.get('TargetPort'))}/"
                    f"{_s(p.get('Protocol')) or 'tcp'}"
                )
        return cls(
            id=_s(d.get("ID")),
            name=_s(spec.get("Name")),
            image=image.split("@", 1)[0],
            mode=mode,
            replicas=replicas,
            running=_i(status.get("RunningTasks")),
            desired=_i(status.get("DesiredTasks")),
            ports=tuple(ports),
            update_state=_s(_dict(d.get("UpdateStatus")).get("State")),
            version=_i(_dict(d.get("Version")).get("Index")),
            labels=_labels(spec.get("Labels")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class TaskSummary:
    id: str
    service_id: str
    slot: int
    node_id: str
    desired_state: str
    state: str
    message: str
    error: str
    container_id: str
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> TaskSummary:
        status = _dict(d.get("Status"))
        return cls(
            id=_s(d.get("ID")),
            service_id=_s(d.get("ServiceID")),
            slot=_i(d.get("Slot")),
            node_id=_s(d.get("NodeID")),
            desired_state=_s(d.get("DesiredState")),
            state=_s(status.get("State")),
            message=_s(status.get("Message")),
            error=_s(status.get("Err")),
            container_id=_s(_dict(status.get("ContainerStatus")).get("ContainerID")),
            raw=d,
        )


@dataclass(frozen=True, slots=True)
class NodeSummary:
    id: str
    hostname: str
    role: str
    availability: str
    status: str
    leader: bool
    engine_version: str
    version: int
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, d: dict[str, Any]) -> NodeSummary:
        spec = _dict(d.get("Spec"))
        desc = _dict(d.get("Description"))
        return cls(
            id=_s(d.get("ID")),
            hostname=_s(desc.get("Hostname")),
            role=_s(spec.get("Role")),
            availability=_s(spec.get("Availability")),
            status=_s(_dict(d.get("Status")).get("State")),
            leader=bool(_dict(d.get("ManagerStatus")).get("Leader")),
            engine_version=_s(_dict(desc.get("Engine")).get("EngineVersion")),
            version=_i(_dict(d.get("Version")).get("Index")),
            raw=d,
        )


def swarm_role(info: dict[str, Any]) -> str:
    """ "manager", "worker", or "" (not in a swarm) from /info."""
    sw = _dict(info.get("Swarm"))
    if _s(sw.get("LocalNodeState")) != "active":
        return ""
    return "manager" if sw.get("ControlAvailable") else "worker"


class SwarmAPI:
    """Swarm calls on one engine's client."""

    def __init__(self, client: DockerClient) -> None:
        self.client = client

    async def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        try:
            return await self.client._json("GET", path, params=params)
        except NotSupported as exc:
            raise NotSupported(
                "this engine is not a swarm manager: swarm services, tasks and nodes are "
                "only visible on a manager",
                status=exc.status,
            ) from exc

    async def services(self, *, filters: Filters | None = None) -> list[ServiceSummary]:
        params = {"status": "true"}
        encoded = encode_filters(filters)
        if encoded:
            params["filters"] = encoded
        return [
            ServiceSummary.from_api(d)
            for d in await self._get("/services", params) or []
            if isinstance(d, dict)
        ]

    async def inspect_service(self, sid: str) -> ServiceSummary:
        return ServiceSummary.from_api(await self._get(f"/services/{sid}") or {})

    async def tasks(
        self, *, service: str | None = None, filters: Filters | None = None
    ) -> list[TaskSummary]:
        f = dict(filters or {})
        if service:
            f["service"] = [service]
        encoded = encode_filters(f)
        data = await self._get("/tasks", {"filters": encoded} if encoded else None)
        return [TaskSummary.from_api(d) for d in data or [] if isinstance(d, dict)]

    async def nodes(self) -> list[NodeSummary]:
        return [
            NodeSummary.from_api(d) for d in await self._get("/nodes") or [] if isinstance(d, dict)
        ]

    async def create_service(self, spec: dict[str, Any]) -> str:
        data = await self.client._json(
            "POST", "/services/create", json_body=spec, what="create service"
        )
        return _s((data or {}).get("ID"))

    async def _update_service(self, sid: str, mutate: Any) -> None:
        current = await self.inspect_service(sid)
        spec = dict(_dict(current.raw.get("Spec")))
        mutate(spec)
        await self.client._request(
            "POST",
            f"/services/{sid}/update",
            params={"version": str(current.version)},
            json_body=spec,
            what=f"update service {current.name or sid[:12]}",
        )

    async def scale_service(self, sid: str, replicas: int) -> None:
        if replicas < 0:
            raise ValueError("replicas must be 0 or more")

        def mutate(spec: dict[str, Any]) -> None:
            mode = _dict(spec.get("Mode"))
            if "Replicated" not in mode:
                raise NotSupported("only replicated services can be scaled")
            spec["Mode"] = {"Replicated": {**_dict(mode["Replicated"]), "Replicas": replicas}}

        await self._update_service(sid, mutate)

    async def force_update_service(self, sid: str) -> None:
        """A rolling restart of every task, as `docker service update --force` does."""

        def mutate(spec: dict[str, Any]) -> None:
            tt = dict(_dict(spec.get("TaskTemplate")))
            tt["ForceUpdate"] = _i(tt.get("ForceUpdate")) + 1
            spec["TaskTemplate"] = tt

        await self._update_service(sid, mutate)

    async def remove_service(self, sid: str) -> None:
        await self.client._request("DELETE", f"/services/{sid}", what=f"remove service {sid[:12]}")

    async def set_node_availability(self, nid: str, availability: str) -> None:
        if availability not in ("active", "pause", "drain"):
            raise ValueError(f"unknown availability {availability!r}")
        node = NodeSummary.from_api(await self._get(f"/nodes/{nid}") or {})
        spec = dict(_dict(node.raw.get("Spec")))
        spec["Availability"] = availability
        await self.client._request(
            "POST",
            f"/nodes/{nid}/update",
            params={"version": str(node.version)},
            json_body=spec,
            what=f"update node {node.hostname or nid[:12]}",
        )

    async def init(self, *, advertise_addr: str, listen_addr: str = "0.0.0.0:2377") -> str:
        """Make this engine a single-node swarm manager; returns the node id."""
        data = await self.client._json(
            "POST",
            "/swarm/init",
            json_body={"AdvertiseAddr": advertise_addr, "ListenAddr": listen_addr},
            what="swarm init",
        )
        return _s(data)

    async def leave(self, *, force: bool = False) -> None:
        await self.client._request(
            "POST", "/swarm/leave", params={"force": "1" if force else "0"}, what="swarm leave"
        )
