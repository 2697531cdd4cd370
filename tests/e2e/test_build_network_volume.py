"""Issue 7 on a real dockerd: build from a directory (`.dockerignore`, build arg) and run
the result through the run form's body; a network with a subnet and a fixed address;
a labelled volume found by label and by the containers that use it."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path

import pytest
from e2e_support import LABELS, TEST_LABEL, unique_name

from dockui.engine import DockerClient, EngineError, NotFound, StreamError
from dockui.engine.build_context import dockerfile_in_context, make_context
from dockui.engine.container_config import form_values_from_inspect
from dockui.ui.forms.validators import (
    build_create_body,
    parse_gateway,
    parse_ip_range,
    parse_ipv4_in_subnets,
    parse_labels,
    parse_subnet,
)

DOCKERFILE = """\
FROM {base}
ARG GREETING=unset
LABEL {label}=1
COPY . /ctx/
RUN echo "greeting=$GREETING" > /greeting
CMD ["sh", "-c", "cat /greeting; cd /ctx && find . -type f | sort"]
"""


def _context(root: Path, base: str) -> Path:
    files = {
        "build/Dockerfile.e2e": DOCKERFILE.format(base=base, label=TEST_LABEL),
        ".dockerignore": "# not for the image\nsecret.txt\nlogs\n**/*.tmp\n!keep.tmp\n",
        "app/main.sh": "echo main\n",
        "secret.txt": "do not send",
        "logs/today.log": "noise",
        "app/cache.tmp": "noise",
        "keep.tmp": "kept by an exception",
    }
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    return root


async def _output(client: DockerClient, cid: str) -> str:
    await asyncio.wait_for(client.wait(cid), 30)
    lines: list[str] = []
    async for batch in client.logs(cid):
        lines.extend(line.text for line in batch)
    return "\n".join(lines)


async def test_build_directory_with_dockerignore_and_arg_then_run(
    engine_client: DockerClient, busybox_image: str, image_cleanup: list[str], tmp_path: Path
) -> None:
    root = _context(tmp_path / "ctx", busybox_image)
    dockerfile = dockerfile_in_context(root, "build/Dockerfile.e2e")
    tag = f"dockui-test/built-{uuid.uuid4().hex[:8]}:1"
    image_cleanup.append(tag)
    log: list[str] = []
    async for event in engine_client.build(
        make_context(root, dockerfile=dockerfile),
        tag=tag,
        dockerfile=dockerfile,
        buildargs={"GREETING": "hello-from-arg"},
        labels=LABELS,
    ):
        log.append(event.stream)
    assert any("Successfully tagged" in line for line in log), log

    name, body = build_create_body(
        {"image": tag, "name": unique_name("run"), "labels": f"{TEST_LABEL}=1", "memory": "64m"}
    )
    cid = await engine_client.create_container(body, name=name)
    try:
        await engine_client.start(cid)
        out = await _output(engine_client, cid)
        info = await engine_client.inspect_container(cid)
        assert info["HostConfig"]["Memory"] == 64 * 1024**2
        # "Duplicate" reads it back into the form unchanged (name aside).
        values = form_values_from_inspect(
            info, image_inspect=await engine_client.inspect_image(tag)
        )
        assert values["memory"] == "64m" and values["image"] == tag
    finally:
        await engine_client.remove_container(cid, force=True)
    assert "greeting=hello-from-arg" in out
    sent = {line.strip() for line in out.splitlines() if line.startswith("./")}
    assert sent == {
        "./.dockerignore",
        "./app/main.sh",
        "./build/Dockerfile.e2e",
        "./keep.tmp",
    }, out


async def test_failing_step_reports_its_message(
    engine_client: DockerClient, busybox_image: str, image_cleanup: list[str], tmp_path: Path
) -> None:
    root = tmp_path / "bad"
    root.mkdir()
    (root / "Dockerfile").write_text(
        f"FROM {busybox_image}\nLABEL {TEST_LABEL}=1\nRUN echo before && exit 3\n"
    )
    tag = f"dockui-test/failing-{uuid.uuid4().hex[:8]}:1"
    image_cleanup.append(tag)
    seen: list[str] = []
    with pytest.raises(StreamError, match="non-zero code: 3"):
        async for event in engine_client.build(make_context(root), tag=tag, labels=LABELS):
            seen.append(event.stream)
    assert any("before" in s for s in seen)


async def test_network_subnet_fixed_address_connect_disconnect(
    engine_client: DockerClient, make_container, busybox_image: str
) -> None:
    # A /24 in 10.213.x.0 that no other network here uses.
    used = {s for n in await engine_client.networks() for s in n.subnets}
    octet = next(i for i in range(10, 250) if f"10.213.{i}.0/24" not in used)
    subnet = parse_subnet(f"10.213.{octet}.0/24")
    gateway = parse_gateway(f"10.213.{octet}.1", subnet)
    ip_range = parse_ip_range(f"10.213.{octet}.128/25", subnet)
    name = unique_name("net")
    nid = await engine_client.create_network(
        name,
        labels=parse_labels(f"{TEST_LABEL}=1\npurpose=e2e"),
        subnet=str(subnet),
        gateway=gateway,
        ip_range=ip_range,
    )
    cid = await make_container()
    try:
        net = await engine_client.inspect_network(nid)
        assert net.subnets == (str(subnet),)
        assert net.ipam[0].gateway == gateway and net.ipam[0].ip_range == ip_range
        fixed = parse_ipv4_in_subnets(f"10.213.{octet}.9", net.subnets)
        await engine_client.connect_network(nid, cid, ipv4=fixed)

        net = await engine_client.inspect_network(nid)
        assert cid in net.containers
        assert net.containers[cid]["IPv4Address"] == f"{fixed}/24"
        info = await engine_client.inspect_container(cid)
        assert info["NetworkSettings"]["Networks"][name]["IPAddress"] == fixed

        await engine_client.disconnect_network(nid, cid)
        net = await engine_client.inspect_network(nid)
        assert cid not in net.containers
    finally:
        with contextlib.suppress(EngineError):  # already disconnected when the test passed
            await engine_client.disconnect_network(nid, cid, force=True)
        with contextlib.suppress(NotFound):
            await engine_client.remove_network(nid)
    with pytest.raises(NotFound):
        await engine_client.inspect_network(nid)


async def test_volume_labels_users_and_size(
    engine_client: DockerClient, make_volume, make_container
) -> None:
    case = uuid.uuid4().hex[:10]
    name = await make_volume(labels=parse_labels(f"dockui.case={case}\ntier=data"))
    found = await engine_client.volumes(filters={"label": [f"dockui.case={case}"]})
    assert [v.name for v in found] == [name]
    assert found[0].labels == {**LABELS, "dockui.case": case, "tier": "data"}

    _, body = build_create_body({"image": "x", "binds": f"{name}:/data"})
    cid = await make_container(
        ["sh", "-c", "head -c 65536 /dev/zero > /data/blob; sleep 3600"],
        host_config={"Binds": body["HostConfig"]["Binds"]},
    )
    users = await engine_client.containers(all=True, filters={"volume": [name]})
    assert [c.id for c in users] == [cid]

    async def sized() -> int:
        return (await engine_client.df(types=["volume"])).volume_sizes().get(name, -1)

    deadline = asyncio.get_running_loop().time() + 15
    while await sized() < 65536:
        assert asyncio.get_running_loop().time() < deadline, "volume size never reached 64 KiB"
        await asyncio.sleep(0.3)
