"""Test-suite-wide gating of the end-to-end layer (tests marked `e2e`).

Everything under tests/e2e is marked `e2e` automatically. Those tests need a real dockerd:
when none answers `/_ping` on the local socket they are skipped, unless
`DOCKUI_E2E=required` (CI), where a missing engine must fail loudly instead of turning
the whole layer into silent skips. The ping is done here with a raw socket, not with the
client under test, so a broken client makes tests fail rather than skip.

Tests that start their own daemon (the TLS test) carry `own_engine` and are not gated on
the shared engine.
"""

from __future__ import annotations

import os
import socket
from functools import cache
from pathlib import Path

import pytest

E2E_DIR = Path(__file__).parent / "e2e"
DEFAULT_SOCKET = "/var/run/docker.sock"


def e2e_required() -> bool:
    """True when CI demands the real-engine tests (a missing engine is then a failure)."""
    return os.environ.get("DOCKUI_E2E", "").strip().lower() == "required"


def engine_socket_path() -> str:
    """The unix socket the e2e layer talks to: DOCKER_HOST's path if unix://, else the default."""
    host = os.environ.get("DOCKER_HOST", "").strip()
    if host.startswith("unix://") and len(host) > len("unix://"):
        return host[len("unix://") :]
    return DEFAULT_SOCKET


def raw_ping(path: str, timeout: float = 3.0) -> str | None:
    """GET /_ping over a unix socket with no dependency on dockui; None if OK, else why not."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(path)
            sock.sendall(b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")
            data = b""
            while chunk := sock.recv(4096):
                data += chunk
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}"
    status_line = data.split(b"\r\n", 1)[0]
    if b" 200 " not in status_line + b" ":
        return f"unexpected answer {status_line[:80]!r}"
    return None


@cache
def shared_engine_problem() -> str | None:
    """Why the shared engine cannot be used (None when it answers), computed once."""
    path = engine_socket_path()
    problem = raw_ping(path)
    return None if problem is None else f"no Docker engine answers /_ping at {path} ({problem})"


@pytest.fixture(scope="session")
def engine_socket() -> str:
    """The shared engine's socket path (the one the gating pinged)."""
    return engine_socket_path()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "own_engine: an e2e test that starts its own dockerd (not gated on the shared one)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("e2e") is None or item.get_closest_marker("own_engine"):
        return
    problem = shared_engine_problem()
    if problem is None:
        return
    if e2e_required():
        pytest.fail(f"DOCKUI_E2E=required but {problem}; start dockerd first", pytrace=False)
    pytest.skip(f"{problem}; set DOCKUI_E2E=required to make this a failure")
