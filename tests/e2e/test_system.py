"""Connecting to the real engine: version negotiation, system endpoints, and the errors a
user sees when the engine, the object or the permission is missing."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dockui.engine import (
    MAX_API,
    DockerClient,
    NotFound,
    PermissionDenied,
    Target,
    Unreachable,
    parse_host,
)
from dockui.engine.client import version_tuple


async def test_api_version_is_min_of_server_and_ours(engine_client: DockerClient) -> None:
    version = await engine_client.version()
    server = version["ApiVersion"]
    expected = min(server, MAX_API, key=version_tuple)
    assert engine_client.api_version == expected
    assert engine_client.ping_info is not None
    assert engine_client.ping_info.api_version == server
    assert engine_client.ping_info.os_type == "linux"


async def test_capped_client_speaks_the_lower_version(engine_target: Target) -> None:
    async with DockerClient(engine_target, max_api="1.41") as client:
        assert client.api_version == "1.41"
        info = await client.info()
        assert info["ID"] and info["ServerVersion"]


async def test_info_and_disk_usage(engine_client: DockerClient, busybox_image: str) -> None:
    info = await engine_client.info()
    assert info["NCPU"] >= 1 and info["OSType"] == "linux"
    df = await engine_client.df()
    tags = [t for img in df.images for t in img.get("RepoTags") or []]
    assert busybox_image in tags


@pytest.mark.parametrize(
    ("call", "what"),
    [
        ("inspect_container", "No such container"),
        ("remove_container", "No such container"),
        ("inspect_image", "no such image"),
        ("inspect_network", "network"),
        ("inspect_volume", "no such volume"),
    ],
)
async def test_unknown_ids_are_not_found(engine_client: DockerClient, call: str, what: str) -> None:
    with pytest.raises(NotFound) as exc:
        await getattr(engine_client, call)("dockui-test-no-such-object-5f3e")
    assert exc.value.status == 404
    assert what.lower() in exc.value.message.lower()


async def test_missing_socket_is_unreachable_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "nothing-here" / "docker.sock"
    client = DockerClient(parse_host(f"unix://{path}"))
    with pytest.raises(Unreachable) as exc:
        await client.connect()
    await client.aclose()
    assert not isinstance(exc.value, PermissionDenied)
    assert str(path) in exc.value.message
    assert "does not exist" in exc.value.message
    assert "start dockerd" in exc.value.hint


# Run as an unprivileged user in a child process: root ignores socket permissions. The
# imports and one failed connect happen before dropping privileges, so the child needs no
# read access to the checkout or the venv.
PERMISSION_PROBE = """
import asyncio, json, os, sys
from dockui.engine import DockerClient, parse_host

async def attempt(path):
    client = DockerClient(parse_host("unix://" + path))
    try:
        await client.connect()
        return {"type": None, "message": "connected"}
    except Exception as exc:
        return {"type": type(exc).__name__, "message": exc.message, "hint": exc.hint}
    finally:
        await client.aclose()

asyncio.run(attempt(sys.argv[1] + ".warmup-missing"))
if os.geteuid() == 0:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
print(json.dumps(asyncio.run(attempt(sys.argv[1]))))
"""


def test_permission_denied_mentions_the_docker_group(tmp_path: Path) -> None:
    sock_dir = tmp_path / "perm"
    sock_dir.mkdir()
    path = sock_dir / "docker.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(path))
        listener.listen(1)
        os.chmod(path, 0o000)
        # The unprivileged child must be able to reach the socket file itself.
        for parent in (sock_dir, *sock_dir.parents):
            if parent == Path("/"):
                break
            os.chmod(parent, os.stat(parent).st_mode | 0o111)
        proc = subprocess.run(
            [sys.executable, "-c", PERMISSION_PROBE, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        listener.close()
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["type"] == PermissionDenied.__name__, result
    assert "permission denied" in result["message"] and str(path) in result["message"]
    assert "docker" in result["hint"] and "group" in result["hint"]
