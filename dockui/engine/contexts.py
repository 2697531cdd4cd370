"""Docker CLI contexts read from the CLI's own store, so dockui goes where `docker` goes.

Layout (verified against docker CLI 28): `$DOCKER_CONFIG/config.json` holds
`currentContext`; `contexts/meta/<sha256(name)>/meta.json` holds the endpoint; TLS files
live in `contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem`. The `default` context is
implicit (DOCKER_HOST or the default socket) and never on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dockui.engine.targets import DEFAULT_HOST, Target, TargetError, TLSSettings, parse_host


@dataclass(frozen=True)
class Context:
    name: str
    host: str
    description: str = ""
    skip_tls_verify: bool = False
    tls_dir: str | None = None

    def target(self) -> Target:
        tls: TLSSettings | None = None
        if self.tls_dir:
            d = Path(self.tls_dir)

            def f(n: str) -> str | None:
                return str(d / n) if (d / n).is_file() else None

            tls = TLSSettings(
                verify=not self.skip_tls_verify,
                ca=f("ca.pem"),
                cert=f("cert.pem"),
                key=f("key.pem"),
            )
        elif self.skip_tls_verify:
            tls = TLSSettings(verify=False)
        t = parse_host(self.host, source=f"context {self.name}", tls=tls)
        return Target(t.scheme, t.address, t.tls, t.source, self.name, t.ssh_socket)


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("DOCKER_CONFIG"):
        return Path(env["DOCKER_CONFIG"]).expanduser()
    return Path(env.get("HOME") or Path.home()) / ".docker"


def context_id(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def current_context_name(env: Mapping[str, str] | None = None) -> str:
    """DOCKER_CONTEXT, else `currentContext` in config.json, else "default"."""
    env = os.environ if env is None else env
    if env.get("DOCKER_CONTEXT"):
        return env["DOCKER_CONTEXT"]
    try:
        data = json.loads((config_dir(env) / "config.json").read_text())
    except (OSError, ValueError):
        return "default"
    name = data.get("currentContext") if isinstance(data, dict) else None
    return name if isinstance(name, str) and name else "default"


def _default_context(env: Mapping[str, str]) -> Context:
    return Context(
        "default", env.get("DOCKER_HOST") or DEFAULT_HOST, "Current DOCKER_HOST based configuration"
    )


def load_context(name: str, env: Mapping[str, str] | None = None) -> Context:
    """One context by name; TargetError with a clear sentence when it does not exist."""
    env = os.environ if env is None else env
    if name == "default":
        return _default_context(env)
    base = config_dir(env) / "contexts"
    meta_path = base / "meta" / context_id(name) / "meta.json"
    try:
        meta = json.loads(meta_path.read_text())
    except FileNotFoundError as exc:
        raise TargetError(f"context {name!r} does not exist (looked in {base / 'meta'})") from exc
    except (OSError, ValueError) as exc:
        raise TargetError(f"context {name!r} cannot be read: {exc}") from exc
    return _from_meta(meta, base, fallback_name=name)


def _from_meta(meta: object, base: Path, *, fallback_name: str) -> Context:
    if not isinstance(meta, dict):
        raise TargetError(f"context {fallback_name!r} has a malformed meta.json")
    name = meta.get("Name") if isinstance(meta.get("Name"), str) else fallback_name
    endpoint = ((meta.get("Endpoints") or {}).get("docker")) or {}
    host = endpoint.get("Host") if isinstance(endpoint, dict) else None
    if not isinstance(host, str) or not host:
        raise TargetError(f"context {name!r} has no docker endpoint")
    tls_dir = base / "tls" / context_id(name) / "docker"
    desc = (
        (meta.get("Metadata") or {}).get("Description", "")
        if isinstance(meta.get("Metadata"), dict)
        else ""
    )
    return Context(
        name=name,
        host=host,
        description=str(desc or ""),
        skip_tls_verify=bool(endpoint.get("SkipTLSVerify")),
        tls_dir=str(tls_dir) if tls_dir.is_dir() else None,
    )


def list_contexts(env: Mapping[str, str] | None = None) -> list[Context]:
    """Every context in the store, `default` first, the rest by name."""
    env = os.environ if env is None else env
    out = [_default_context(env)]
    base = config_dir(env) / "contexts"
    found: list[Context] = []
    for meta_path in sorted((base / "meta").glob("*/meta.json")):
        try:
            found.append(
                _from_meta(
                    json.loads(meta_path.read_text()), base, fallback_name=meta_path.parent.name
                )
            )
        except (OSError, ValueError, TargetError):
            continue  # one broken context must not hide the others
    return out + sorted(found, key=lambda c: c.name)
