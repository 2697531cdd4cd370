"""TLS end to end: a second dockerd with `--tlsverify`, certificates made here with openssl
(as in Docker's "Protect the Docker daemon socket" guide), and the client with and
without its certificate.

The second daemon gets its own data-root, exec-root, pidfile, unix socket and a bridge
of its own (never `--bridge=none`: that deletes the host's docker0 and breaks the shared
engine), no iptables rules, and is killed and its bridge deleted at teardown.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dockui.engine import DockerClient, TLSError, resolve_targets

pytestmark = pytest.mark.own_engine

BRIDGE = "dockui-tls0"
BRIDGE_CIDR = "10.213.0.1/24"
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class TLSDaemon:
    host: str  # tcp://127.0.0.1:PORT
    client_dir: Path  # ca.pem, cert.pem, key.pem: a DOCKER_CERT_PATH
    ca: Path
    cert: Path
    key: Path


def _required() -> bool:
    return os.environ.get("DOCKUI_E2E", "").strip().lower() == "required"


def _unavailable(reason: str) -> None:
    if _required():
        pytest.fail(f"DOCKUI_E2E=required but the TLS test cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def _run(*args: str, cwd: Path | None = None) -> None:
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, timeout=60)


def make_certs(d: Path) -> None:
    """CA, server (SAN localhost/127.0.0.1, serverAuth) and client (clientAuth) certs."""
    _run("openssl", "genrsa", "-out", "ca-key.pem", "2048", cwd=d)
    _run(
        "openssl", "req", "-new", "-x509", "-days", "2", "-key", "ca-key.pem", "-sha256",
        "-subj", "/CN=dockui-test-ca", "-out", "ca.pem", cwd=d,
    )  # fmt: skip
    _run("openssl", "genrsa", "-out", "server-key.pem", "2048", cwd=d)
    _run(
        "openssl", "req", "-subj", "/CN=localhost", "-sha256", "-new",
        "-key", "server-key.pem", "-out", "server.csr", cwd=d,
    )  # fmt: skip
    (d / "extfile.cnf").write_text(
        "subjectAltName = DNS:localhost,IP:127.0.0.1\nextendedKeyUsage = serverAuth\n"
    )
    _run(
        "openssl", "x509", "-req", "-days", "2", "-sha256", "-in", "server.csr",
        "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
        "-out", "server-cert.pem", "-extfile", "extfile.cnf", cwd=d,
    )  # fmt: skip
    _run("openssl", "genrsa", "-out", "key.pem", "2048", cwd=d)
    _run(
        "openssl",
        "req",
        "-subj",
        "/CN=client",
        "-new",
        "-key",
        "key.pem",
        "-out",
        "client.csr",
        cwd=d,
    )
    (d / "extfile-client.cnf").write_text("extendedKeyUsage = clientAuth\n")
    _run(
        "openssl", "x509", "-req", "-days", "2", "-sha256", "-in", "client.csr",
        "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
        "-out", "cert.pem", "-extfile", "extfile-client.cnf", cwd=d,
    )  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unix_ping(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(str(path))
            s.sendall(b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")
            return b" 200 " in s.recv(4096)
    except OSError:
        return False


def delete_bridge() -> None:
    subprocess.run(["ip", "link", "del", BRIDGE], capture_output=True, timeout=30)


def stop_process(pid: int, timeout: float = 20.0) -> None:
    """SIGTERM, then SIGKILL after `timeout`, for a pid that is not our child (a child
    would linger as a zombie and look alive to kill(pid, 0))."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            os.kill(pid, 0)
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)


def unmount_under(root: Path) -> None:
    """dockerd leaves mounts (netns, overlay) below its roots if it dies hard."""
    with open("/proc/self/mounts") as fh:
        points = [line.split()[1] for line in fh]
    for point in sorted((p for p in points if p.startswith(f"{root}/")), reverse=True):
        subprocess.run(["umount", "-l", point], capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def tls_daemon() -> Iterator[TLSDaemon]:
    dockerd = shutil.which("dockerd")
    if dockerd is None:
        _unavailable("dockerd is not installed")
    assert dockerd is not None
    for tool in ("openssl", "ip"):
        if shutil.which(tool) is None:
            _unavailable(f"{tool} is not installed")
    if os.geteuid() != 0:
        _unavailable("starting a second dockerd needs root")

    # Short paths: containerd's sockets live below exec-root and unix paths are limited.
    root = Path(tempfile.mkdtemp(prefix="dockui-tls-", dir="/tmp"))
    certs = root / "certs"
    certs.mkdir()
    make_certs(certs)
    client_dir = root / "client"
    client_dir.mkdir()
    for name in ("ca.pem", "cert.pem", "key.pem"):
        shutil.copy(certs / name, client_dir / name)
    (root / "daemon.json").write_text("{}\n")  # ignore the host's /etc/docker/daemon.json

    delete_bridge()  # a leftover of a killed run
    _run("ip", "link", "add", BRIDGE, "type", "bridge")
    _run("ip", "addr", "add", BRIDGE_CIDR, "dev", BRIDGE)
    _run("ip", "link", "set", BRIDGE, "up")

    port = free_port()
    sock = root / "docker.sock"
    log_path = root / "dockerd.log"
    pidfile = root / "docker.pid"
    args = [
        dockerd,
        "--config-file", str(root / "daemon.json"),
        "--tlsverify",
        "--tlscacert", str(certs / "ca.pem"),
        "--tlscert", str(certs / "server-cert.pem"),
        "--tlskey", str(certs / "server-key.pem"),
        "-H", f"tcp://127.0.0.1:{port}",
        "-H", f"unix://{sock}",
        "--data-root", str(root / "data"),
        "--exec-root", str(root / "exec"),
        "--pidfile", str(pidfile),
        "--bridge", BRIDGE,
        "--iptables=false",
        "--ip-masq=false",
        "--containerd-namespace", "dockui-tls",
        "--containerd-plugins-namespace", "dockui-tls-plugins",
    ]  # fmt: skip
    log = open(log_path, "wb")  # closed in the finally below
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not unix_ping(sock):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"the TLS dockerd did not start (exit {proc.poll()}):\n{tail}")
            time.sleep(0.2)
        yield TLSDaemon(
            host=f"tcp://127.0.0.1:{port}",
            client_dir=client_dir,
            ca=certs / "ca.pem",
            cert=certs / "cert.pem",
            key=certs / "key.pem",
        )
    finally:
        containerd_pid = root / "exec" / "containerd" / "containerd.pid"
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        # dockerd stops its own containerd on a clean exit; after a SIGKILL it may not.
        with contextlib.suppress(OSError, ValueError):
            stop_process(int(containerd_pid.read_text().strip()), timeout=5)
        log.close()
        unmount_under(root)
        delete_bridge()
        shutil.rmtree(root, ignore_errors=True)


async def test_mutual_tls_with_flags(tls_daemon: TLSDaemon) -> None:
    (target,) = resolve_targets(
        [tls_daemon.host],
        env={},
        tlsverify=True,
        cacert=str(tls_daemon.ca),
        cert=str(tls_daemon.cert),
        key=str(tls_daemon.key),
    )
    assert target.tls is not None and target.tls.verify
    async with DockerClient(target) as client:
        assert client.api_version
        assert await client.containers(all=True) == []
        info = await client.info()
        # It is the second daemon, not the shared one behind the socket.
        assert info["DockerRootDir"].startswith("/tmp/dockui-tls-")


async def test_mutual_tls_from_environment(
    tls_daemon: TLSDaemon, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", tls_daemon.host)
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tls_daemon.client_dir))
    (target,) = resolve_targets()
    assert target.source == "DOCKER_HOST"
    assert target.tls is not None and target.tls.cert == str(tls_daemon.client_dir / "cert.pem")
    async with DockerClient(target) as client:
        assert await client.networks()  # the default bridge/host/none networks


async def test_without_client_certificate_is_a_tls_error(tls_daemon: TLSDaemon) -> None:
    # TLS 1.3 reports the daemon's refusal on the first read, as a bare ssl.SSLError.
    (target,) = resolve_targets(
        [tls_daemon.host], env={}, tlsverify=True, cacert=str(tls_daemon.ca)
    )
    client = DockerClient(target)
    with pytest.raises(TLSError) as exc:
        await client.connect()
    await client.aclose()
    assert tls_daemon.host.removeprefix("tcp://") in exc.value.message
    assert "certificate" in exc.value.message.lower()
    assert "refused our TLS client certificate" in exc.value.message
    assert "--tlscert" in exc.value.message
    assert "BAD_CERTIFICATE" in exc.value.hint or "CERTIFICATE_REQUIRED" in exc.value.hint


async def test_unknown_ca_is_a_tls_error(tls_daemon: TLSDaemon) -> None:
    # With no CA given, the system store cannot vouch for the test CA's server cert.
    (target,) = resolve_targets(
        [tls_daemon.host],
        env={},
        tlsverify=True,
        cert=str(tls_daemon.cert),
        key=str(tls_daemon.key),
    )
    client = DockerClient(target)
    with pytest.raises(TLSError) as exc:
        await client.connect()
    await client.aclose()
    assert "certificate we do not trust" in exc.value.message
    assert "CERTIFICATE_VERIFY_FAILED" in exc.value.hint
