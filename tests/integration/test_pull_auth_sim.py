"""Pulls against the simulated engine: progress parsing into rows, the X-Registry-Auth the
engine receives (from config.json auths and from a credential helper this test writes),
and an error object in the middle of a 200 stream."""

from __future__ import annotations

import base64
import json
import stat
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from dockui.engine.auth import DOCKER_HUB, resolve_auth
from dockui.engine.client import DockerClient
from dockui.engine.errors import NotFound, StreamError
from dockui.engine.progress import PullProgress
from dockui.engine.targets import parse_host
from dockui.sim import SimEngine
from dockui.ui.forms.validators import parse_image_ref

SimFactory = Callable[..., Awaitable[SimEngine]]


def _client(sim: SimEngine) -> DockerClient:
    return DockerClient(parse_host(f"unix://{sim.socket_path}"))


def _decode_header(value: str | None) -> dict[str, str]:
    assert value, "the engine received no X-Registry-Auth"
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


async def _pull(dc: DockerClient, ref: str, progress: PullProgress, auth: dict | None) -> None:  # type: ignore[type-arg]
    parsed = parse_image_ref(ref)
    async for event in dc.pull(parsed.name, tag=parsed.pull_tag, auth=auth):
        progress.feed(event)


async def test_progress_rows_and_overall(sim: SimEngine) -> None:
    sim.state.registry["example/fresh"] = ["1.0"]
    progress = PullProgress()
    overall: list[tuple[int, int]] = []
    async with _client(sim) as dc:
        parsed = parse_image_ref("example/fresh:1.0")
        async for event in dc.pull(parsed.name, tag=parsed.pull_tag):
            progress.feed(event)
            overall.append(progress.overall())
        assert any("example/fresh:1.0" in t for i in await dc.images() for t in i.repo_tags)
    assert progress.layers, "no layer rows"
    assert all(row.status == "Pull complete" for row in progress.layers.values())
    assert all(row.total > 0 and row.fraction == 1.0 for row in progress.layers.values())
    current, total = progress.overall()
    assert total == 2 * sum(r.total for r in progress.layers.values())
    assert current == total
    currents = [c for c, _ in overall]
    assert currents == sorted(currents), "overall progress went backwards"
    assert progress.status == "Status: Downloaded newer image for example/fresh:1.0"
    assert progress.messages[0] == "1.0: Pulling from example/fresh"


async def test_auth_from_config_reaches_the_engine(sim: SimEngine, tmp_path: Path) -> None:
    sim.state.registry["registry.example.com/team/app"] = ["v1"]
    secret = base64.b64encode(b"alice:pa:ss").decode()
    (tmp_path / "config.json").write_text(
        json.dumps({"auths": {"https://registry.example.com": {"auth": secret}}})
    )
    ref = "registry.example.com/team/app:v1"
    auth = resolve_auth(ref, config_dir=str(tmp_path), env={"PATH": "/bin"})
    async with _client(sim) as dc:
        await _pull(dc, ref, PullProgress(), auth)
    assert _decode_header(sim.state.last_registry_auth) == {
        "username": "alice",
        "password": "pa:ss",
        "serveraddress": "registry.example.com",
    }


async def test_auth_from_a_credential_helper(sim: SimEngine, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-dockuitest"
    # Answers only for Docker Hub's server URL, read from stdin as the CLI passes it.
    helper.write_text(
        "#!/bin/sh\n"
        '[ "$1" = get ] || exit 2\n'
        "read server\n"
        f'if [ "$server" = "{DOCKER_HUB}" ]; then\n'
        '  echo \'{"ServerURL":"x","Username":"<token>","Secret":"hub-identity-token"}\'\n'
        "else echo 'credentials not found in native keychain'; exit 1; fi\n"
    )
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "config.json").write_text(json.dumps({"credsStore": "dockuitest"}))
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}

    auth = resolve_auth("hello-world", config_dir=str(cfg), env=env)
    progress = PullProgress()
    async with _client(sim) as dc:
        await _pull(dc, "hello-world", progress, auth)
    assert _decode_header(sim.state.last_registry_auth) == {
        "identitytoken": "hub-identity-token",
        "serveraddress": DOCKER_HUB,
    }
    assert progress.status.startswith("Status: ")
    # Another registry: the helper has nothing, so the pull goes out without the header.
    sim.state.registry["quay.io/x/y"] = ["latest"]
    assert resolve_auth("quay.io/x/y", config_dir=str(cfg), env=env) is None
    async with _client(sim) as dc:
        await _pull(dc, "quay.io/x/y", PullProgress(), None)
    assert sim.state.last_registry_auth is None


async def test_error_object_mid_stream(sim: SimEngine) -> None:
    progress = PullProgress()
    async with _client(sim) as dc:
        with pytest.raises(StreamError) as info:
            await _pull(dc, "example/broken", progress, None)
    assert "unexpected EOF" in str(info.value)
    # Rows seen before the failure are kept (the form shows where it stopped).
    assert progress.layers
    assert any(r.status == "Downloading" for r in progress.layers.values())
    assert not all(r.done for r in progress.layers.values())


async def test_unknown_repository_is_a_not_found(sim: SimEngine) -> None:
    async with _client(sim) as dc:
        with pytest.raises(NotFound, match="pull access denied"):
            await _pull(dc, "nosuch/repo", PullProgress(), None)
