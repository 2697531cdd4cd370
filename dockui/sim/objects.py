"""The engine's objects as plain dataclasses. JSON shapes live in shapes.py."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Endpoint:
    """A container's attachment to one network; IP fields are filled while it runs."""

    network_id: str
    network_name: str
    endpoint_id: str = ""
    ip: str = ""
    prefix: int = 0
    gateway: str = ""
    mac: str = ""
    requested_ip: str | None = None
    aliases: list[str] | None = None


@dataclass
class Mount:
    type: str  # "volume" or "bind"
    source: str
    destination: str
    name: str = ""
    rw: bool = True
    anonymous: bool = False


@dataclass
class StatsProfile:
    """Parameters of a container's seeded CPU/memory random walk."""

    cpu_mean: float  # cores
    mem_base: int  # bytes
    near_limit: bool = False


@dataclass
class Container:
    id: str
    name: str  # without the leading "/"
    image: str  # the reference as the user gave it
    image_id: str
    path: str
    args: list[str]
    cmd: list[str] | None
    entrypoint: list[str] | None
    env: list[str]
    labels: dict[str, str]
    tty: bool
    open_stdin: bool
    exposed_ports: dict[str, Any]
    host_config: dict[str, Any]
    working_dir: str
    hostname: str
    created: float
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    mounts: list[Mount] = field(default_factory=list)
    status: str = "created"  # created|running|paused|restarting|exited|dead
    pid: int = 0
    exit_code: int = 0
    started_at: float | None = None
    finished_at: float | None = None
    oom_killed: bool = False
    healthcheck: dict[str, Any] | None = None
    health: str | None = None  # starting|healthy|unhealthy
    health_failing: int = 0
    restart_count: int = 0
    ignores_sigterm: bool = False
    size_rw: int = 0
    size_root_fs: int = 0
    stats: StatsProfile = field(default_factory=lambda: StatsProfile(0.01, 20 * 1024**2))
    log_seed: int = 0
    tty_size: tuple[int, int] = (24, 80)  # rows, cols from POST /containers/{id}/resize

    @property
    def running(self) -> bool:
        return self.status in ("running", "paused", "restarting")

    @property
    def memory_limit(self) -> int:
        return int(self.host_config.get("Memory") or 0)


@dataclass
class Image:
    id: str  # "sha256:<64 hex>"
    repo_tags: list[str]
    repo_digests: list[str]
    parent: str
    created: float
    size: int
    labels: dict[str, str]
    config: dict[str, Any]
    layers: list[str]
    history: list[tuple[str, int]]  # (created_by, size) oldest first
    comment: str = ""
    last_tag_time: float | None = None

    @property
    def short_id(self) -> str:
        return self.id[7:19]


@dataclass
class Network:
    id: str
    name: str
    driver: str
    created: float
    scope: str = "local"
    internal: bool = False
    attachable: bool = False
    ingress: bool = False
    enable_ipv6: bool = False
    ipam_driver: str = "default"
    ipam_options: dict[str, str] | None = None
    ipam_config: list[dict[str, str]] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    subnet: ipaddress.IPv4Network | None = None
    gateway: str = ""
    allocated: set[str] = field(default_factory=set)
    next_host: int = 0  # allocation cursor (offset into the subnet)

    @property
    def predefined(self) -> bool:
        return self.name in ("bridge", "host", "none")


@dataclass
class Volume:
    name: str
    driver: str
    created: float
    labels: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] | None = None
    anonymous: bool = False
    size: int = 0

    @property
    def mountpoint(self) -> str:
        return f"/var/lib/docker/volumes/{self.name}/_data"


@dataclass
class Exec:
    id: str
    container_id: str
    cmd: list[str]
    tty: bool
    attach_stdin: bool
    attach_stdout: bool
    attach_stderr: bool
    env: list[str]
    user: str = ""
    privileged: bool = False
    working_dir: str = ""
    detach_keys: str = ""
    running: bool = False
    exit_code: int | None = None
    pid: int = 0
    size: tuple[int, int] = (24, 80)  # rows, cols of the last resize
    started: bool = False


@dataclass
class BuildCacheEntry:
    id: str
    description: str
    size: int
    created: float
    last_used: float
    in_use: bool = False
    shared: bool = False
    type: str = "regular"
    usage_count: int = 1
