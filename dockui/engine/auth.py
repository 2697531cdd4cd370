"""Registry credentials found the way the docker CLI finds them, for `X-Registry-Auth`.

The CLI reads `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`): a
`credHelpers[registry]` entry, else a global `credsStore`, names a program
`docker-credential-<name>` that is run as `… get` with the server address on stdin and
answers `{"ServerURL","Username","Secret"}` (`Username == "<token>"` means Secret is an
identity token). Without a helper, `auths[registry].auth` holds base64 `user:password`
(or `identitytoken`). Docker Hub's key is `https://index.docker.io/v1/`.

Secrets never appear in an exception message or a log line: errors name the registry,
the file and the helper, never what they returned.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dockui.engine.errors import EngineError

DOCKER_HUB = "https://index.docker.io/v1/"
HUB_HOSTS = ("index.docker.io", "docker.io", "registry-1.docker.io")
HELPER_TIMEOUT = 30.0  # helpers may unlock a keychain; do not hang a pull forever
_NOT_FOUND = "credentials not found"


class CredentialError(EngineError):
    """The saved credentials could not be read (bad config file, helper missing or failing)."""


def registry_host(image_ref: str) -> str:
    """The registry of a reference, split as the CLI does (`docker.io` when none is named).

    The first path component is a registry only if it has a `.` or `:` or is `localhost`
    (`nginx`, `library/nginx` and `me/app` are Docker Hub; `ghcr.io/me/app` is not).
    """
    ref = image_ref.strip()
    first, sep, _rest = ref.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


def server_address(host: str) -> str:
    """The key credentials are stored under: Docker Hub's index URL, else the host."""
    return DOCKER_HUB if host in HUB_HOSTS else host


def _hostname(key: str) -> str:
    """A config key (`https://ghcr.io`, `http://r:5000/v1/`, `ghcr.io`) reduced to its host."""
    k = key.strip()
    for scheme in ("https://", "http://"):
        if k.startswith(scheme):
            k = k[len(scheme) :]
            break
    host = k.split("/", 1)[0]
    return "index.docker.io" if host in HUB_HOSTS else host


def config_path(config_dir: str | None = None, env: Mapping[str, str] = os.environ) -> Path:
    """`config.json` in `config_dir`, else `$DOCKER_CONFIG`, else `~/.docker`."""
    base = config_dir or env.get("DOCKER_CONFIG") or ""
    if not base:
        home = env.get("HOME") or str(Path.home())
        base = os.path.join(home, ".docker")
    return Path(base) / "config.json"


def load_config(
    config_dir: str | None = None, env: Mapping[str, str] = os.environ
) -> dict[str, Any]:
    """The CLI's config file as a dict; {} when there is none."""
    path = config_path(config_dir, env)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise CredentialError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise CredentialError(f"{path} is not valid JSON (line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise CredentialError(f"{path} does not hold a JSON object")
    return data


def _helper_for(config: Mapping[str, Any], address: str, host: str) -> str:
    helpers = config.get("credHelpers")
    if isinstance(helpers, dict):
        for key in (address, host):
            name = helpers.get(key)
            if isinstance(name, str) and name:
                return name
    store = config.get("credsStore")
    return store if isinstance(store, str) else ""


def run_helper(
    helper: str, address: str, env: Mapping[str, str] = os.environ
) -> dict[str, str] | None:
    """`docker-credential-<helper> get` for one server; None when it has no credentials."""
    program = f"docker-credential-{helper}"
    exe = shutil.which(program, path=env.get("PATH", os.defpath))
    if exe is None:
        raise CredentialError(
            f"the credential helper {program} named in your docker config is not installed "
            "(not found on PATH)",
            hint=f"install {program}, or remove it from credsStore/credHelpers",
        )
    try:
        proc = subprocess.run(
            [exe, "get"],
            input=address.encode(),
            capture_output=True,
            timeout=HELPER_TIMEOUT,
            env=dict(env),
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise CredentialError(
            f"{program} did not answer within {HELPER_TIMEOUT:.0f} s for {address}"
        ) from None
    except OSError as exc:
        raise CredentialError(f"cannot run {program}: {exc.strerror or exc}") from None
    out = proc.stdout.decode("utf-8", errors="replace").strip()
    if proc.returncode != 0:
        # Helpers print the reason on stdout ("credentials not found in native keychain").
        reason = (out or proc.stderr.decode("utf-8", errors="replace")).strip()
        if _NOT_FOUND in reason.lower():
            return None
        first_line = reason.splitlines()[0][:200] if reason else f"exit status {proc.returncode}"
        raise CredentialError(f"{program} failed for {address}: {first_line}")
    try:
        data = json.loads(out)
    except ValueError:
        raise CredentialError(f"{program} answered something that is not JSON") from None
    if not isinstance(data, dict):
        raise CredentialError(f"{program} answered something that is not a JSON object")
    username = str(data.get("Username") or "")
    secret = str(data.get("Secret") or "")
    if not username and not secret:
        return None
    if username == "<token>":
        return {"identitytoken": secret, "serveraddress": address}
    return {"username": username, "password": secret, "serveraddress": address}


def _from_auths(config: Mapping[str, Any], address: str, host: str) -> dict[str, str] | None:
    auths = config.get("auths")
    if not isinstance(auths, dict):
        return None
    entry = auths.get(address)
    if not isinstance(entry, dict):
        entry = next(
            (
                v
                for k, v in auths.items()
                if isinstance(v, dict) and _hostname(k) == _hostname(host)
            ),
            None,
        )
    if not isinstance(entry, dict):
        return None
    out: dict[str, str] = {"serveraddress": address}
    encoded = entry.get("auth")
    if isinstance(encoded, str) and encoded:
        try:
            decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise CredentialError(
                f"the saved login for {address} in your docker config is not valid base64"
            ) from None
        user, sep, password = decoded.partition(":")
        if not sep:
            raise CredentialError(
                f"the saved login for {address} in your docker config is not user:password"
            )
        out["username"] = user
        out["password"] = password
    elif isinstance(entry.get("username"), str):
        out["username"] = entry["username"]
        out["password"] = str(entry.get("password") or "")
    token = entry.get("identitytoken")
    if isinstance(token, str) and token:
        out["identitytoken"] = token
    return out if len(out) > 1 else None


def resolve_auth(
    image_ref: str, *, config_dir: str | None = None, env: Mapping[str, str] = os.environ
) -> dict[str, str] | None:
    """The auth config for pulling `image_ref`, or None to pull anonymously.

    Raises CredentialError when the config names a helper that is missing or fails, or
    when the file itself is broken: the user then knows why the pull is anonymous.
    """
    host = registry_host(image_ref)
    address = server_address(host)
    config = load_config(config_dir, env)
    helper = _helper_for(config, address, host)
    if helper:
        return run_helper(helper, address, env)
    return _from_auths(config, address, host)


async def resolve_auth_async(
    image_ref: str, *, config_dir: str | None = None, env: Mapping[str, str] = os.environ
) -> dict[str, str] | None:
    """`resolve_auth` off the event loop (a helper may take a while to answer)."""
    return await asyncio.to_thread(resolve_auth, image_ref, config_dir=config_dir, env=env)
