"""JSON shapes of objects, field for field as dockerd sends them, per request API version.

Dicts are built in dockerd's field order so byte-level snapshots look like the real
thing; Go maps (Labels, Networks) are emitted with sorted keys like Go does.
"""

from __future__ import annotations

from typing import Any

from dockui.engine.status_age import human_duration

from .clock import ZERO_TIME, rfc3339_seconds, rfc3339nano
from .objects import Container, Endpoint, Image, Network, Volume
from .state import SimState
from .versions import Version


def _sorted(d: dict[str, Any] | None) -> dict[str, Any]:
    return dict(sorted((d or {}).items()))


def command_line(c: Container) -> str:
    # dockerd wraps each argument holding a space in single quotes, without escaping the
    # quotes inside (measured on 20.10: `sh -c 'trap 'exit 0' TERM; ...'`).
    return " ".join([c.path, *(f"'{a}'" if " " in a else a for a in c.args)])


def status_text(c: Container, now: float) -> str:
    """The `Status` column of /containers/json ("Up 2 hours (healthy)")."""
    if c.status in ("running", "paused"):
        text = "Up " + human_duration(now - (c.started_at or now))
        if c.status == "paused":
            return text + " (Paused)"
        if c.health == "starting":
            return text + " (health: starting)"
        if c.health in ("healthy", "unhealthy"):
            return text + f" ({c.health})"
        return text
    if c.status == "restarting":
        return f"Restarting ({c.exit_code}) {human_duration(now - (c.finished_at or now))} ago"
    if c.status == "exited":
        return f"Exited ({c.exit_code}) {human_duration(now - (c.finished_at or now))} ago"
    if c.status == "dead":
        return "Dead"
    return "Created"


def endpoint_json(ep: Endpoint, api: Version, short_id: str) -> dict[str, Any]:
    d: dict[str, Any] = {
        "IPAMConfig": {"IPv4Address": ep.requested_ip} if ep.requested_ip else None,
        "Links": None,
        "Aliases": ep.aliases,
    }
    if api >= (1, 44):
        d["MacAddress"] = ep.mac
    d.update(
        {
            "NetworkID": ep.network_id,
            "EndpointID": ep.endpoint_id,
            "Gateway": ep.gateway,
            "IPAddress": ep.ip,
            "IPPrefixLen": ep.prefix,
            "IPv6Gateway": "",
            "GlobalIPv6Address": "",
            "GlobalIPv6PrefixLen": 0,
        }
    )
    if api < (1, 44):
        d["MacAddress"] = ep.mac
    d["DriverOpts"] = None
    if api >= (1, 44):
        d["DNSNames"] = (
            [ep.network_name, short_id]
            if ep.network_name not in ("bridge", "host", "none")
            else None
        )
    return d


def _ports_list(c: Container) -> list[dict[str, Any]]:
    if not c.running:
        return []
    out: list[dict[str, Any]] = []
    bindings = c.host_config.get("PortBindings") or {}
    for spec in sorted(c.exposed_ports):
        port, _, proto = spec.partition("/")
        proto = proto or "tcp"
        bound = bindings.get(spec) or []
        if not bound:
            out.append({"PrivatePort": int(port), "Type": proto})
        for b in bound:
            host_port = int(b.get("HostPort") or port)
            host_ip = b.get("HostIp") or ""
            if host_ip:
                out.append(
                    {
                        "IP": host_ip,
                        "PrivatePort": int(port),
                        "PublicPort": host_port,
                        "Type": proto,
                    }
                )
            else:
                out.append(
                    {
                        "IP": "0.0.0.0",
                        "PrivatePort": int(port),
                        "PublicPort": host_port,
                        "Type": proto,
                    }
                )
                out.append(
                    {"IP": "::", "PrivatePort": int(port), "PublicPort": host_port, "Type": proto}
                )
    return out


def _ports_map(c: Container) -> dict[str, Any]:
    if not c.running:
        return {}
    bindings = c.host_config.get("PortBindings") or {}
    out: dict[str, Any] = {}
    for spec in sorted(c.exposed_ports):
        bound = bindings.get(spec)
        if not bound:
            out[spec] = None
            continue
        lst = []
        for b in bound:
            hp = b.get("HostPort") or spec.split("/")[0]
            if b.get("HostIp"):
                lst.append({"HostIp": b["HostIp"], "HostPort": hp})
            else:
                lst += [{"HostIp": "0.0.0.0", "HostPort": hp}, {"HostIp": "::", "HostPort": hp}]
        out[spec] = lst
    return out


def _mounts(c: Container) -> list[dict[str, Any]]:
    out = []
    for m in c.mounts:
        if m.type == "volume":
            out.append(
                {
                    "Type": "volume",
                    "Name": m.name,
                    "Source": m.source,
                    "Destination": m.destination,
                    "Driver": "local",
                    "Mode": "z" if m.rw else "ro",
                    "RW": m.rw,
                    "Propagation": "",
                }
            )
        else:
            out.append(
                {
                    "Type": "bind",
                    "Source": m.source,
                    "Destination": m.destination,
                    "Mode": "" if m.rw else "ro",
                    "RW": m.rw,
                    "Propagation": "rprivate",
                }
            )
    return out


def container_summary(
    state: SimState, c: Container, api: Version, size: bool = False
) -> dict[str, Any]:
    """One entry of GET /containers/json."""
    d: dict[str, Any] = {
        "Id": c.id,
        "Names": ["/" + c.name],
        "Image": c.image,
        "ImageID": c.image_id,
        "Command": command_line(c),
        "Created": int(c.created),
        "Ports": _ports_list(c),
    }
    if size:
        d["SizeRw"] = c.size_rw
        d["SizeRootFs"] = c.size_root_fs
    d["Labels"] = _sorted(c.labels)
    d["State"] = c.status
    d["Status"] = status_text(c, state.now())
    if api >= (1, 52) and c.health:
        d["Health"] = {"Status": c.health, "FailingStreak": c.health_failing}
    d["HostConfig"] = {"NetworkMode": c.host_config.get("NetworkMode", "default")}
    d["NetworkSettings"] = {
        "Networks": {
            name: endpoint_json(ep, api, c.id[:12]) for name, ep in sorted(c.endpoints.items())
        }
    }
    d["Mounts"] = _mounts(c)
    return d


def container_inspect(
    state: SimState, c: Container, api: Version, size: bool = False
) -> dict[str, Any]:
    state_obj: dict[str, Any] = {
        "Status": c.status,
        "Running": c.status in ("running", "paused"),
        "Paused": c.status == "paused",
        "Restarting": c.status == "restarting",
        "OOMKilled": c.oom_killed,
        "Dead": c.status == "dead",
        "Pid": c.pid,
        "ExitCode": c.exit_code,
        "Error": "",
        "StartedAt": rfc3339nano(c.started_at) if c.started_at else ZERO_TIME,
        "FinishedAt": rfc3339nano(c.finished_at) if c.finished_at else ZERO_TIME,
    }
    if c.healthcheck:
        probe_t = c.started_at or c.created
        state_obj["Health"] = {
            "Status": c.health or "starting",
            "FailingStreak": c.health_failing,
            "Log": [
                {
                    "Start": rfc3339nano(probe_t + 30 * i),
                    "End": rfc3339nano(probe_t + 30 * i + 0.05),
                    "ExitCode": 1 if c.health == "unhealthy" else 0,
                    "Output": "unhealthy: connection refused\n"
                    if c.health == "unhealthy"
                    else "ok\n",
                }
                for i in range(1, 4)
            ]
            if c.health in ("healthy", "unhealthy")
            else [],
        }
    hc = dict(c.host_config)
    mode = hc.get("NetworkMode", "default")
    resolv_dir = f"/var/lib/docker/containers/{c.id}"
    config: dict[str, Any] = {
        "Hostname": c.hostname,
        "Domainname": "",
        "User": "",
        "AttachStdin": False,
        "AttachStdout": True,
        "AttachStderr": True,
    }
    if c.exposed_ports:
        config["ExposedPorts"] = {k: {} for k in sorted(c.exposed_ports)}
    config.update(
        {
            "Tty": c.tty,
            "OpenStdin": c.open_stdin,
            "StdinOnce": False,
            "Env": c.env,
            "Cmd": c.cmd,
        }
    )
    if c.healthcheck:
        config["Healthcheck"] = c.healthcheck
    config.update(
        {
            "Image": c.image,
            "Volumes": {m.destination: {} for m in c.mounts if m.anonymous} or None,
            "WorkingDir": c.working_dir,
            "Entrypoint": c.entrypoint,
            "OnBuild": None,
            "Labels": _sorted(c.labels),
        }
    )
    netset: dict[str, Any] = {
        "Bridge": "",
        "SandboxID": c.id[::-1] if c.running else "",
        "HairpinMode": False,
        "LinkLocalIPv6Address": "",
        "LinkLocalIPv6PrefixLen": 0,
        "Ports": _ports_map(c),
        "SandboxKey": f"/var/run/docker/netns/{c.id[:12]}" if c.running else "",
        "SecondaryIPAddresses": None,
        "SecondaryIPv6Addresses": None,
    }
    bridge = c.endpoints.get("bridge")
    if api < (1, 52):
        netset.update(
            {
                "EndpointID": bridge.endpoint_id if bridge else "",
                "Gateway": bridge.gateway if bridge else "",
                "GlobalIPv6Address": "",
                "GlobalIPv6PrefixLen": 0,
                "IPAddress": bridge.ip if bridge else "",
                "IPPrefixLen": bridge.prefix if bridge else 0,
                "IPv6Gateway": "",
                "MacAddress": bridge.mac if bridge else "",
            }
        )
    else:
        for k in (
            "Bridge",
            "HairpinMode",
            "LinkLocalIPv6Address",
            "LinkLocalIPv6PrefixLen",
            "SecondaryIPAddresses",
            "SecondaryIPv6Addresses",
        ):
            netset.pop(k)
    netset["Networks"] = {
        name: endpoint_json(ep, api, c.id[:12]) for name, ep in sorted(c.endpoints.items())
    }
    d: dict[str, Any] = {
        "Id": c.id,
        "Created": rfc3339nano(c.created),
        "Path": c.path,
        "Args": c.args,
        "State": state_obj,
        "Image": c.image_id,
        "ResolvConfPath": f"{resolv_dir}/resolv.conf",
        "HostnamePath": f"{resolv_dir}/hostname",
        "HostsPath": f"{resolv_dir}/hosts",
        "LogPath": f"{resolv_dir}/{c.id}-json.log",
        "Name": "/" + c.name,
        "RestartCount": c.restart_count,
        "Driver": "overlay2",
        "Platform": "linux",
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": "docker-default",
        "ExecIDs": [e.id for e in state.execs.values() if e.container_id == c.id and e.running]
        or None,
        "HostConfig": hc,
        "GraphDriver": {
            "Data": {
                "LowerDir": f"/var/lib/docker/overlay2/{c.id}-init/diff",
                "MergedDir": f"/var/lib/docker/overlay2/{c.id}/merged",
                "UpperDir": f"/var/lib/docker/overlay2/{c.id}/diff",
                "WorkDir": f"/var/lib/docker/overlay2/{c.id}/work",
            },
            "Name": "overlay2",
        },
    }
    if size:
        d["SizeRw"] = c.size_rw
        d["SizeRootFs"] = c.size_root_fs
    d["Mounts"] = _mounts(c)
    d["Config"] = config
    d["NetworkSettings"] = netset
    if mode in ("host", "none"):
        d["NetworkSettings"]["Ports"] = {}
    return d


def image_summary(state: SimState, img: Image, api: Version) -> dict[str, Any]:
    tags = list(img.repo_tags)
    digests = list(img.repo_digests)
    if api < (1, 43):
        # Old engines sent placeholders for untagged images.
        tags = tags or ["<none>:<none>"]
        digests = digests or ["<none>@<none>"]
    d: dict[str, Any] = {
        "Containers": len(state.containers_using_image(img)) if api >= (1, 51) else -1,
        "Created": int(img.created),
        "Id": img.id,
        "Labels": _sorted(img.labels) or None,
        "ParentId": img.parent,
        "RepoDigests": digests,
        "RepoTags": tags,
        "SharedSize": -1,
        "Size": img.size,
    }
    if api < (1, 44):
        d["VirtualSize"] = img.size
    return d


def image_inspect(state: SimState, img: Image, api: Version) -> dict[str, Any]:
    cfg = {
        "Hostname": "",
        "Domainname": "",
        "User": "",
        "AttachStdin": False,
        "AttachStdout": False,
        "AttachStderr": False,
        "ExposedPorts": img.config.get("ExposedPorts"),
        "Tty": False,
        "OpenStdin": False,
        "StdinOnce": False,
        "Env": img.config.get("Env") or None,
        "Cmd": img.config.get("Cmd"),
        "Image": "",
        "Volumes": img.config.get("Volumes"),
        "WorkingDir": img.config.get("WorkingDir") or "",
        "Entrypoint": img.config.get("Entrypoint"),
        "OnBuild": None,
        "Labels": _sorted(img.labels) or None,
    }
    if cfg["ExposedPorts"] is None:
        del cfg["ExposedPorts"]
    if api >= (1, 50):
        cfg = {k: v for k, v in cfg.items() if v not in (None, "", False) or k in ("Cmd",)}
    d: dict[str, Any] = {
        "Id": img.id,
        "RepoTags": list(img.repo_tags),
        "RepoDigests": list(img.repo_digests),
        "Parent": img.parent,
        "Comment": img.comment,
        "Created": rfc3339nano(img.created),
    }
    if api < (1, 45):
        d["Container"] = ""
        d["ContainerConfig"] = {**cfg, "Cmd": None}
    d.update(
        {
            "DockerVersion": "20.10.24" if img.parent else "",
            "Author": "",
            "Config": cfg,
            "Architecture": "amd64",
            "Os": "linux",
            "Size": img.size,
        }
    )
    if api >= (1, 52):
        for k in ("Parent", "DockerVersion", "Author"):
            if not d[k]:
                del d[k]
    if api < (1, 44):
        d["VirtualSize"] = img.size
    d["GraphDriver"] = {
        "Data": {
            "MergedDir": f"/var/lib/docker/overlay2/{img.id[7:]}/merged",
            "UpperDir": f"/var/lib/docker/overlay2/{img.id[7:]}/diff",
            "WorkDir": f"/var/lib/docker/overlay2/{img.id[7:]}/work",
        },
        "Name": "overlay2",
    }
    d["RootFS"] = {"Type": "layers", "Layers": list(img.layers)}
    d["Metadata"] = {
        "LastTagTime": rfc3339nano(img.last_tag_time) if img.last_tag_time else ZERO_TIME
    }
    return d


def image_history(img: Image) -> list[dict[str, Any]]:
    out = []
    n = len(img.history)
    for i, (created_by, size) in enumerate(reversed(img.history)):
        out.append(
            {
                "Comment": "",
                "Created": int(img.created) - i * 60,
                "CreatedBy": created_by,
                "Id": img.id if i == 0 else "<missing>",
                "Size": size,
                "Tags": list(img.repo_tags) if i == 0 else None,
            }
        )
    assert len(out) == n
    return out


def network_json(
    state: SimState, net: Network, api: Version, with_containers: bool
) -> dict[str, Any]:
    containers: dict[str, Any] = {}
    if with_containers:
        for c in sorted(state.network_members(net), key=lambda c: c.id):
            ep = c.endpoints[net.name]
            containers[c.id] = {
                "Name": c.name,
                "EndpointID": ep.endpoint_id,
                "MacAddress": ep.mac,
                "IPv4Address": f"{ep.ip}/{ep.prefix}" if ep.ip else "",
                "IPv6Address": "",
            }
    d: dict[str, Any] = {
        "Name": net.name,
        "Id": net.id,
        "Created": rfc3339nano(net.created),
        "Scope": net.scope,
        "Driver": net.driver,
        "EnableIPv4": True,
        "EnableIPv6": net.enable_ipv6,
        "IPAM": {
            "Driver": net.ipam_driver,
            "Options": net.ipam_options,
            "Config": list(net.ipam_config),
        },
        "Internal": net.internal,
        "Attachable": net.attachable,
        "Ingress": net.ingress,
        "ConfigFrom": {"Network": ""},
        "ConfigOnly": False,
        "Containers": containers,
        "Options": _sorted(net.options),
        "Labels": _sorted(net.labels),
    }
    if api < (1, 48):
        del d["EnableIPv4"]
    return d


def volume_json(state: SimState, vol: Volume, with_usage: bool = False) -> dict[str, Any]:
    d: dict[str, Any] = {
        "CreatedAt": rfc3339_seconds(vol.created),
        "Driver": vol.driver,
        "Labels": _sorted(vol.labels) or None,
        "Mountpoint": vol.mountpoint,
        "Name": vol.name,
        "Options": vol.options,
        "Scope": "local",
    }
    if with_usage:
        d["UsageData"] = {
            "RefCount": len(state.containers_using_volume(vol.name)),
            "Size": vol.size,
        }
    return d
