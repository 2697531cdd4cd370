"""SimState: every object of the simulated engine, and the actions that change them.

Each action validates like dockerd (same status codes and messages), mutates the
objects and emits the same event sequence dockerd emits. Tests may call these methods
directly to act "as another client" (from the engine's loop: use SimEngine.call from
another thread).
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import re
from collections.abc import Iterable
from typing import Any

from .clock import Clock
from .config import SimConfig
from .errors import (
    NotModified,
    SimError,
    no_such_container,
    no_such_exec,
    no_such_image,
    no_such_network,
    no_such_volume,
)
from .events import EventBus
from .host_config import default_host_config
from .objects import (
    BuildCacheEntry,
    Container,
    Endpoint,
    Exec,
    Image,
    Mount,
    Network,
    StatsProfile,
    Volume,
)
from .versions import EngineProfile, profile_for

_NAME_RE = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
_HEX_RE = re.compile(r"^[0-9a-f]+$")

SIGNALS = {
    "SIGHUP": 1,
    "SIGINT": 2,
    "SIGQUIT": 3,
    "SIGKILL": 9,
    "SIGUSR1": 10,
    "SIGUSR2": 12,
    "SIGTERM": 15,
    "SIGSTOP": 19,
    "SIGWINCH": 28,
}

_ADJECTIVES = (
    "admiring angry bold brave busy clever cool eager elastic epic festive focused "
    "friendly gifted happy hopeful jolly keen kind lucid modest nifty optimistic "
    "peaceful quirky relaxed serene sharp stoic sweet tender trusting vibrant wizardly"
).split()
_SURNAMES = (
    "albattani allen bardeen bell curie darwin dijkstra einstein euler fermi galileo "
    "goldberg hopper hypatia kalam knuth lamport lovelace mccarthy meitner noether "
    "pasteur perlman ritchie shannon sinoussi tesla thompson torvalds turing wozniak"
).split()


def normalize_ref(ref: str) -> str:
    """`nginx` -> `nginx:latest`; strip the docker.io/library/ prefixes dockerd hides."""
    r = ref
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/"):
        if r.startswith(prefix):
            r = r[len(prefix) :]
    if r.startswith("library/"):
        r = r[len("library/") :]
    if "@" in r:
        return r
    last = r.rsplit("/", 1)[-1]
    if ":" not in last:
        r += ":latest"
    return r


def split_ref(ref: str) -> tuple[str, str]:
    n = normalize_ref(ref)
    repo, _, tag = n.rpartition(":")
    return repo, tag


def parse_signal(sig: str | None) -> int:
    if not sig:
        return 9
    s = sig.upper()
    if s.isdigit():
        return int(s)
    if not s.startswith("SIG"):
        s = "SIG" + s
    if s not in SIGNALS:
        raise SimError(400, f"Invalid signal: {sig}")
    return SIGNALS[s]


class SimState:
    def __init__(self, config: SimConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.profile: EngineProfile = profile_for(config.api_version)
        self.rng = random.Random(config.seed * 7919 + 17)
        self.events = EventBus(clock)
        self.containers: dict[str, Container] = {}
        # name -> id, so name lookups and conflict checks stay O(1) at 5000 containers.
        self.names: dict[str, str] = {}
        self.images: dict[str, Image] = {}
        self.networks: dict[str, Network] = {}
        self.volumes: dict[str, Volume] = {}
        self.execs: dict[str, Exec] = {}
        self.build_cache: list[BuildCacheEntry] = []
        # Repositories the simulated registry knows: repo -> tags (see seed_data).
        self.registry: dict[str, list[str]] = {}
        self.last_registry_auth: str | None = None
        self.last_registry_config: str | None = None
        self._next_pid = 1000
        self._change = asyncio.Event()
        self.engine_id = self.new_hex(32).upper()

    # ---- ids and change notification -------------------------------------------------

    def new_hex(self, n: int = 64) -> str:
        return f"{self.rng.getrandbits(n * 4):0{n}x}"

    def new_pid(self) -> int:
        self._next_pid += self.rng.randint(1, 40)
        return self._next_pid

    def changed(self) -> None:
        """Wake everyone waiting on a state change (wait, logs follow)."""
        self._change.set()
        self._change = asyncio.Event()

    async def wait_change(self) -> None:
        await self._change.wait()

    def now(self) -> float:
        return self.clock.now()

    # ---- lookups ---------------------------------------------------------------------

    def find_container(self, ref: str) -> Container:
        ref = ref.lstrip("/") if not _HEX_RE.match(ref) else ref
        c = self.containers.get(ref)
        if c:
            return c
        by_name = self.names.get(ref)
        if by_name is not None:
            return self.containers[by_name]
        if _HEX_RE.match(ref):
            hits = [c for c in self.containers.values() if c.id.startswith(ref)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise SimError(400, f"Multiple IDs found with provided prefix: {ref}")
        raise no_such_container(ref)

    def find_image(self, ref: str) -> Image:
        img = self.find_image_or_none(ref)
        if img is None:
            raise no_such_image(ref)
        return img

    def find_image_or_none(self, ref: str) -> Image | None:
        if ref.startswith("sha256:"):
            hits = [i for i in self.images.values() if i.id.startswith(ref)]
            return hits[0] if len(hits) == 1 else None
        norm = normalize_ref(ref)
        for img in self.images.values():
            if norm in img.repo_tags or ref in img.repo_digests:
                return img
        if _HEX_RE.match(ref) and len(ref) >= 4:
            hits = [i for i in self.images.values() if i.id[7:].startswith(ref)]
            if len(hits) == 1:
                return hits[0]
        return None

    def find_network(self, ref: str) -> Network:
        if ref in self.networks:
            return self.networks[ref]
        for n in self.networks.values():
            if n.name == ref:
                return n
        hits = [n for n in self.networks.values() if n.id.startswith(ref)]
        if len(hits) == 1:
            return hits[0]
        raise no_such_network(ref)

    def find_volume(self, name: str) -> Volume:
        v = self.volumes.get(name)
        if v is None:
            raise no_such_volume(name)
        return v

    def find_exec(self, eid: str) -> Exec:
        e = self.execs.get(eid)
        if e is None:
            raise no_such_exec(eid)
        return e

    def containers_using_image(self, img: Image) -> list[Container]:
        return [c for c in self.containers.values() if c.image_id == img.id]

    def containers_using_volume(self, name: str) -> list[Container]:
        return [c for c in self.containers.values() if any(m.name == name for m in c.mounts)]

    def network_members(self, net: Network) -> list[Container]:
        """Containers with an active endpoint (dockerd lists only those)."""
        return [c for c in self.containers.values() if c.running and net.name in c.endpoints]

    def random_name(self) -> str:
        """A docker-style adjective_surname; with a digit suffix once those run out."""
        for attempt in range(100):
            name = f"{self.rng.choice(_ADJECTIVES)}_{self.rng.choice(_SURNAMES)}"
            if attempt > 10:
                name += str(self.rng.randint(0, 9999))
            if name not in self.names:
                return name
        return self.new_hex(12)

    # ---- events ----------------------------------------------------------------------

    def _cevent(self, c: Container, action: str, **extra: str) -> None:
        attrs = {**c.labels, "image": c.image, "name": c.name, **extra}
        self.events.emit("container", action, c.id, attrs, from_image=c.image)

    def _nevent(self, net: Network, action: str, container_id: str | None = None) -> None:
        attrs = {"name": net.name, "type": net.driver}
        if container_id:
            attrs["container"] = container_id
        self.events.emit("network", action, net.id, attrs)

    def _vevent(self, vol: Volume, action: str, **extra: str) -> None:
        self.events.emit("volume", action, vol.name, {"driver": vol.driver, **extra})

    def _ievent(
        self, actor: str, action: str, name: str, labels: dict[str, str] | None = None
    ) -> None:
        self.events.emit("image", action, actor, {**(labels or {}), "name": name})

    # ---- containers ------------------------------------------------------------------

    def create_container(
        self,
        image: str,
        name: str | None = None,
        *,
        cmd: list[str] | None = None,
        labels: dict[str, str] | None = None,
        env: list[str] | None = None,
        tty: bool = False,
        host_config: dict[str, Any] | None = None,
        networking_config: dict[str, Any] | None = None,
        exposed_ports: dict[str, Any] | None = None,
    ) -> Container:
        """Create a container as another client would (emits the same events)."""
        body: dict[str, Any] = {"Image": image, "Tty": tty, "Labels": labels or {}}
        if cmd is not None:
            body["Cmd"] = cmd
        if env is not None:
            body["Env"] = env
        if host_config is not None:
            body["HostConfig"] = host_config
        if networking_config is not None:
            body["NetworkingConfig"] = networking_config
        if exposed_ports is not None:
            body["ExposedPorts"] = exposed_ports
        return self.create_from_body(body, name)

    def create_from_body(
        self,
        body: dict[str, Any],
        name: str | None,
        *,
        created: float | None = None,
        emit: bool = True,
    ) -> Container:
        if name:
            if not _NAME_RE.match(name):
                raise SimError(
                    400,
                    f"Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                )
            name = name.lstrip("/")
            if name in self.names:
                raise SimError(
                    409,
                    f'Conflict. The container name "/{name}" is already in use by container '
                    f'"{self.names[name]}". You have to remove (or rename) that container to be '
                    "able to reuse that name.",
                )
        image_ref = body.get("Image") or ""
        if not image_ref:
            raise SimError(400, "No image specified")  # dockerd: config.Image is required
        img = self.find_image(image_ref)
        icfg = img.config
        entrypoint = body.get("Entrypoint") or icfg.get("Entrypoint")
        cmd = body.get("Cmd") or (None if body.get("Entrypoint") else icfg.get("Cmd"))
        if isinstance(cmd, str):
            cmd = [cmd]
        if isinstance(entrypoint, str):
            entrypoint = [entrypoint]
        argv = list(entrypoint or []) + list(cmd or [])
        if not argv:
            raise SimError(400, "No command specified")
        hc_in = dict(body.get("HostConfig") or {})
        hc = default_host_config(self.profile.api_version)
        hc.update({k: v for k, v in hc_in.items() if v is not None})
        if not hc.get("NetworkMode"):
            hc["NetworkMode"] = "default"
        env = list(icfg.get("Env") or []) + list(body.get("Env") or [])
        labels = {**(icfg.get("Labels") or {}), **(body.get("Labels") or {})}
        exposed = {**(icfg.get("ExposedPorts") or {}), **(body.get("ExposedPorts") or {})}
        for port in hc.get("PortBindings") or {}:
            exposed.setdefault(port, {})
        cid = self.new_hex()
        c = Container(
            id=cid,
            name=name or self.random_name(),
            image=image_ref,
            image_id=img.id,
            path=argv[0],
            args=argv[1:],
            cmd=list(cmd) if cmd else None,
            entrypoint=list(entrypoint) if entrypoint else None,
            env=env,
            labels=labels,
            tty=bool(body.get("Tty")),
            open_stdin=bool(body.get("OpenStdin")),
            exposed_ports=exposed,
            host_config=hc,
            working_dir=body.get("WorkingDir") or icfg.get("WorkingDir") or "",
            hostname=body.get("Hostname") or cid[:12],
            created=self.now() if created is None else created,
            healthcheck=body.get("Healthcheck") or icfg.get("Healthcheck"),
            ignores_sigterm=argv[0] in ("sleep", "/bin/sleep"),
            size_root_fs=img.size,
            log_seed=self.rng.getrandbits(32),
        )
        c.stats = StatsProfile(
            cpu_mean=0.005 + self.rng.random() * 0.03,
            mem_base=(8 + self.rng.randint(0, 60)) * 1024**2,
        )
        mode = hc["NetworkMode"]
        net_name = "bridge" if mode == "default" else mode
        endpoints_cfg = (body.get("NetworkingConfig") or {}).get("EndpointsConfig") or {}
        if not mode.startswith("container:"):
            names = [net_name] + [n for n in endpoints_cfg if n != net_name]
            for n in names:
                net = self.find_network(n)
                cfg = endpoints_cfg.get(n) or {}
                c.endpoints[net.name] = Endpoint(
                    network_id=net.id,
                    network_name=net.name,
                    requested_ip=((cfg.get("IPAMConfig") or {}).get("IPv4Address")),
                    aliases=cfg.get("Aliases"),
                )
        # Volumes: named binds create their volume (and its event) before the container.
        new_vols: list[Volume] = []
        for bind in hc.get("Binds") or []:
            parts = bind.split(":")
            src, dst = parts[0], parts[1] if len(parts) > 1 else parts[0]
            rw = not (len(parts) > 2 and "ro" in parts[2].split(","))
            if src.startswith("/"):
                c.mounts.append(Mount("bind", src, dst, rw=rw))
            else:
                vol = self.volumes.get(src) or self._make_volume(src, "local", {}, None)
                new_vols.append(vol)
                c.mounts.append(Mount("volume", vol.mountpoint, dst, name=vol.name, rw=rw))
        for dst in icfg.get("Volumes") or {}:
            if any(m.destination == dst for m in c.mounts):
                continue
            vol = self._make_volume(self.new_hex(), "local", {}, None, anonymous=True)
            new_vols.append(vol)
            c.mounts.append(Mount("volume", vol.mountpoint, dst, name=vol.name, anonymous=True))
        self.containers[cid] = c
        self.names[c.name] = cid
        if emit:
            for vol in new_vols:
                self._vevent(vol, "create")
            self._cevent(c, "create")
            self.changed()
        return c

    def _attach_endpoint(self, c: Container, ep: Endpoint) -> None:
        net = self.networks.get(ep.network_id)
        if net is None or net.subnet is None:
            return
        ip = ep.requested_ip
        if not ip:
            # Scan from a per-network cursor (wrapping once) instead of from the start
            # of the subnet: seeding 5000 containers would otherwise be quadratic.
            base = int(net.subnet.network_address)
            size = net.subnet.num_addresses - 2
            for step in range(size):
                offset = (net.next_host + step) % size + 1
                cand = str(ipaddress.IPv4Address(base + offset))
                if cand != net.gateway and cand not in net.allocated:
                    ip = cand
                    net.next_host = offset
                    break
        if not ip:
            raise SimError(
                500,
                "no available IPv4 addresses on this network's address pools: "
                f"{net.name} ({net.id})",
            )
        net.allocated.add(ip)
        ep.ip = ip
        ep.prefix = net.subnet.prefixlen
        ep.gateway = net.gateway
        octets = [int(x) for x in ip.split(".")]
        ep.mac = "02:42:" + ":".join(f"{o:02x}" for o in octets)
        ep.endpoint_id = self.new_hex()

    def _detach_endpoint(self, ep: Endpoint) -> None:
        net = self.networks.get(ep.network_id)
        if net is not None:
            net.allocated.discard(ep.ip)
        ep.ip, ep.prefix, ep.gateway, ep.mac, ep.endpoint_id = "", 0, "", "", ""

    def _bring_up(self, c: Container) -> None:
        """network connect + volume mount events, then the process starts."""
        for ep in c.endpoints.values():
            net = self.networks.get(ep.network_id)
            if net is None:
                raise SimError(404, f"network {ep.network_name} not found")
            self._attach_endpoint(c, ep)
            self._nevent(net, "connect", c.id)
        for m in c.mounts:
            if m.type == "volume" and m.name in self.volumes:
                vol = self.volumes[m.name]
                self._vevent(
                    vol,
                    "mount",
                    container=c.id,
                    destination=m.destination,
                    propagation="",
                    **{"read/write": "true" if m.rw else "false"},
                )
        c.status = "running"
        c.pid = self.new_pid()
        c.started_at = self.now()
        c.exit_code = 0
        c.oom_killed = False
        if c.healthcheck and not c.health:
            c.health = "starting"

    def _bring_down(self, c: Container, exit_code: int) -> None:
        """die, then network disconnect and volume unmount events."""
        c.status = "exited"
        c.exit_code = exit_code
        c.pid = 0
        c.finished_at = self.now()
        if c.health:
            c.health = "unhealthy" if c.health == "unhealthy" else "healthy"
        self._cevent(c, "die", exitCode=str(exit_code))
        for ep in c.endpoints.values():
            net = self.networks.get(ep.network_id)
            self._detach_endpoint(ep)
            if net is not None:
                self._nevent(net, "disconnect", c.id)
        for m in c.mounts:
            if m.type == "volume" and m.name in self.volumes:
                self._vevent(self.volumes[m.name], "unmount", container=c.id)

    def start_container(self, ref: str) -> Container:
        c = self.find_container(ref)
        if c.status == "paused":
            raise SimError(409, "cannot start a paused container, try unpause instead")
        if c.running:
            raise NotModified()
        self._bring_up(c)
        self._cevent(c, "start")
        self.changed()
        return c

    def _terminate(self, c: Container, sig: int = 15) -> None:
        """The kill events of a stop: SIGTERM, then SIGKILL if PID 1 ignores it."""
        self._cevent(c, "kill", signal=str(sig))
        if c.ignores_sigterm and sig != 9:
            self._cevent(c, "kill", signal="9")
            code = 137
        else:
            code = 0 if sig == 15 else 128 + sig
        self._bring_down(c, code)

    def stop_container(
        self, ref: str, timeout: int | None = None, signal: str | None = None
    ) -> Container:
        c = self.find_container(ref)
        if not c.running:
            raise NotModified()
        self._terminate(c, parse_signal(signal) if signal else 15)
        self._cevent(c, "stop")
        self.changed()
        return c

    def restart_container(
        self, ref: str, timeout: int | None = None, signal: str | None = None
    ) -> Container:
        c = self.find_container(ref)
        if c.running:
            self._terminate(c, parse_signal(signal) if signal else 15)
            self._cevent(c, "stop")
        self._bring_up(c)
        c.restart_count += 0  # dockerd counts only policy restarts, not explicit ones
        self._cevent(c, "start")
        self._cevent(c, "restart")
        self.changed()
        return c

    def kill_container(self, ref: str, signal: str | None = None) -> Container:
        c = self.find_container(ref)
        sig = parse_signal(signal)
        if not c.running:
            raise SimError(409, f"Cannot kill container: {ref}: Container {c.id} is not running")
        self._cevent(c, "kill", signal=str(sig))
        # Default dispositions: these signals end a process that has no handler.
        if sig in (9, 2, 3, 15) and not (c.ignores_sigterm and sig != 9):
            if c.status == "paused":
                c.status = "running"
            self._bring_down(c, 128 + sig)
        self.changed()
        return c

    def pause_container(self, ref: str) -> Container:
        c = self.find_container(ref)
        if c.status == "paused":
            raise SimError(409, f"Container {c.id} is already paused")
        if not c.running:
            raise SimError(409, f"Container {c.id} is not running")
        c.status = "paused"
        self._cevent(c, "pause")
        self.changed()
        return c

    def unpause_container(self, ref: str) -> Container:
        c = self.find_container(ref)
        if c.status != "paused":
            raise SimError(500, f"Container {c.id} is not paused")
        c.status = "running"
        self._cevent(c, "unpause")
        self.changed()
        return c

    def remove_container(self, ref: str, force: bool = False, volumes: bool = False) -> None:
        c = self.find_container(ref)
        if c.status == "paused" and not force:
            raise SimError(
                409,
                f"You cannot remove a paused container {c.id}. Unpause and then stop the "
                "container before attempting removal or force remove",
            )
        if c.running and not force:
            raise SimError(
                409,
                f"You cannot remove a running container {c.id}. Stop the container before "
                "attempting removal or force remove",
            )
        if c.running:
            self._cevent(c, "kill", signal="9")
            self._bring_down(c, 137)
        del self.containers[c.id]
        self.names.pop(c.name, None)
        self._cevent(c, "destroy")
        if volumes:
            for m in c.mounts:
                if (
                    m.anonymous
                    and m.name in self.volumes
                    and not self.containers_using_volume(m.name)
                ):
                    vol = self.volumes.pop(m.name)
                    self._vevent(vol, "destroy")
        for e in [e for e in self.execs.values() if e.container_id == c.id]:
            del self.execs[e.id]
        self.changed()

    def rename_container(self, ref: str, new_name: str) -> Container:
        c = self.find_container(ref)
        if not new_name or not _NAME_RE.match(new_name):
            raise SimError(
                400,
                f"Invalid container name ({new_name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
            )
        new_name = new_name.lstrip("/")
        if new_name == c.name:
            raise SimError(400, "Renaming a container with the same name as its current name")
        if new_name in self.names:
            raise SimError(
                409,
                f'Conflict. The container name "/{new_name}" is already in use by container '
                f'"{self.names[new_name]}". You have to remove (or rename) that container to be '
                "able to reuse that name.",
            )
        old = c.name
        c.name = new_name
        del self.names[old]
        self.names[new_name] = c.id
        self._cevent(c, "rename", oldName="/" + old)
        self.changed()
        return c

    def exit_container(self, ref: str, code: int) -> Container:
        """The main process ended by itself (an attached shell typed `exit`)."""
        c = self.find_container(ref)
        if c.running:
            if c.status == "paused":
                c.status = "running"
            self._bring_down(c, code)
            self.changed()
        return c

    def set_health(self, ref: str, status: str) -> Container:
        c = self.find_container(ref)
        if c.health != status:
            c.health = status
            c.health_failing = 0 if status == "healthy" else c.health_failing + 3
            self._cevent(c, f"health_status: {status}")
            self.changed()
        return c

    def prune_containers(self, keep: Iterable[Container] | None = None) -> tuple[list[str], int]:
        """Remove stopped containers; `keep` is what the filters excluded."""
        keep_ids = {c.id for c in keep or []}
        gone: list[str] = []
        space = 0
        for c in list(self.containers.values()):
            if c.status in ("exited", "created", "dead") and c.id not in keep_ids:
                del self.containers[c.id]
                self.names.pop(c.name, None)
                self._cevent(c, "destroy")
                gone.append(c.id)
                space += c.size_rw
        if gone:
            self.events.emit("container", "prune", "", {"reclaimed": str(space)})
            self.changed()
        return gone, space

    # ---- exec ------------------------------------------------------------------------

    def create_exec(self, ref: str, body: dict[str, Any]) -> Exec:
        c = self.find_container(ref)
        if c.status == "paused":
            raise SimError(409, f"Container {c.id} is paused, unpause the container before exec")
        if not c.running:
            raise SimError(409, f"Container {c.id} is not running")
        cmd = body.get("Cmd")
        if not cmd:
            raise SimError(400, "No exec command specified")
        size = body.get("ConsoleSize") or [24, 80]
        e = Exec(
            id=self.new_hex(),
            container_id=c.id,
            cmd=list(cmd),
            tty=bool(body.get("Tty")),
            attach_stdin=bool(body.get("AttachStdin")),
            attach_stdout=bool(body.get("AttachStdout")),
            attach_stderr=bool(body.get("AttachStderr")),
            env=list(body.get("Env") or []),
            user=body.get("User") or "",
            privileged=bool(body.get("Privileged")),
            working_dir=body.get("WorkingDir") or "",
            detach_keys=body.get("DetachKeys") or "",
            size=(int(size[0]) or 24, int(size[1]) or 80),
        )
        self.execs[e.id] = e
        self._cevent(c, "exec_create: " + " ".join(e.cmd), execID=e.id)
        return e

    def exec_started(self, e: Exec) -> None:
        c = self.containers.get(e.container_id)
        e.started = True
        e.running = True
        e.pid = self.new_pid()
        if c is not None:
            self._cevent(c, "exec_start: " + " ".join(e.cmd), execID=e.id)

    def exec_finished(self, e: Exec, code: int) -> None:
        c = self.containers.get(e.container_id)
        e.running = False
        e.exit_code = code
        if c is not None:
            self._cevent(c, "exec_die", execID=e.id, exitCode=str(code))
        self.changed()

    # ---- images ----------------------------------------------------------------------

    def add_image(
        self,
        tags: list[str],
        *,
        size: int,
        created: float,
        config: dict[str, Any] | None = None,
        labels: dict[str, str] | None = None,
        parent: str = "",
        history: list[tuple[str, int]] | None = None,
        digest: bool = True,
    ) -> Image:
        iid = "sha256:" + self.new_hex()
        tags = [normalize_ref(t) for t in tags]
        for t in tags:
            self._untag_silently(t)
        nlayers = max(1, len(history or []) or self.rng.randint(2, 7))
        hist = history or [
            (f"/bin/sh -c #(nop) ADD file:{self.new_hex()[:16]} in / ", size // nlayers)
            for _ in range(nlayers)
        ]
        img = Image(
            id=iid,
            repo_tags=tags,
            repo_digests=[f"{t.rsplit(':', 1)[0]}@sha256:{self.new_hex()}" for t in tags[:1]]
            if digest
            else [],
            parent=parent,
            created=created,
            size=size,
            labels=dict(labels or {}),
            config=config or {"Cmd": ["/bin/sh"], "Env": [], "Labels": labels or None},
            layers=["sha256:" + self.new_hex() for _ in hist if _[1] > 0]
            or ["sha256:" + self.new_hex()],
            history=hist,
            last_tag_time=created if tags else None,
        )
        if img.config.get("Labels") is None and labels:
            img.config["Labels"] = dict(labels)
        self.images[iid] = img
        return img

    def _untag_silently(self, tag: str) -> None:
        for other in self.images.values():
            if tag in other.repo_tags:
                other.repo_tags.remove(tag)
                other.repo_digests = [
                    d for d in other.repo_digests if d.split("@")[0] != tag.rsplit(":", 1)[0]
                ]

    def tag_image(self, ref: str, repo: str, tag: str | None) -> Image:
        img = self.find_image(ref)
        if not repo:
            raise SimError(400, "repository name must have at least one component")
        new = normalize_ref(f"{repo}:{tag}" if tag else repo)
        if new not in img.repo_tags:
            self._untag_silently(new)
            img.repo_tags.append(new)
        img.last_tag_time = self.now()
        self._ievent(img.id, "tag", new, img.labels)
        self.changed()
        return img

    def children_of(self, img: Image) -> list[Image]:
        return [i for i in self.images.values() if i.parent == img.id]

    def remove_image(
        self, ref: str, force: bool = False, noprune: bool = False
    ) -> list[dict[str, str]]:
        img = self.find_image(ref)
        by_tag = normalize_ref(ref) in img.repo_tags
        users = self.containers_using_image(img)
        running = [c for c in users if c.running]
        out: list[dict[str, str]] = []
        if by_tag:
            tag = normalize_ref(ref)
            if len(img.repo_tags) > 1 or (users and force):
                img.repo_tags.remove(tag)
                self._ievent(img.id, "untag", img.id, img.labels)
                self.changed()
                return [{"Untagged": tag}]
            if users:
                raise SimError(
                    409,
                    f'conflict: unable to remove repository reference "{ref}" (must force) - '
                    f"container {users[0].id[:12]} is using its referenced image {img.short_id}",
                )
        else:
            if running:
                raise SimError(
                    409,
                    f"conflict: unable to delete {img.short_id} (cannot be forced) - image is "
                    f"being used by running container {running[0].id[:12]}",
                )
            if len(img.repo_tags) > 1 and not force:
                raise SimError(
                    409,
                    f"conflict: unable to delete {img.short_id} (must be forced) - image is "
                    "referenced in multiple repositories",
                )
            if users and not force:
                raise SimError(
                    409,
                    f"conflict: unable to delete {img.short_id} (must be forced) - image is "
                    f"being used by stopped container {users[0].id[:12]}",
                )
        if self.children_of(img):
            raise SimError(
                409,
                f"conflict: unable to delete {img.short_id} (cannot be forced) - image has "
                "dependent child images",
            )
        for t in img.repo_tags:
            out.append({"Untagged": t})
            self._ievent(img.id, "untag", img.id, img.labels)
        for d in img.repo_digests:
            out.append({"Untagged": d})
        del self.images[img.id]
        out.append({"Deleted": img.id})
        for layer in img.layers[1:]:
            out.append({"Deleted": layer})
        self._ievent(img.id, "delete", img.id, img.labels)
        self.changed()
        return out

    def image_in_use(self, img: Image) -> bool:
        return bool(self.containers_using_image(img))

    def prune_images(
        self, dangling_only: bool, keep: Iterable[Image] = ()
    ) -> tuple[list[dict[str, str]], int]:
        keep_ids = {i.id for i in keep}
        out: list[dict[str, str]] = []
        space = 0
        changed = True
        # Loop: deleting a child can make its parent prunable, as in dockerd.
        while changed:
            changed = False
            for img in list(self.images.values()):
                if img.id in keep_ids or self.image_in_use(img) or self.children_of(img):
                    continue
                if dangling_only and img.repo_tags:
                    continue
                for t in img.repo_tags:
                    out.append({"Untagged": t})
                del self.images[img.id]
                out.append({"Deleted": img.id})
                self._ievent(img.id, "delete", img.id, img.labels)
                space += img.size
                changed = True
        if out:
            self.events.emit("image", "prune", "", {"reclaimed": str(space)})
            self.changed()
        return out, space

    # ---- networks --------------------------------------------------------------------

    def _subnet_for_new_network(self) -> ipaddress.IPv4Network:
        used = {n.subnet for n in self.networks.values() if n.subnet is not None}
        for second in range(18, 32):
            cand = ipaddress.IPv4Network(f"172.{second}.0.0/16")
            if cand not in used:
                return cand
        k = 0
        while True:
            cand = ipaddress.IPv4Network(f"10.{(k // 256) % 256}.{k % 256}.0/24")
            if cand not in used:
                return cand
            k += 1

    def create_network(
        self,
        name: str,
        driver: str = "bridge",
        *,
        internal: bool = False,
        attachable: bool = False,
        labels: dict[str, str] | None = None,
        ipam: dict[str, Any] | None = None,
        options: dict[str, str] | None = None,
        enable_ipv6: bool = False,
        created: float | None = None,
        emit: bool = True,
    ) -> Network:
        if not name:
            raise SimError(400, "network name is required")  # dockerd validates the name
        for n in self.networks.values():
            if n.name == name:
                raise SimError(409, f"network with name {name} already exists")
        if driver not in ("bridge", "overlay", "macvlan", "ipvlan"):
            raise SimError(404, f'plugin "{driver}" not found')
        ipam = ipam or {}
        cfg = list(ipam.get("Config") or [])
        if cfg and cfg[0].get("Subnet"):
            try:
                subnet = ipaddress.IPv4Network(cfg[0]["Subnet"], strict=False)
            except ValueError as exc:
                raise SimError(400, f"invalid subnet {cfg[0]['Subnet']}: {exc}") from exc
            for n in self.networks.values():
                if n.subnet is not None and n.subnet.overlaps(subnet):
                    raise SimError(403, "Pool overlaps with other one on this address space")
            gateway = cfg[0].get("Gateway") or str(next(subnet.hosts()))
            cfg = [{k: v for k, v in c.items() if v} for c in cfg]
            cfg[0].setdefault("Gateway", gateway) if self.profile.api_version >= (1, 44) else None
        else:
            subnet = self._subnet_for_new_network()
            gateway = str(next(subnet.hosts()))
            cfg = [{"Subnet": str(subnet), "Gateway": gateway}]
        net = Network(
            id=self.new_hex(),
            name=name,
            driver=driver,
            created=self.now() if created is None else created,
            internal=internal,
            attachable=attachable,
            enable_ipv6=enable_ipv6,
            ipam_driver=ipam.get("Driver") or "default",
            ipam_options=ipam.get("Options") or {},
            ipam_config=cfg,
            labels=dict(labels or {}),
            options=dict(options or {}),
            subnet=subnet,
            gateway=gateway,
        )
        self.networks[net.id] = net
        if emit:
            self._nevent(net, "create")
            self.changed()
        return net

    def remove_network(self, ref: str) -> None:
        net = self.find_network(ref)
        if net.predefined:
            raise SimError(403, f"{net.name} is a pre-defined network and cannot be removed")
        if self.network_members(net):
            raise SimError(
                403,
                f"error while removing network: network {net.name} id {net.id} "
                "has active endpoints",
            )
        del self.networks[net.id]
        for c in self.containers.values():
            c.endpoints.pop(net.name, None)
        self._nevent(net, "destroy")
        self.changed()

    def connect_network(
        self, ref: str, container_ref: str, endpoint_config: dict[str, Any] | None = None
    ) -> None:
        net = self.find_network(ref)
        c = self.find_container(container_ref)
        if net.name in c.endpoints:
            raise SimError(403, f"endpoint with name {c.name} already exists in network {net.name}")
        if net.name in ("host", "none") or c.host_config.get("NetworkMode") in ("host", "none"):
            raise SimError(
                400,
                "container cannot be disconnected from host network or connected to host network",
            )
        cfg = endpoint_config or {}
        ep = Endpoint(
            network_id=net.id,
            network_name=net.name,
            requested_ip=(cfg.get("IPAMConfig") or {}).get("IPv4Address") or None,
            aliases=cfg.get("Aliases"),
        )
        if ep.requested_ip and net.subnet is not None:
            try:
                ok = ipaddress.IPv4Address(ep.requested_ip) in net.subnet
            except ValueError:
                ok = False
            if not ok:
                raise SimError(
                    400,
                    f"no configured subnet or ip-range contain the IP address {ep.requested_ip}",
                )
            if ep.requested_ip in net.allocated:
                raise SimError(403, f"Address already in use: {ep.requested_ip}")
        c.endpoints[net.name] = ep
        if c.running:
            self._attach_endpoint(c, ep)
            self._nevent(net, "connect", c.id)
        self.changed()

    def disconnect_network(self, ref: str, container_ref: str, force: bool = False) -> None:
        net = self.find_network(ref)
        c = self.find_container(container_ref)
        ep = c.endpoints.get(net.name)
        if ep is None:
            raise SimError(403, f"container {c.id} is not connected to network {net.name}")
        del c.endpoints[net.name]
        if ep.ip:
            self._detach_endpoint(ep)
        if c.running:
            self._nevent(net, "disconnect", c.id)
        self.changed()

    def prune_networks(self, keep: Iterable[Network] = ()) -> list[str]:
        keep_ids = {n.id for n in keep}
        gone: list[str] = []
        for net in list(self.networks.values()):
            if net.predefined or net.id in keep_ids:
                continue
            if any(net.name in c.endpoints for c in self.containers.values()):
                continue
            del self.networks[net.id]
            self._nevent(net, "destroy")
            gone.append(net.name)
        if gone:
            self.events.emit("network", "prune", "", {"reclaimed": "0"})
            self.changed()
        return gone

    # ---- volumes ---------------------------------------------------------------------

    def _make_volume(
        self,
        name: str,
        driver: str,
        labels: dict[str, str],
        options: dict[str, str] | None,
        *,
        anonymous: bool = False,
        created: float | None = None,
    ) -> Volume:
        vol = Volume(
            name=name,
            driver=driver,
            created=self.now() if created is None else created,
            labels=dict(labels),
            options=options,
            anonymous=anonymous,
            size=self.rng.randint(0, 400) * 1024**2 // 4,
        )
        if anonymous and self.profile.api_version >= (1, 44):
            vol.labels.setdefault("com.docker.volume.anonymous", "")
        self.volumes[name] = vol
        return vol

    def create_volume(
        self,
        name: str | None = None,
        driver: str = "local",
        labels: dict[str, str] | None = None,
        driver_opts: dict[str, str] | None = None,
    ) -> Volume:
        if name and not _NAME_RE.match(name):
            raise SimError(
                400,
                f'create {name}: "{name}" includes invalid characters for a local volume name, '
                'only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host '
                "directory, use absolute path",
            )
        if driver != "local":
            raise SimError(
                404,
                f"create {name}: error looking up volume plugin {driver}: "
                f'plugin "{driver}" not found',
            )
        vol = self.volumes.get(name or "")
        if vol is None:
            vol = self._make_volume(
                name or self.new_hex(), driver, labels or {}, driver_opts, anonymous=not name
            )
        # dockerd emits "volume create" again even when the volume exists.
        self._vevent(vol, "create")
        self.changed()
        return vol

    def remove_volume(self, name: str, force: bool = False) -> None:
        vol = self.volumes.get(name)
        if vol is None:
            if force:
                return
            raise no_such_volume(name)
        users = self.containers_using_volume(name)
        if users:
            ids = " ".join(c.id for c in users)
            raise SimError(409, f"remove {name}: volume is in use - [{ids}]")
        del self.volumes[name]
        self._vevent(vol, "destroy")
        self.changed()

    def prune_volumes(
        self, include_named: bool, keep: Iterable[Volume] = ()
    ) -> tuple[list[str], int]:
        keep_names = {v.name for v in keep}
        gone: list[str] = []
        space = 0
        for vol in list(self.volumes.values()):
            if vol.name in keep_names or self.containers_using_volume(vol.name):
                continue
            if not vol.anonymous and not include_named:
                continue
            del self.volumes[vol.name]
            self._vevent(vol, "destroy")
            gone.append(vol.name)
            space += vol.size
        if gone:
            self.events.emit("volume", "prune", "", {"reclaimed": str(space)})
            self.changed()
        return gone, space

    def prune_build_cache(self, all_: bool) -> tuple[list[str], int]:
        gone = [b for b in self.build_cache if all_ or not b.shared]
        self.build_cache = [b for b in self.build_cache if b not in gone]
        return [b.id for b in gone], sum(b.size for b in gone)
