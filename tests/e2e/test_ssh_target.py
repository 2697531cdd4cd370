"""ssh:// targets through a real sshd on loopback, reaching the local engine.

The test makes its own host key, user key and ssh config, and points dockui at that
config with DOCKUI_SSH_CONFIG, so nothing of the machine's ~/.ssh is touched.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dockui.engine import DockerClient, parse_host
from dockui.engine.ssh import SSHError

pytestmark = pytest.mark.e2e

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _keygen(path: Path) -> None:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[dict[str, object]]:
    if not os.path.exists(SSHD) or shutil.which("ssh") is None:
        if os.environ.get("DOCKUI_E2E") == "required":
            pytest.fail("openssh-server and openssh-client are needed for the ssh e2e test")
        pytest.skip("openssh-server not installed")
    host_key, user_key, other_key = tmp_path / "host", tmp_path / "user", tmp_path / "other"
    for k in (host_key, user_key, other_key):
        _keygen(k)
    auth = tmp_path / "authorized_keys"
    auth.write_text((tmp_path / "user.pub").read_text())
    auth.chmod(0o600)
    port = _free_port()
    cfg = tmp_path / "sshd_config"
    cfg.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
        f"AuthorizedKeysFile {auth}\nPermitRootLogin prohibit-password\nStrictModes no\n"
        f"PidFile {tmp_path / 'sshd.pid'}\nUsePAM no\nAllowStreamLocalForwarding yes\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)  # privilege separation directory
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(cfg)], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"sshd did not start: {err}")
            time.sleep(0.1)
    known = tmp_path / "known_hosts"
    known.write_text(f"[127.0.0.1]:{port} {(tmp_path / 'host.pub').read_text()}")

    def client_config(name: str, key: Path, known_hosts: Path) -> Path:
        path = tmp_path / name
        path.write_text(
            f"Host 127.0.0.1\n  IdentityFile {key}\n  IdentitiesOnly yes\n"
            f"  UserKnownHostsFile {known_hosts}\n  StrictHostKeyChecking yes\n"
        )
        return path

    empty_known = tmp_path / "empty_known"
    empty_known.write_text("")
    yield {
        "port": port,
        "good": client_config("ssh_good", user_key, known),
        "wrong_key": client_config("ssh_wrong", other_key, known),
        "unknown_host": client_config("ssh_unknown", user_key, empty_known),
    }
    proc.terminate()
    proc.wait(5)


async def test_ssh_reaches_the_local_engine(sshd: dict[str, object], monkeypatch) -> None:
    monkeypatch.setenv("DOCKUI_SSH_CONFIG", str(sshd["good"]))
    client = DockerClient(parse_host(f"ssh://root@127.0.0.1:{sshd['port']}"))
    try:
        await client.connect()
        assert client.api_version
        await client.containers()
        # Several concurrent requests and a stream share the one ssh process.
        async with client.open_events(until="0") as _events:
            pass
        assert client._tunnel is not None and client._tunnel.alive
    finally:
        await client.aclose()


async def test_wrong_key_is_an_authentication_failure(sshd: dict[str, object], monkeypatch) -> None:
    monkeypatch.setenv("DOCKUI_SSH_CONFIG", str(sshd["wrong_key"]))
    client = DockerClient(parse_host(f"ssh://root@127.0.0.1:{sshd['port']}"))
    with pytest.raises(SSHError, match="authentication failed"):
        await client.connect()
    await client.aclose()


async def test_unknown_host_key_is_refused(sshd: dict[str, object], monkeypatch) -> None:
    monkeypatch.setenv("DOCKUI_SSH_CONFIG", str(sshd["unknown_host"]))
    client = DockerClient(parse_host(f"ssh://root@127.0.0.1:{sshd['port']}"))
    with pytest.raises(SSHError, match="host key is unknown"):
        await client.connect()
    await client.aclose()


async def test_no_engine_behind_the_remote_socket(sshd: dict[str, object], monkeypatch) -> None:
    monkeypatch.setenv("DOCKUI_SSH_CONFIG", str(sshd["good"]))
    client = DockerClient(parse_host(f"ssh://root@127.0.0.1:{sshd['port']}/run/dockui-none.sock"))
    with pytest.raises(SSHError, match="no Docker engine answers"):
        await client.connect()
    await client.aclose()
