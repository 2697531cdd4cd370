"""An existing container's configuration as the run form's text fields ("duplicate").

This reads engine JSON (`GET /containers/{id}/json`), so it lives in engine/: the form
only receives plain strings, keyed like `dockui.ui.forms.validators.RUN_FIELDS`, and
feeding them back through `build_create_body` gives an equivalent create body.

Values the image already supplies (its Env, Labels and Cmd) are left out when the
image's inspect is given: the copy then keeps following the image, as the original did.
"""

from __future__ import annotations

import shlex
from typing import Any

_UNITS = (("t", 1024**4), ("g", 1024**3), ("m", 1024**2), ("k", 1024))
# Labels dockui or compose add to say who made a container; a copy is not theirs.
_OWNER_LABEL_PREFIXES = ("com.docker.compose.",)


def _dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _int(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def memory_text(n: int) -> str:
    """Bytes as `docker run -m` text (`536870912` -> `512m`); 0 -> ``."""
    if n <= 0:
        return ""
    for unit, size in _UNITS:
        if n % size == 0:
            return f"{n // size}{unit}"
    return str(n)


def cpus_text(nano: int) -> str:
    """NanoCpus as `--cpus` text (`1500000000` -> `1.5`); 0 -> ``."""
    if nano <= 0:
        return ""
    return f"{nano / 1e9:.9f}".rstrip("0").rstrip(".")


def _port_lines(bindings: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key in sorted(bindings, key=lambda k: (k.split("/")[0].zfill(5), k)):
        port, _, proto = key.partition("/")
        suffix = "" if proto in ("", "tcp") else f"/{proto}"
        for b in _list(bindings[key]) or [{}]:
            b = _dict(b)
            ip = str(b.get("HostIp") or "")
            host = str(b.get("HostPort") or "")
            if ":" in ip:
                ip = f"[{ip}]"
            if ip:
                lines.append(f"{ip}:{host}:{port}{suffix}")
            elif host:
                lines.append(f"{host}:{port}{suffix}")
            else:
                lines.append(f"{port}{suffix}")
    return lines


def _restart_text(policy: dict[str, Any]) -> str:
    name = str(policy.get("Name") or "no")
    retries = _int(policy.get("MaximumRetryCount"))
    if name == "on-failure" and retries:
        return f"on-failure:{retries}"
    return name


def form_values_from_inspect(
    inspect: dict[str, Any], *, image_inspect: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The run form's fields, filled from a container's inspect JSON."""
    config = _dict(inspect.get("Config"))
    host = _dict(inspect.get("HostConfig"))
    image_config = _dict(_dict(image_inspect).get("Config"))

    image_env = {str(e) for e in _list(image_config.get("Env"))}
    env = [str(e) for e in _list(config.get("Env")) if str(e) not in image_env]
    image_labels = _dict(image_config.get("Labels"))
    labels = [
        f"{k}={v}"
        for k, v in sorted(_dict(config.get("Labels")).items())
        if image_labels.get(k) != v and not k.startswith(_OWNER_LABEL_PREFIXES)
    ]
    cmd = [str(c) for c in _list(config.get("Cmd"))]
    if image_inspect is not None and cmd == [str(c) for c in _list(image_config.get("Cmd"))]:
        cmd = []
    network = str(host.get("NetworkMode") or "")
    if network == "default":
        network = ""
    name = str(inspect.get("Name") or "").lstrip("/")
    return {
        "image": str(config.get("Image") or inspect.get("Image") or ""),
        "name": f"{name}-copy" if name else "",
        "command": shlex.join(cmd) if cmd else "",
        "env": "\n".join(env),
        "ports": "\n".join(_port_lines(_dict(host.get("PortBindings")))),
        "binds": "\n".join(str(b) for b in _list(host.get("Binds"))),
        "network": network,
        "restart": _restart_text(_dict(host.get("RestartPolicy"))),
        "memory": memory_text(_int(host.get("Memory"))),
        "cpus": cpus_text(_int(host.get("NanoCpus"))),
        "cpu_shares": str(_int(host.get("CpuShares")) or ""),
        "labels": "\n".join(labels),
        "tty": bool(config.get("Tty")),
    }
