"""System routes: /_ping, /version, /info, /system/df, /events."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from .api_common import Call, json_response
from .clock import parse_timestamp_ns, rfc3339nano
from .errors import SimError
from .events import EVENT_FILTERS
from .filters import parse_filters
from .server import AnyResponse, Response, StreamResponse
from .shapes import container_summary, image_summary, volume_json
from .versions import fmt_version

KERNEL = "6.1.0-28-amd64"


async def ping(call: Call) -> AnyResponse:
    prof = call.state.profile
    headers = [
        ("Cache-Control", "no-cache, no-store, must-revalidate"),
        ("Pragma", "no-cache"),
    ]
    if prof.api_version >= (1, 42):
        headers += [("Builder-Version", "2"), ("Swarm", "inactive")]
    return Response(200, b"OK", content_type="text/plain; charset=utf-8", headers=headers)


async def version(call: Call) -> AnyResponse:
    prof = call.state.profile
    details = {
        "ApiVersion": fmt_version(prof.api_version),
        "Arch": "amd64",
        "BuildTime": "2023-04-12T12:00:00.000000000+00:00",
        "Experimental": "false",
        "GitCommit": prof.git_commit,
        "GoVersion": prof.go_version,
        "KernelVersion": KERNEL,
        "MinAPIVersion": fmt_version(prof.min_api_version),
        "Os": "linux",
    }
    return json_response(
        {
            "Platform": {"Name": "Docker Engine - Community" if prof.api_version > (1, 41) else ""},
            "Components": [
                {"Name": "Engine", "Version": prof.server_version, "Details": details},
                {
                    "Name": "containerd",
                    "Version": prof.containerd_version,
                    "Details": {"GitCommit": "1.6.20~ds1"},
                },
                {
                    "Name": "runc",
                    "Version": prof.runc_version,
                    "Details": {"GitCommit": "1.1.5+ds1-1"},
                },
                {"Name": "docker-init", "Version": "0.19.0", "Details": {"GitCommit": ""}},
            ],
            "Version": prof.server_version,
            "ApiVersion": fmt_version(prof.api_version),
            "MinAPIVersion": fmt_version(prof.min_api_version),
            "GitCommit": prof.git_commit,
            "GoVersion": prof.go_version,
            "Os": "linux",
            "Arch": "amd64",
            "KernelVersion": KERNEL,
            "BuildTime": "2023-04-12T12:00:00.000000000+00:00",
        }
    )


async def info(call: Call) -> AnyResponse:
    st = call.state
    prof = st.profile
    cs = list(st.containers.values())
    running = sum(1 for c in cs if c.status == "running")
    paused = sum(1 for c in cs if c.status == "paused")
    d: dict[str, Any] = {
        "ID": ":".join(st.engine_id[i : i + 4] for i in range(0, 32, 4)),
        "Containers": len(cs),
        "ContainersRunning": running,
        "ContainersPaused": paused,
        "ContainersStopped": len(cs) - running - paused,
        "Images": len(st.images),
        "Driver": "overlay2",
        "DriverStatus": [
            ["Backing Filesystem", "extfs"],
            ["Supports d_type", "true"],
            ["Native Overlay Diff", "true"],
        ],
        "Plugins": {
            "Volume": ["local"],
            "Network": ["bridge", "host", "ipvlan", "macvlan", "null", "overlay"],
            "Authorization": None,
            "Log": [
                "awslogs",
                "fluentd",
                "gcplogs",
                "gelf",
                "journald",
                "json-file",
                "local",
                "syslog",
            ],
        },
        "MemoryLimit": True,
        "SwapLimit": False,
        "CpuCfsPeriod": True,
        "CpuCfsQuota": True,
        "CPUShares": True,
        "CPUSet": True,
        "PidsLimit": True,
        "IPv4Forwarding": True,
        "BridgeNfIptables": True,
        "BridgeNfIp6tables": True,
        "Debug": False,
        "NFd": 30 + len(cs) * 3,
        "OomKillDisable": True,
        "NGoroutines": 40 + len(cs) * 4,
        "SystemTime": rfc3339nano(st.now()),
        "LoggingDriver": "json-file",
        "CgroupDriver": "cgroupfs",
        "CgroupVersion": "1",
        "NEventsListener": len(st.events.subscribers),
        "KernelVersion": KERNEL,
        "OperatingSystem": "Debian GNU/Linux 12 (bookworm)",
        "OSVersion": "12",
        "OSType": "linux",
        "Architecture": "x86_64",
        "IndexServerAddress": "https://index.docker.io/v1/",
        "RegistryConfig": {
            "AllowNondistributableArtifactsCIDRs": [],
            "AllowNondistributableArtifactsHostnames": [],
            "InsecureRegistryCIDRs": ["127.0.0.0/8"],
            "IndexConfigs": {
                "docker.io": {"Name": "docker.io", "Mirrors": [], "Secure": True, "Official": True}
            },
            "Mirrors": [],
        },
        "NCPU": st.config.ncpu,
        "MemTotal": st.config.mem_total,
        "GenericResources": None,
        "DockerRootDir": "/var/lib/docker",
        "HttpProxy": "",
        "HttpsProxy": "",
        "NoProxy": "",
        "Name": st.config.name,
        "Labels": [],
        "ExperimentalBuild": False,
        "ServerVersion": prof.server_version,
        "Runtimes": {"runc": {"path": "runc"}, "io.containerd.runc.v2": {"path": "runc"}},
        "DefaultRuntime": "runc",
        "Swarm": {
            "NodeID": "",
            "NodeAddr": "",
            "LocalNodeState": "inactive",
            "ControlAvailable": False,
            "Error": "",
            "RemoteManagers": None,
        },
        "LiveRestoreEnabled": False,
        "Isolation": "",
        "InitBinary": "docker-init",
        "ContainerdCommit": {"ID": "1.6.20~ds1", "Expected": "1.6.20~ds1"},
        "RuncCommit": {"ID": "1.1.5+ds1-1", "Expected": "1.1.5+ds1-1"},
        "InitCommit": {"ID": "", "Expected": ""},
        "SecurityOptions": ["name=apparmor", "name=seccomp,profile=default"],
        "Warnings": ["WARNING: No swap limit support"],
    }
    if prof.api_version < (1, 42):
        d["KernelMemory"] = True
        d["KernelMemoryTCP"] = True
    return json_response(d)


async def system_df(call: Call) -> AnyResponse:
    st = call.state
    types = set(call.req.q_all("type")) if call.api >= (1, 42) else set()
    want = lambda t: not types or t in types  # noqa: E731 - tiny predicate
    images = [
        image_summary(st, i, call.api) for i in sorted(st.images.values(), key=lambda i: -i.created)
    ]
    for d, img in zip(images, sorted(st.images.values(), key=lambda i: -i.created), strict=True):
        d["Containers"] = len(st.containers_using_image(img))
        d["SharedSize"] = 0
    containers = [
        container_summary(st, c, call.api, size=True)
        for c in sorted(st.containers.values(), key=lambda c: -c.created)
    ]
    volumes = [
        volume_json(st, v, with_usage=True)
        for v in sorted(st.volumes.values(), key=lambda v: v.name)
    ]
    cache = [
        {
            "ID": b.id,
            "Parent": "",
            "Type": b.type,
            "Description": b.description,
            "InUse": b.in_use,
            "Shared": b.shared,
            "Size": b.size,
            "CreatedAt": rfc3339nano(b.created),
            "LastUsedAt": rfc3339nano(b.last_used),
            "UsageCount": b.usage_count,
        }
        for b in st.build_cache
    ]
    d: dict[str, Any] = {"LayersSize": sum(i.size for i in st.images.values())}
    d["Images"] = images if want("image") else None
    d["Containers"] = containers if want("container") else None
    d["Volumes"] = volumes if want("volume") else None
    d["BuildCache"] = cache if want("build-cache") else None
    if call.api < (1, 42):
        d["BuilderSize"] = sum(b.size for b in st.build_cache)
    if call.api >= (1, 52):
        active_imgs = [i for i in st.images.values() if st.containers_using_image(i)]
        d["ImagesUsage"] = {
            "ActiveCount": len(active_imgs),
            "TotalCount": len(st.images),
            "Reclaimable": sum(i.size for i in st.images.values())
            - sum(i.size for i in active_imgs),
            "TotalSize": sum(i.size for i in st.images.values()),
        }
        running = [c for c in st.containers.values() if c.running]
        d["ContainersUsage"] = {
            "ActiveCount": len(running),
            "TotalCount": len(st.containers),
            "Reclaimable": sum(c.size_rw for c in st.containers.values() if not c.running),
            "TotalSize": sum(c.size_rw for c in st.containers.values()),
        }
        used_vols = [v for v in st.volumes.values() if st.containers_using_volume(v.name)]
        d["VolumesUsage"] = {
            "ActiveCount": len(used_vols),
            "TotalCount": len(st.volumes),
            "Reclaimable": sum(v.size for v in st.volumes.values())
            - sum(v.size for v in used_vols),
            "TotalSize": sum(v.size for v in st.volumes.values()),
        }
        d["BuildCacheUsage"] = {
            "ActiveCount": sum(1 for b in st.build_cache if b.in_use),
            "TotalCount": len(st.build_cache),
            "Reclaimable": sum(b.size for b in st.build_cache if not b.in_use),
            "TotalSize": sum(b.size for b in st.build_cache),
        }
    return json_response(d)


async def events(call: Call) -> AnyResponse:
    st = call.state
    bus = st.events
    f = parse_filters(call.req.q("filters"), EVENT_FILTERS)
    now = st.now()
    try:
        since = call.req.q("since")
        until = call.req.q("until")
        since_ns = parse_timestamp_ns(since, now) if since else None
        until_ns = parse_timestamp_ns(until, now) if until else None
    except ValueError as exc:
        raise SimError(400, f"failed to parse value as time or duration: {exc}") from exc
    if since_ns is not None and until_ns is not None and since_ns > until_ns:
        raise SimError(400, "since time cannot be after until time")
    legacy = call.api <= (1, 51)
    accept = call.req.headers.get("accept", "")
    content_type = "application/json"
    prefix = b""
    if call.api >= (1, 52) and "application/x-ndjson" in accept:
        content_type = "application/x-ndjson"
    elif call.api >= (1, 52) and "application/json-seq" in accept:
        content_type, prefix = "application/json-seq", b"\x1e"
    # Subscribe before taking the replay so nothing falls between the two.
    sub = bus.subscribe(f)
    replay = bus.replay(since_ns, until_ns, f)

    async def gen() -> AsyncIterator[bytes]:
        try:
            for ev in replay:
                yield prefix + ev.line(legacy)
            while True:
                if until_ns is not None:
                    remaining = (until_ns - int(st.now() * 1e9)) / 1e9
                    if remaining <= 0:
                        return
                    try:
                        ev = await asyncio.wait_for(sub.queue.get(), remaining)
                    except TimeoutError:
                        return
                    if ev.time_nano > until_ns:
                        return
                else:
                    ev = await sub.queue.get()
                yield prefix + ev.line(legacy)
        finally:
            sub.close()

    return StreamResponse(200, gen(), content_type=content_type)


ROUTES = [
    ("GET", r"/_ping", ping),
    ("HEAD", r"/_ping", ping),
    ("GET", r"/version", version),
    ("GET", r"/info", info),
    ("GET", r"/system/df", system_df),
    ("GET", r"/events", events),
]
