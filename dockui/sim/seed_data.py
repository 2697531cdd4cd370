"""Seeded population of a simulated engine: a plausible host at any scale.

`populate(state, n)` creates N containers with images, networks and volumes in
proportion (N/10 images, N/20 networks, N/5 volumes), compose projects, a mix of
states and health, a few CPU burners and one container near its memory limit.
Same seed and clock give the same objects, ids and JSON. No events are emitted: this
is the engine's state before the client connects.
"""

from __future__ import annotations

import random
from typing import Any

from .objects import BuildCacheEntry, Container, StatsProfile
from .state import SimState

MiB = 1024**2

# (repo, tag, size MiB, cmd, exposed ports, env)
CATALOG: list[tuple[str, str, int, list[str], list[str], list[str]]] = [
    ("nginx", "1.25", 187, ["nginx", "-g", "daemon off;"], ["80/tcp"], ["NGINX_VERSION=1.25.3"]),
    ("redis", "7", 138, ["redis-server"], ["6379/tcp"], ["REDIS_VERSION=7.2.4"]),
    (
        "postgres",
        "16",
        432,
        ["postgres"],
        ["5432/tcp"],
        ["PG_MAJOR=16", "PGDATA=/var/lib/postgresql/data"],
    ),
    ("alpine", "3.19", 7, ["/bin/sh"], [], []),
    ("busybox", "latest", 4, ["sh"], [], []),
    ("python", "3.12-slim", 130, ["python3"], [], ["PYTHON_VERSION=3.12.1"]),
    ("node", "20", 1100, ["node"], [], ["NODE_VERSION=20.11.0"]),
    ("mysql", "8", 577, ["mysqld"], ["3306/tcp", "33060/tcp"], ["MYSQL_MAJOR=8.0"]),
    ("mongo", "7", 757, ["mongod"], ["27017/tcp"], ["MONGO_MAJOR=7.0"]),
    ("traefik", "v2.11", 158, ["traefik"], ["80/tcp"], []),
    (
        "grafana/grafana",
        "10.2.0",
        399,
        ["/run.sh"],
        ["3000/tcp"],
        ["GF_PATHS_DATA=/var/lib/grafana"],
    ),
    ("prom/prometheus", "v2.48.0", 245, ["/bin/prometheus"], ["9090/tcp"], []),
    ("rabbitmq", "3-management", 251, ["rabbitmq-server"], ["5672/tcp", "15672/tcp"], []),
    ("memcached", "1.6", 84, ["memcached"], ["11211/tcp"], []),
    ("httpd", "2.4", 167, ["httpd-foreground"], ["80/tcp"], []),
    ("caddy", "2", 46, ["caddy", "run"], ["80/tcp", "443/tcp"], []),
    ("registry", "2", 25, ["/etc/docker/registry/config.yml"], ["5000/tcp"], []),
    ("golang", "1.22", 814, ["bash"], [], ["GOLANG_VERSION=1.22.0"]),
    ("ubuntu", "22.04", 77, ["/bin/bash"], [], []),
    ("debian", "bookworm", 117, ["bash"], [], []),
]

SERVICES = ["web", "api", "db", "cache", "worker", "proxy", "queue", "scheduler", "metrics"]
PROJECTS = [
    "shop",
    "blog",
    "billing",
    "auth",
    "search",
    "chat",
    "analytics",
    "media",
    "crm",
    "wiki",
    "ci",
    "mail",
    "maps",
    "notes",
    "forum",
    "payments",
    "reports",
    "gateway",
]
SERVICE_IMAGE = {
    "web": "nginx",
    "proxy": "traefik",
    "db": "postgres",
    "cache": "redis",
    "queue": "rabbitmq",
    "metrics": "prom/prometheus",
}


def _image_config(cmd: list[str], ports: list[str], env: list[str]) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "Cmd": cmd,
        "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", *env],
    }
    if ports:
        cfg["ExposedPorts"] = {p: {} for p in ports}
    return cfg


def populate_registry(state: SimState) -> None:
    """What `docker pull` can find: the catalog, plus small images for tests."""
    for repo, tag, *_ in CATALOG:
        state.registry.setdefault(repo, ["latest"])
        if tag not in state.registry[repo]:
            state.registry[repo].append(tag)
    state.registry.setdefault("hello-world", ["latest"])
    for name in state.config.pull_fail:
        repo = name.split(":")[0]
        state.registry.setdefault(repo, ["latest"])


def populate(state: SimState, n: int) -> None:
    rng = random.Random(state.config.seed)
    now = state.now()
    day = 86400.0
    populate_registry(state)

    # Predefined networks, as on a fresh dockerd.
    bridge = state.create_network(
        "bridge",
        ipam={"Config": [{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]},
        options={
            "com.docker.network.bridge.default_bridge": "true",
            "com.docker.network.bridge.enable_icc": "true",
            "com.docker.network.bridge.enable_ip_masquerade": "true",
            "com.docker.network.bridge.host_binding_ipv4": "0.0.0.0",
            "com.docker.network.bridge.name": "docker0",
            "com.docker.network.driver.mtu": "1500",
        },
        created=now - 40 * day,
        emit=False,
    )
    bridge.ipam_options = None
    for special in ("host", "none"):
        net = state.create_network(special, "bridge", created=now - 40 * day, emit=False)
        net.driver = "host" if special == "host" else "null"
        net.subnet = None
        net.gateway = ""
        net.ipam_config = []
        net.ipam_options = None

    # Images: the catalog first, then versioned in-house images; some dangling, and a
    # few built FROM another local image so "dependent child images" can happen.
    n_images = max(8, n // 10)
    images = []
    for i in range(n_images):
        repo, tag, size, cmd, ports, env = CATALOG[i % len(CATALOG)]
        if i >= len(CATALOG):
            repo, tag = (
                f"acme/svc-{i - len(CATALOG)}",
                f"1.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
            )
        created = now - rng.uniform(2, 200) * day
        img = state.add_image(
            [f"{repo}:{tag}"]
            + ([f"{repo}:latest"] if i < len(CATALOG) and rng.random() < 0.3 else []),
            size=int(size * MiB * rng.uniform(0.9, 1.1)),
            created=created,
            config=_image_config(cmd, ports, env),
            labels={"org.opencontainers.image.source": f"https://example.com/{repo}"}
            if rng.random() < 0.3
            else None,
        )
        images.append(img)
    n_dangling = max(1, n_images // 8)
    for _ in range(n_dangling):
        state.add_image(
            [],
            size=int(rng.uniform(5, 300) * MiB),
            created=now - rng.uniform(1, 60) * day,
            digest=False,
        )
    base = images[3 % len(images)]
    child = state.add_image(
        ["acme/app-base:1"],
        size=base.size + 12 * MiB,
        created=now - 3 * day,
        config=_image_config(["/bin/sh"], [], []),
        parent=base.id,
    )
    images.append(child)
    state.add_image(
        ["acme/app:1"],
        size=child.size + 3 * MiB,
        created=now - 2 * day,
        config=_image_config(["/app/run"], ["8080/tcp"], []),
        parent=child.id,
        labels={"org.opencontainers.image.title": "app"},
    )

    # Volumes: named ones used by db/cache services, anonymous ones, and unused ones.
    n_volumes = max(3, n // 5)
    volumes = []
    for i in range(n_volumes):
        anonymous = rng.random() < 0.3
        name = state.new_hex() if anonymous else f"data-{i}"
        vol = state._make_volume(
            name,
            "local",
            {"com.example.tier": rng.choice(["hot", "cold"])} if rng.random() < 0.3 else {},
            None,
            anonymous=anonymous,
            created=now - rng.uniform(1, 100) * day,
        )
        volumes.append(vol)

    # User networks: compose project networks plus a few plain ones.
    n_projects = max(1, int(n * 0.6) // 4)
    n_networks = max(2, n // 20)
    project_names = [
        PROJECTS[i % len(PROJECTS)] + ("" if i < len(PROJECTS) else str(i // len(PROJECTS)))
        for i in range(n_projects)
    ]
    project_nets = {}
    for i in range(n_networks):
        if i < n_projects:
            p = project_names[i]
            project_nets[p] = state.create_network(
                f"{p}_default",
                labels={"com.docker.compose.network": "default", "com.docker.compose.project": p},
                created=now - rng.uniform(1, 30) * day,
                emit=False,
            )
        else:
            state.create_network(f"net-{i}", created=now - rng.uniform(1, 30) * day, emit=False)

    # Containers.
    free_volumes = [v for v in volumes if rng.random() < 0.7]
    burners = max(2, n // 50)
    paused_left = min(2, n)
    made: list[Container] = []
    compose_slots: list[tuple[str, str]] = []
    for p in project_names:
        for svc in rng.sample(SERVICES, rng.randint(2, 5)):
            compose_slots.append((p, svc))
    for i in range(n):
        body: dict[str, Any]
        labels: dict[str, str] = {}
        hc: dict[str, Any] = {}
        name: str
        if i < len(compose_slots) and i < int(n * 0.6) + 1:
            project, svc = compose_slots[i]
            repo = SERVICE_IMAGE.get(svc)
            img = next(
                (
                    m
                    for m in images
                    if repo and m.repo_tags and m.repo_tags[0].startswith(repo + ":")
                ),
                None,
            )
            img = img or images[rng.randrange(len(images))]
            name = f"{project}-{svc}-1"
            labels = {
                "com.docker.compose.project": project,
                "com.docker.compose.service": svc,
                "com.docker.compose.container-number": "1",
                "com.docker.compose.oneoff": "False",
                "com.docker.compose.version": "2.24.5",
                "com.docker.compose.project.working_dir": f"/srv/{project}",
                "com.docker.compose.project.config_files": f"/srv/{project}/compose.yaml",
                "com.docker.compose.config-hash": f"{rng.getrandbits(256):064x}",
                "com.docker.compose.image": img.id,
            }
            if project in project_nets:
                hc["NetworkMode"] = project_nets[project].name
        else:
            img = images[rng.randrange(len(images))]
            name = state.random_name() if rng.random() < 0.5 else f"app-{i}"
            if rng.random() < 0.1:
                hc["NetworkMode"] = rng.choice(["host", "none"])
        if name in state.names:
            name = f"{name}-{i}"
        ports = list((img.config.get("ExposedPorts") or {}).keys())
        if ports and rng.random() < 0.4 and hc.get("NetworkMode") not in ("host", "none"):
            hc["PortBindings"] = {ports[0]: [{"HostIp": "", "HostPort": str(8000 + i)}]}
        if free_volumes and rng.random() < 0.4:
            vol = free_volumes.pop()
            hc["Binds"] = [f"{vol.name}:/data"]
        if rng.random() < 0.25:
            hc["RestartPolicy"] = {
                "Name": rng.choice(["always", "unless-stopped", "on-failure"]),
                "MaximumRetryCount": 0,
            }
        body = {
            "Image": img.repo_tags[0] if img.repo_tags else img.id,
            "Labels": labels,
            "HostConfig": hc,
        }
        if i < 12 and rng.random() < 0.25:
            body["Tty"] = True
        if rng.random() < 0.15:
            body["Healthcheck"] = {
                "Test": ["CMD-SHELL", "wget -q -O- localhost || exit 1"],
                "Interval": 30_000_000_000,
            }
        created = now - rng.uniform(0.02, 30) * day
        c = state.create_from_body(body, name, created=created, emit=False)
        c.stats = StatsProfile(
            cpu_mean=rng.uniform(0.002, 0.05), mem_base=int(rng.uniform(6, 300) * MiB)
        )
        c.size_rw = int(rng.uniform(0, 50) * MiB)
        c.size_root_fs = img.size + c.size_rw
        c.ignores_sigterm = rng.random() < 0.2
        roll = rng.random()
        if roll < 0.70:
            state._bring_up(c)
            c.started_at = created + rng.uniform(1, 60)
            if paused_left and i % 7 == 3:
                c.status = "paused"
                paused_left -= 1
            if c.healthcheck:
                c.health = "unhealthy" if rng.random() < 0.3 else "healthy"
                c.health_failing = 4 if c.health == "unhealthy" else 0
        elif roll < 0.95:
            c.status = "exited"
            c.started_at = created + rng.uniform(1, 60)
            c.finished_at = c.started_at + rng.uniform(60, (now - c.started_at) * 0.9 + 61)
            c.finished_at = min(c.finished_at, now - 5)
            c.exit_code = rng.choice([0, 0, 0, 1, 137, 143, 2])
            if c.healthcheck:
                c.health = "unhealthy"
        made.append(c)

    running = [c for c in made if c.status == "running"]
    for c in rng.sample(running, min(burners, len(running))):
        c.stats = StatsProfile(cpu_mean=rng.uniform(0.8, 1.9), mem_base=c.stats.mem_base)
    if running:
        hog = running[-1]
        hog.host_config["Memory"] = 256 * MiB
        hog.stats = StatsProfile(
            cpu_mean=hog.stats.cpu_mean, mem_base=int(246 * MiB), near_limit=True
        )
    # Paused containers are only meaningful when someone asks; make sure two exist.
    while paused_left and running:
        c = running.pop(0)
        if c.status == "running":
            c.status = "paused"
            paused_left -= 1

    # Bringing containers up recorded connect/mount events; the engine's history starts
    # empty, as after a daemon start.
    state.events.ring.clear()

    # Build cache from earlier builds, for /system/df and /build/prune.
    for i in range(max(2, n // 25)):
        t = now - rng.uniform(1, 20) * day
        state.build_cache.append(
            BuildCacheEntry(
                id=f"{rng.getrandbits(100):025x}",
                description=rng.choice(
                    [
                        "mount / from exec /bin/sh -c apk add curl",
                        "pulled from docker.io/library/alpine",
                    ]
                ),
                size=int(rng.uniform(1, 80) * MiB),
                created=t,
                last_used=t + day,
                shared=i % 3 == 0,
            )
        )
