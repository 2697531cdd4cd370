"""Where the engine is: parse -H / DOCKER_HOST / TLS settings the way the docker CLI does.

Resolution order matches the CLI: `-H` flag, then `DOCKER_HOST`, then the default unix
socket (contexts are resolved by the caller before this and passed in as a host).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_SOCKET = "/var/run/docker.sock"
DEFAULT_HOST = f"unix://{DEFAULT_SOCKET}"


class TargetError(ValueError):
    """The host string or TLS settings cannot be used; the message says why."""


@dataclass(frozen=True)
class TLSSettings:
    """Client-side TLS material, as `--tlsverify --tlscacert --tlscert --tlskey` give it."""

    verify: bool = True
    ca: str | None = None
    cert: str | None = None
    key: str | None = None


@dataclass(frozen=True)
class Target:
    """One engine endpoint, normalised."""

    scheme: str  # "unix", "tcp", "ssh"
    address: str  # socket path for unix, "host:port" for tcp, "[user@]host[:port]" for ssh
    tls: TLSSettings | None = None
    source: str = "default"  # where it came from: "flag", "DOCKER_HOST", "context NAME", "default"
    name: str = ""
    ssh_socket: str | None = field(default=None)  # remote socket path for ssh:// targets

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.address}"

    @property
    def host(self) -> str:
        if self.scheme == "unix":
            return "localhost"
        hostport = self.address.rsplit("@", 1)[-1]
        if hostport.startswith("["):
            return hostport[1 : hostport.index("]")]
        return hostport.rsplit(":", 1)[0] if ":" in hostport else hostport

    @property
    def is_loopback(self) -> bool:
        return (
            self.scheme == "unix"
            or self.host in ("localhost", "127.0.0.1", "::1")
            or (self.host.startswith("127."))
        )

    @property
    def label(self) -> str:
        """Short human label for headers and errors."""
        return self.name or self.url

    @property
    def insecure(self) -> bool:
        """Plain TCP to another machine: everything, including auth, travels in clear."""
        return self.scheme == "tcp" and self.tls is None and not self.is_loopback


def parse_host(host: str, *, source: str = "flag", tls: TLSSettings | None = None) -> Target:
    """Parse one `-H`/DOCKER_HOST value into a Target (TLS applies to tcp only)."""
    host = host.strip()
    if not host:
        raise TargetError("empty Docker host")
    if "://" not in host:
        # The CLI accepts bare "host:port" as tcp and a bare path as a socket.
        host = f"unix://{host}" if host.startswith("/") else f"tcp://{host}"
    scheme, _, rest = host.partition("://")
    scheme = scheme.lower()
    if scheme == "unix":
        path = rest or DEFAULT_SOCKET
        if not path.startswith("/"):
            raise TargetError(f"unix socket path must be absolute: {host!r}")
        return Target("unix", path, None, source)
    if scheme in ("tcp", "http", "https"):
        parts = urlsplit(f"tcp://{rest}")
        if not parts.hostname:
            raise TargetError(f"no host name in {host!r}")
        try:
            port = parts.port
        except ValueError as exc:
            raise TargetError(f"invalid port in {host!r}") from exc
        if port is None:
            port = 2376 if (tls is not None or scheme == "https") else 2375
        hostname = parts.hostname
        address = f"[{hostname}]:{port}" if ":" in hostname else f"{hostname}:{port}"
        if scheme == "https" and tls is None:
            tls = TLSSettings(verify=True)
        return Target("tcp", address, tls, source)
    if scheme == "ssh":
        parts = urlsplit(host)
        if not parts.hostname:
            raise TargetError(f"no host name in {host!r}")
        try:
            port = parts.port
        except ValueError as exc:
            raise TargetError(f"invalid port in {host!r}") from exc
        address = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        if parts.username:
            address = f"{parts.username}@{address}"
        if port:
            address = f"{address}:{port}"
        return Target("ssh", address, None, source, ssh_socket=parts.path or None)
    if scheme == "npipe":
        raise TargetError("npipe:// targets are Windows named pipes; dockui runs on Linux/macOS")
    if scheme == "fd":
        raise TargetError(
            "fd:// is a daemon-side address; give the client a unix:// or tcp:// host"
        )
    raise TargetError(f"unsupported Docker host scheme {scheme!r} in {host!r}")


def tls_from_settings(
    *,
    env: Mapping[str, str],
    tlsverify: bool | None = None,
    tls: bool | None = None,
    cacert: str | None = None,
    cert: str | None = None,
    key: str | None = None,
) -> TLSSettings | None:
    """TLS settings from flags and environment, exactly as the docker CLI combines them.

    `--tlsverify` or `DOCKER_TLS_VERIFY` (any non-empty value) turn on verified TLS;
    `--tls` or `DOCKER_TLS` turn on encryption without verifying the server. Cert files
    default to `DOCKER_CERT_PATH` (default `~/.docker`) / ca.pem, cert.pem, key.pem.
    """
    # An explicit --tlsverify=false beats DOCKER_TLS_VERIFY and still means TLS, as in the CLI.
    verify = bool(env.get("DOCKER_TLS_VERIFY")) if tlsverify is None else tlsverify
    encrypt = (
        verify
        or tlsverify is not None
        or bool(tls)
        or bool(env.get("DOCKER_TLS"))
        or any((cacert, cert, key))
    )
    if not encrypt:
        return None
    if not verify and (tlsverify is None and cacert):
        verify = True  # giving a CA implies verification, as the CLI does
    cert_dir = Path(env.get("DOCKER_CERT_PATH") or Path(env.get("HOME", "~")) / ".docker")
    cert_dir = cert_dir.expanduser()

    def pick(explicit: str | None, name: str) -> str | None:
        if explicit:
            return str(Path(explicit).expanduser())
        candidate = cert_dir / name
        return str(candidate) if candidate.exists() else None

    settings = TLSSettings(
        verify=verify,
        ca=pick(cacert, "ca.pem"),
        cert=pick(cert, "cert.pem"),
        key=pick(key, "key.pem"),
    )
    if bool(settings.cert) != bool(settings.key):
        raise TargetError("a TLS client certificate needs both --tlscert and --tlskey")
    for path in (settings.ca, settings.cert, settings.key):
        if path and not Path(path).is_file():
            raise TargetError(f"TLS file not found: {path}")
    return settings


def resolve_targets(
    hosts: list[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    tlsverify: bool | None = None,
    tls: bool | None = None,
    cacert: str | None = None,
    cert: str | None = None,
    key: str | None = None,
    context: str | None = None,
) -> list[Target]:
    """The engines to talk to, in the docker CLI's order of precedence.

    `--context` (comma-separated for several), then `-H` (repeatable), then DOCKER_HOST,
    then DOCKER_CONTEXT or the store's `currentContext`, then the default socket.
    """
    # dockui.engine.contexts is imported only on the paths that read the context store.
    env = os.environ if env is None else env
    if context and hosts:
        raise TargetError("give either --context or -H, not both")
    if context:
        from dockui.engine.contexts import load_context

        names = [n.strip() for n in context.split(",") if n.strip()]
        if not names:
            raise TargetError("--context needs a context name")
        return [_context_target(load_context(n, env), env) for n in names]
    tls_settings = tls_from_settings(
        env=env, tlsverify=tlsverify, tls=tls, cacert=cacert, cert=cert, key=key
    )
    if hosts:
        return [parse_host(h, source="-H flag", tls=tls_settings) for h in hosts]
    if env.get("DOCKER_HOST"):
        return [parse_host(env["DOCKER_HOST"], source="DOCKER_HOST", tls=tls_settings)]
    from dockui.engine.contexts import current_context_name, load_context

    name = current_context_name(env)
    if name != "default":
        return [_context_target(load_context(name, env), env)]
    return [parse_host(DEFAULT_HOST, source="default socket", tls=tls_settings)]


def _context_target(ctx: object, env: Mapping[str, str]) -> Target:
    from dockui.engine.contexts import Context

    assert isinstance(ctx, Context)
    if ctx.name == "default":
        tls_settings = tls_from_settings(env=env)
        return parse_host(ctx.host, source="context default", tls=tls_settings)
    return ctx.target()
