"""A context store written by the docker CLI itself, read back by dockui."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from dockui.engine.contexts import list_contexts
from dockui.engine.targets import resolve_targets

pytestmark = pytest.mark.e2e


@pytest.mark.skipif(shutil.which("docker") is None, reason="docker CLI not installed")
def test_context_created_by_the_docker_cli(tmp_path: Path) -> None:
    env = {
        "DOCKER_CONFIG": str(tmp_path),
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    subprocess.run(
        [
            "docker",
            "context",
            "create",
            "dockui-e2e",
            "--description",
            "made by the CLI",
            "--docker",
            "host=tcp://127.0.0.1:23999",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["docker", "context", "use", "dockui-e2e"], env=env, check=True, capture_output=True
    )
    ctx = {c.name: c for c in list_contexts(env)}["dockui-e2e"]
    assert ctx.host == "tcp://127.0.0.1:23999"
    assert ctx.description == "made by the CLI"
    target = resolve_targets(env=env)[0]
    assert (target.scheme, target.address, target.name) == ("tcp", "127.0.0.1:23999", "dockui-e2e")
