"""Conformance: the same client-level checks against the simulator and the real dockerd.

Every test runs twice, on a fresh SimEngine posing as API 1.41 and on the shared dockerd
20.10, and asserts on the client's typed results (models, exception classes, messages,
event sequences). When the two disagree the real engine is right and the simulator is
the one to fix. Both sides import the same busybox rootfs, so the set-up is identical
too; only where the image comes from differs (a session import on dockerd).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from e2e_support import (
    BUSYBOX,
    BUSYBOX_REPO,
    BUSYBOX_TAG,
    LABELS,
    SLEEPER,
    TEST_LABEL,
    busybox_rootfs_tar,
    read_until,
    unique_name,
)

from dockui.engine import (
    Conflict,
    DockerClient,
    EngineError,
    Forbidden,
    NotFound,
    NotModified,
    Target,
    parse_host,
)
from dockui.engine.models import Event
from dockui.engine.stats import parse_stats
from dockui.sim import SimConfig, SimEngine

CONF_LABEL = "dockui.test.conformance"


@dataclass
class Engine:
    """One side of the comparison: a connected client plus what it created, for cleanup."""

    kind: str
    client: DockerClient
    image: str
    containers: list[str] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    async def container(
        self,
        cmd: list[str] | None = None,
        *,
        start: bool = True,
        labels: dict[str, str] | None = None,
        **config: Any,
    ) -> str:
        body: dict[str, Any] = {
            "Image": self.image,
            "Cmd": cmd or SLEEPER,
            "Labels": {**LABELS, **(labels or {})},
            **config,
        }
        cid = await self.client.create_container(body, name=unique_name("conf"))
        self.containers.append(cid)
        if start:
            await self.client.start(cid)
        return cid

    async def cleanup(self) -> None:
        c = self.client
        for cid in reversed(self.containers):
            with contextlib.suppress(NotFound):
                await c.remove_container(cid, force=True, volumes=True)
        for nid in reversed(self.networks):
            with contextlib.suppress(NotFound):
                await c.remove_network(nid)
        for name in reversed(self.volumes):
            with contextlib.suppress(NotFound):
                await c.remove_volume(name, force=True)
        for ref in reversed(self.images):
            with contextlib.suppress(NotFound):
                await c.remove_image(ref, force=True)


@dataclass(frozen=True)
class Side:
    """Which engine a test runs on; for dockerd, its target and the session test image."""

    kind: str
    target: Target | None = None
    image: str = BUSYBOX


@pytest.fixture(params=["sim", "dockerd"])
def side(request: pytest.FixtureRequest) -> Side:
    # Sync on purpose: the session image import runs its own event loop (asyncio.run),
    # which cannot start inside the async fixture below.
    if request.param == "sim":
        return Side("sim")
    image = request.getfixturevalue("busybox_image")
    return Side("dockerd", request.getfixturevalue("engine_target"), image)


@pytest.fixture
async def eng(side: Side) -> AsyncIterator[Engine]:
    if side.target is not None:
        image, target = side.image, side.target
        async with DockerClient(target) as client:
            e = Engine("dockerd", client, image)
            try:
                yield e
            finally:
                await e.cleanup()
        return
    # tmp_path can exceed the 108-byte limit of unix socket paths; /tmp stays short.
    tmp = tempfile.mkdtemp(prefix="dconf-", dir="/tmp")
    sim = SimEngine(
        SimConfig(containers=5, seed=1, api_version="1.41", stats_interval=0.2, log_interval=0.2)
    )
    await sim.start(socket_path=f"{tmp}/s.sock")
    try:
        async with DockerClient(parse_host(f"unix://{tmp}/s.sock", source="sim")) as client:
            await client.import_image(
                busybox_rootfs_tar(),
                repo=BUSYBOX_REPO,
                tag=BUSYBOX_TAG,
                changes=['CMD ["sh"]', f"LABEL {TEST_LABEL}=1"],
            )
            e = Engine("sim", client, BUSYBOX)
            try:
                yield e
            finally:
                await e.cleanup()
    finally:
        await sim.stop()
        shutil.rmtree(tmp, ignore_errors=True)


async def state_of(eng: Engine, cid: str) -> str:
    return str((await eng.client.inspect_container(cid))["State"]["Status"])


async def test_version_negotiation(eng: Engine) -> None:
    assert eng.client.api_version == "1.41"
    ping = eng.client.ping_info
    assert ping is not None
    assert ping.api_version == "1.41"
    assert ping.os_type == "linux"
    assert ping.server.startswith("Docker/")
    assert ping.podman is False
    version = await eng.client.version()
    assert version["ApiVersion"] == "1.41"
    assert version["MinAPIVersion"] == "1.12"


async def test_create_list_start(eng: Engine) -> None:
    tag = uuid.uuid4().hex[:10]
    cmd = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
    cid = await eng.container(cmd, start=False, labels={CONF_LABEL: tag}, Env=["A=1", "B=two"])
    found = await eng.client.containers(filters={"label": [f"{CONF_LABEL}={tag}"]})
    assert [c.id for c in found] == [cid]
    c = found[0]
    assert len(c.names) == 1 and c.names[0].startswith("dockui-test-conf-")
    assert c.image == eng.image
    assert c.state == "created"
    assert c.status == "Created"
    assert c.labels == {TEST_LABEL: "1", CONF_LABEL: tag}
    # dockerd quotes arguments that hold a space (no escaping of inner quotes).
    assert c.command == "sh -c 'trap 'exit 0' TERM; sleep 3600 & wait'"
    assert c.ports == ()
    assert c.image_id.startswith("sha256:")
    info = await eng.client.inspect_container(cid)
    assert "A=1" in info["Config"]["Env"] and "B=two" in info["Config"]["Env"]

    await eng.client.start(cid)
    (c,) = await eng.client.containers(filters={"label": [f"{CONF_LABEL}={tag}"]})
    assert c.state == "running"
    assert c.status.startswith("Up")
    # Only running containers appear without all=1.
    running = await eng.client.containers(all=False, filters={"id": [cid]})
    assert [r.id for r in running] == [cid]


async def test_lifecycle_events_in_order(eng: Engine) -> None:
    since = time.time() - 1
    cid = await eng.container(start=False)
    await eng.client.start(cid)
    await eng.client.stop(cid, timeout=5)
    await eng.client.restart(cid, timeout=5)
    await eng.client.remove_container(cid, force=True)
    await asyncio.sleep(0.2)
    until = time.time() + 1
    events: list[Event] = []
    async with asyncio.timeout(20):
        async for ev in eng.client.events(
            filters={"container": [cid]}, since=f"{since:.3f}", until=f"{until:.3f}"
        ):
            events.append(ev)
    seq = [(e.type, e.verb) for e in events]
    # dockerd's stop is a SIGTERM kill, the exit (die), then stop; restart adds no stop.
    # The `container` filter matches the actor only, so the network connect/disconnect
    # events about this container (actor: the network) are not part of the replay.
    assert seq == [
        ("container", "create"),
        ("container", "start"),
        ("container", "kill"),
        ("container", "die"),
        ("container", "stop"),
        ("container", "start"),
        ("container", "restart"),
        ("container", "kill"),
        ("container", "die"),
        ("container", "destroy"),
    ], "\n".join(map(str, seq))
    container_events = [e for e in events if e.type == "container"]
    assert all(e.actor_id == cid for e in container_events)
    assert {e.attributes.get("image") for e in container_events} == {eng.image}


async def test_pause_unpause_and_state_errors(eng: Engine) -> None:
    c = eng.client
    cid = await eng.container()
    assert await state_of(eng, cid) == "running"
    with pytest.raises(NotModified):
        await c.start(cid)
    await c.pause(cid)
    assert await state_of(eng, cid) == "paused"
    (summary,) = await c.containers(filters={"id": [cid]})
    assert summary.state == "paused" and summary.status.endswith("(Paused)")
    await c.unpause(cid)
    assert await state_of(eng, cid) == "running"
    with pytest.raises(Conflict) as conflict:
        await c.remove_container(cid)
    assert str(conflict.value).startswith(
        f"You cannot remove a running container {cid}. Stop the container before "
        "attempting removal or force remove"
    ), str(conflict.value)


async def test_unknown_container_is_not_found(eng: Engine) -> None:
    missing = "dockui-test-missing-" + uuid.uuid4().hex[:8]
    with pytest.raises(NotFound) as exc:
        await eng.client.inspect_container(missing)
    assert str(exc.value) == f"No such container: {missing}"
    with pytest.raises(NotFound) as exc:
        await eng.client.start(missing)
    assert str(exc.value) == f"No such container: {missing}"


async def test_logs_demux_stdout_and_stderr(eng: Engine) -> None:
    cid = await eng.container(["sh", "-c", "echo to-out; echo to-err >&2; sleep 3600"])
    lines = []
    async with asyncio.timeout(15):
        while not {1, 2} <= {ln.stream for ln in lines}:
            lines = [ln async for batch in eng.client.logs(cid) for ln in batch]
            await asyncio.sleep(0.2)
    # Both deliver demultiplexed LogLine objects on stream 1 and stream 2. The simulator's
    # containers log their own seeded lines instead of running Cmd, so the exact texts are
    # compared on dockerd only.
    assert {ln.stream for ln in lines} == {1, 2}
    assert all(not ln.text.endswith("\n") for ln in lines)
    if eng.kind == "dockerd":
        # Two pipes, two copiers: dockerd does not keep the order across streams.
        assert sorted((ln.stream, ln.text) for ln in lines) == [(1, "to-out"), (2, "to-err")]
    stdout_only = [ln async for batch in eng.client.logs(cid, stderr=False) for ln in batch]
    assert stdout_only and {ln.stream for ln in stdout_only} == {1}


async def test_exec_tty_round_trip_and_exit_code(eng: Engine) -> None:
    c = eng.client
    cid = await eng.container()
    exec_id = await c.exec_create(cid, ["sh"], tty=True)
    async with c.exec_socket(exec_id, tty=True) as sock:
        await sock.write(b"echo $((6*7))\n")
        seen = await read_until(sock, lambda b: b"42\r\n" in b)
        assert b"42" in seen
        await sock.write(b"exit 3\n")
        with contextlib.suppress(EngineError, OSError):
            async with asyncio.timeout(10):
                while await sock.read():
                    pass
    info: dict[str, Any] = {}
    async with asyncio.timeout(10):
        while True:
            info = await c.exec_inspect(exec_id)
            if not info["Running"]:
                break
            await asyncio.sleep(0.1)
    assert info["ExitCode"] == 3
    assert info["ContainerID"] == cid
    assert info["ProcessConfig"]["tty"] is True


async def test_stats_first_sample_has_no_cpu(eng: Engine) -> None:
    cid = await eng.container()
    samples: list[dict[str, Any]] = []
    async with asyncio.timeout(15):
        async for raw in eng.client.stats(cid):
            samples.append(raw)
            if len(samples) == 2:
                break
    first = parse_stats(samples[0], container_id=cid)
    second = parse_stats(samples[1], samples[0], container_id=cid)
    assert first.cpu_percent is None
    assert second.cpu_percent is not None and second.cpu_percent >= 0.0
    for s in (first, second):
        assert s.mem_used > 0 and s.mem_limit > 0
        assert s.online_cpus >= 1
        assert s.pids >= 1
    for key in ("read", "preread", "cpu_stats", "precpu_stats", "memory_stats", "networks"):
        assert key in samples[1], key
    mem = samples[1]["memory_stats"]
    for key in ("usage", "limit", "stats"):
        assert key in mem, key
    assert samples[1]["id"] == cid and samples[1]["name"].startswith("/dockui-test-conf-")


async def test_stats_one_shot_waits_one_collection_and_stream_false_two(eng: Engine) -> None:
    """The stats hub's sampling rests on this: one-shot = the next collection, no precpu
    but the host fields to compute CPU% against our own previous sample; stream=false =
    two collections, the first priming precpu."""
    from dockui.state.history import read_time

    cid = await eng.container(["sh", "-c", "while :; do :; done"], NanoCpus=500_000_000)
    async with asyncio.timeout(30):
        primed = await eng.client.stats_once(cid)
        o1 = await eng.client.stats_once(cid, one_shot=True, lane="conf")
        o2 = await eng.client.stats_once(cid, one_shot=True, lane="conf")
        s1 = await eng.client.stats_once(cid)
        s2 = await eng.client.stats_once(cid)
    await eng.client.close_stats_lane("conf")

    def at(raw: dict[str, Any], key: str = "read") -> float:
        t = read_time(raw[key])
        assert t is not None, raw[key]
        return t

    # The collector cycle, from stream=false's own two collections.
    cycle = at(primed) - at(primed, "preread")
    assert 0.0 < cycle < 5.0
    for o in (o1, o2):
        assert o["precpu_stats"]["cpu_usage"]["total_usage"] == 0
        assert o["cpu_stats"]["system_cpu_usage"] > 0 and o["cpu_stats"]["online_cpus"] >= 1
    # Back to back, each one-shot is the next collection; each stream=false two more.
    assert abs((at(o2) - at(o1)) / cycle - 1) < 0.5, (at(o2) - at(o1), cycle)
    assert abs((at(s2) - at(s1)) / cycle - 2) < 0.5, (at(s2) - at(s1), cycle)
    assert abs((at(s2) - at(s2, "preread")) / cycle - 1) < 0.5
    assert parse_stats(o2).cpu_percent is None
    # Our own previous one-shot reading as "pre" gives the CPU% of the 0.5 CPU burner
    # (on the simulator: that container's seeded load, any value).
    own = parse_stats(o2, o1).cpu_percent
    assert own is not None and own >= 0.0
    if eng.kind == "dockerd":
        assert 35.0 <= own <= 60.0, own


async def test_inspect_has_the_fields_the_app_reads(eng: Engine) -> None:
    cid = await eng.container(Env=["X=1"])
    info = await eng.client.inspect_container(cid)
    assert info["Id"] == cid
    assert isinstance(info["Name"], str) and info["Name"].startswith("/")
    assert info["State"]["Status"] == "running"
    assert info["State"]["Running"] is True
    assert "X=1" in info["Config"]["Env"]
    assert info["Config"]["Labels"] == LABELS
    assert isinstance(info["HostConfig"], dict)
    assert info["HostConfig"]["NetworkMode"] == "default"
    networks = info["NetworkSettings"]["Networks"]
    assert list(networks) == ["bridge"]
    assert networks["bridge"]["IPAddress"]
    assert info["Mounts"] == []


def random_subnet() -> str:
    # A random /24 in a range dockerd's default pools do not hand out, so it cannot
    # collide with the networks already on the host (a collision would fail create).
    return f"10.{random.randint(200, 250)}.{random.randint(0, 255)}.0/24"


async def test_network_create_inspect_remove(eng: Engine) -> None:
    c = eng.client
    subnet = random_subnet()
    name = unique_name("net")
    nid = await c.create_network(name, labels=LABELS, subnet=subnet)
    eng.networks.append(nid)
    net = await c.inspect_network(nid)
    assert net.id == nid and net.name == name
    assert net.driver == "bridge" and net.scope == "local"
    assert [p.subnet for p in net.ipam] == [subnet]
    assert net.labels == LABELS
    listed = await c.networks(filters={"name": [name]})
    assert [n.id for n in listed] == [nid]

    cid = await eng.container(HostConfig={"NetworkMode": name})
    with pytest.raises(Forbidden) as exc:
        await c.remove_network(nid)
    assert "has active endpoints" in str(exc.value), str(exc.value)
    await c.remove_container(cid, force=True)
    await c.remove_network(nid)
    with pytest.raises(NotFound):
        await c.inspect_network(nid)


async def test_volume_lifecycle(eng: Engine) -> None:
    c = eng.client
    tag = uuid.uuid4().hex[:10]
    name = unique_name("vol")
    vol = await c.create_volume(name, labels={**LABELS, CONF_LABEL: tag})
    eng.volumes.append(name)
    assert vol.name == name and vol.driver == "local" and vol.scope == "local"
    assert vol.labels == {**LABELS, CONF_LABEL: tag}
    listed = await c.volumes(filters={"label": [f"{CONF_LABEL}={tag}"]})
    assert [v.name for v in listed] == [name]

    cid = await eng.container(start=False, HostConfig={"Binds": [f"{name}:/data"]})
    with pytest.raises(Conflict) as exc:
        await c.remove_volume(name)
    assert str(exc.value).startswith("remove " + name + ": volume is in use"), str(exc.value)
    await c.remove_container(cid)
    await c.remove_volume(name)
    assert await c.volumes(filters={"label": [f"{CONF_LABEL}={tag}"]}) == []
    with pytest.raises(NotFound):
        await c.inspect_volume(name)


async def test_volume_prune_on_141_removes_named_labelled_volume(eng: Engine) -> None:
    c = eng.client
    tag = uuid.uuid4().hex[:10]
    name = unique_name("vol")
    await c.create_volume(name, labels={**LABELS, CONF_LABEL: tag})
    eng.volumes.append(name)
    # Before API 1.42 prune removes unused named volumes too (no `all` filter needed).
    result = await c.prune_volumes(filters={"label": [f"{TEST_LABEL}=1", f"{CONF_LABEL}={tag}"]})
    assert result.deleted == (name,)
    with pytest.raises(NotFound):
        await c.inspect_volume(name)


async def test_image_tag_then_remove_untags(eng: Engine) -> None:
    c = eng.client
    repo = f"dockui-test/conf-{uuid.uuid4().hex[:10]}"
    await c.tag_image(eng.image, repo, "t1")
    eng.images.append(f"{repo}:t1")
    image = await c.inspect_image(f"{repo}:t1")
    assert f"{repo}:t1" in image["RepoTags"] and BUSYBOX in image["RepoTags"]
    removed = await c.remove_image(f"{repo}:t1")
    assert removed == [{"Untagged": f"{repo}:t1"}]
    with pytest.raises(NotFound):
        await c.inspect_image(f"{repo}:t1")
    # The original tag still holds the image.
    assert BUSYBOX in (await c.inspect_image(eng.image))["RepoTags"]
