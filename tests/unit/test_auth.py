"""Registry credentials as the docker CLI finds them: auths, identity tokens, helpers."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from dockui.engine.auth import (
    DOCKER_HUB,
    CredentialError,
    registry_host,
    resolve_auth,
    server_address,
)
from dockui.engine.errors import EngineError


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def write_config(d: Path, data: dict) -> str:  # type: ignore[type-arg]
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.json").write_text(json.dumps(data))
    return str(d)


def write_helper(bin_dir: Path, name: str, script: str) -> None:
    """A `docker-credential-<name>` shell script (the test's own credential helper)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / f"docker-credential-{name}"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def env_with(bin_dir: Path) -> dict[str, str]:
    return {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": "/nonexistent"}


@pytest.mark.parametrize(
    ("ref", "host"),
    [
        ("nginx", "docker.io"),
        ("library/nginx:1", "docker.io"),
        ("me/app", "docker.io"),
        ("docker.io/me/app", "docker.io"),
        ("ghcr.io/me/app:v1", "ghcr.io"),
        ("localhost/app", "localhost"),
        ("localhost:5000/app", "localhost:5000"),
        ("registry:5000/app", "registry:5000"),
        ("10.0.0.1/app@sha256:" + "a" * 64, "10.0.0.1"),
    ],
)
def test_registry_host(ref: str, host: str) -> None:
    assert registry_host(ref) == host


def test_server_address() -> None:
    assert server_address("docker.io") == DOCKER_HUB
    assert server_address("ghcr.io") == "ghcr.io"


def test_no_config_is_anonymous(tmp_path: Path) -> None:
    assert resolve_auth("nginx", config_dir=str(tmp_path)) is None


def test_auths_user_password_for_hub(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, {"auths": {DOCKER_HUB: {"auth": b64("alice:s3:cret")}}})
    assert resolve_auth("nginx:latest", config_dir=cfg) == {
        "username": "alice",
        "password": "s3:cret",
        "serveraddress": DOCKER_HUB,
    }
    # Another registry has no entry: anonymous.
    assert resolve_auth("ghcr.io/x/y", config_dir=cfg) is None


def test_auths_key_forms_match_by_host(tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path,
        {"auths": {"https://registry.example.com/v1/": {"auth": b64("bob:pw")}}},
    )
    auth = resolve_auth("registry.example.com/team/app:1", config_dir=cfg)
    assert auth == {"username": "bob", "password": "pw", "serveraddress": "registry.example.com"}


def test_auths_identity_token(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, {"auths": {"ghcr.io": {"identitytoken": "tok-1"}}})
    assert resolve_auth("ghcr.io/me/app", config_dir=cfg) == {
        "identitytoken": "tok-1",
        "serveraddress": "ghcr.io",
    }


def test_docker_config_env(tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "alt", {"auths": {"ghcr.io": {"auth": b64("u:p")}}})
    auth = resolve_auth("ghcr.io/a/b", env={"DOCKER_CONFIG": cfg, "PATH": "/bin"})
    assert auth is not None and auth["username"] == "u"


def test_bad_base64_is_a_clear_error_without_the_secret(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, {"auths": {"ghcr.io": {"auth": "!!not-base64!!"}}})
    with pytest.raises(CredentialError) as info:
        resolve_auth("ghcr.io/a/b", config_dir=cfg)
    assert "not valid base64" in str(info.value)
    assert "!!not-base64!!" not in str(info.value)
    cfg = write_config(tmp_path, {"auths": {"ghcr.io": {"auth": b64("nocolon")}}})
    with pytest.raises(CredentialError, match="user:password"):
        resolve_auth("ghcr.io/a/b", config_dir=cfg)


def test_malformed_config_file(tmp_path: Path) -> None:
    tmp_path.joinpath("config.json").write_text("{nope")
    with pytest.raises(CredentialError, match="not valid JSON"):
        resolve_auth("nginx", config_dir=str(tmp_path))


def test_creds_store_helper(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    # The helper echoes back the server it was asked about, proving stdin carried it.
    write_helper(
        bin_dir,
        "teststore",
        'read server\nprintf \'{"ServerURL":"%s","Username":"carol","Secret":"pw-%s"}\' '
        '"$server" "$server"\n',
    )
    cfg = write_config(tmp_path / "cfg", {"credsStore": "teststore", "auths": {}})
    auth = resolve_auth("nginx", config_dir=cfg, env=env_with(bin_dir))
    assert auth == {
        "username": "carol",
        "password": f"pw-{DOCKER_HUB}",
        "serveraddress": DOCKER_HUB,
    }


def test_cred_helpers_win_over_store_and_token(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    write_helper(bin_dir, "store", 'echo \'{"Username":"wrong","Secret":"x"}\'\n')
    write_helper(
        bin_dir, "gh", 'cat >/dev/null\necho \'{"Username":"<token>","Secret":"id-tok"}\'\n'
    )
    cfg = write_config(tmp_path / "cfg", {"credsStore": "store", "credHelpers": {"ghcr.io": "gh"}})
    assert resolve_auth("ghcr.io/me/app", config_dir=cfg, env=env_with(bin_dir)) == {
        "identitytoken": "id-tok",
        "serveraddress": "ghcr.io",
    }
    # Another registry falls back to the store.
    other = resolve_auth("quay.io/x/y", config_dir=cfg, env=env_with(bin_dir))
    assert other is not None and other["username"] == "wrong"


def test_helper_not_found_means_anonymous(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    write_helper(bin_dir, "empty", "echo 'credentials not found in native keychain'\nexit 1\n")
    cfg = write_config(tmp_path / "cfg", {"credsStore": "empty"})
    assert resolve_auth("nginx", config_dir=cfg, env=env_with(bin_dir)) is None


def test_helper_failure_is_a_clear_error(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    write_helper(bin_dir, "broken", "echo 'keychain locked' >&2\nexit 3\n")
    cfg = write_config(tmp_path / "cfg", {"credsStore": "broken"})
    with pytest.raises(CredentialError, match=r"docker-credential-broken failed.*keychain locked"):
        resolve_auth("nginx", config_dir=cfg, env=env_with(bin_dir))
    write_helper(bin_dir, "garbage", "echo not-json\n")
    cfg = write_config(tmp_path / "cfg", {"credsStore": "garbage"})
    with pytest.raises(CredentialError, match="not JSON"):
        resolve_auth("nginx", config_dir=cfg, env=env_with(bin_dir))


def test_missing_helper_is_an_engine_error_naming_it(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, {"credsStore": "nosuchhelper"})
    with pytest.raises(EngineError) as info:
        resolve_auth("nginx", config_dir=cfg, env={"PATH": str(tmp_path)})
    text = str(info.value)
    assert "docker-credential-nosuchhelper" in text and "not installed" in text


async def test_async_variant(tmp_path: Path) -> None:
    from dockui.engine.auth import resolve_auth_async

    cfg = write_config(tmp_path, {"auths": {DOCKER_HUB: {"auth": b64("a:b")}}})
    auth = await resolve_auth_async("busybox", config_dir=cfg, env=dict(os.environ))
    assert auth is not None and auth["password"] == "b"
