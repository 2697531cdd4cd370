"""Two real engines at once in the fleet view: the shared dockerd on its socket, and a
second dockerd started here with mutual TLS on a loopback port. Both rows are live with
their versions, each engine's containers carry its name, and a stop pressed on the TLS
engine's container reaches that engine only.

The second daemon gets its own data-root, exec-root, pidfile, unix socket, containerd
namespaces and a bridge of its own (`dockui-fl0`; never `--bridge=none`, which deletes
the host's docker0). Daemon and bridge are removed at teardown. Certificates are made
with openssl by the TLS test's helpers.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from e2e_support import BUSYBOX, BUSYBOX_REPO, BUSYBOX_TAG, LABELS, SLEEPER, busybox_rootfs_tar
from test_tls import free_port, make_certs, stop_process, unix_ping, unmount_under
from textual.app import App
from textual.widgets import DataTable

from dockui.engine import DockerClient, Target, resolve_targets
from dockui.state.fleet import Fleet
from dockui.state.model import ConnState, EngineModel
from dockui.ui.screens.fleet import FleetScreen

pytestmark = pytest.mark.timeout(240)

BRIDGE = "dockui-fl0"
BRIDGE_CIDR = "10.214.0.1/24"


@dataclass(frozen=True)
class SecondEngine:
    target: Target
    root: Path


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=60)


def _delete_bridge() -> None:
    subprocess.run(["ip", "link", "del", BRIDGE], capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def second_engine() -> Iterator[SecondEngine]:
    dockerd = shutil.which("dockerd")
    for tool in ("dockerd", "openssl", "ip"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    assert dockerd is not None
    root = Path(tempfile.mkdtemp(prefix="dockui-fl-", dir="/tmp"))
    certs = root / "certs"
    certs.mkdir()
    make_certs(certs)
    (root / "daemon.json").write_text("{}\n")  # ignore the host's /etc/docker/daemon.json
    _delete_bridge()  # a leftover of a killed run
    _run("ip", "link", "add", BRIDGE, "type", "bridge")
    _run("ip", "addr", "add", BRIDGE_CIDR, "dev", BRIDGE)
    _run("ip", "link", "set", BRIDGE, "up")
    port = free_port()
    sock = root / "docker.sock"
    log_path = root / "dockerd.log"
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
        "--pidfile", str(root / "docker.pid"),
        "--bridge", BRIDGE,
        "--iptables=false",
        "--ip-masq=false",
        "--containerd-namespace", "dockui-fl",
        "--containerd-plugins-namespace", "dockui-fl-plugins",
    ]  # fmt: skip
    log = open(log_path, "wb")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not unix_ping(sock):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"the second dockerd did not start (exit {proc.poll()}):\n{tail}")
            time.sleep(0.2)
        (target,) = resolve_targets(
            [f"tcp://127.0.0.1:{port}"],
            env={},
            tlsverify=True,
            cacert=str(certs / "ca.pem"),
            cert=str(certs / "cert.pem"),
            key=str(certs / "key.pem"),
        )
        yield SecondEngine(target, root)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        with contextlib.suppress(OSError, ValueError):
            pid = (root / "exec" / "containerd" / "containerd.pid").read_text().strip()
            stop_process(int(pid), timeout=5)
        log.close()
        unmount_under(root)
        _delete_bridge()
        shutil.rmtree(root, ignore_errors=True)


class FleetApp(App[None]):
    def __init__(self, fleet: Fleet) -> None:
        super().__init__()
        self.fleet = fleet

    def on_mount(self) -> None:
        self.push_screen(FleetScreen(self.fleet))


async def _until(check: Any, pilot: Any, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.1)


async def test_fleet_of_the_shared_engine_and_a_tls_engine(
    second_engine: SecondEngine, engine_target: Target, make_container: Any
) -> None:
    local_cid = await make_container(SLEEPER)
    remote = DockerClient(second_engine.target)
    await remote.connect()
    fleet = Fleet(
        [
            EngineModel(DockerClient(engine_target), name="local"),
            EngineModel(DockerClient(second_engine.target), name="tls"),
        ]
    )
    remote_cid = ""
    try:
        await remote.import_image(busybox_rootfs_tar(), repo=BUSYBOX_REPO, tag=BUSYBOX_TAG)
        remote_cid = await remote.create_container(
            {"Image": BUSYBOX, "Cmd": SLEEPER, "Labels": LABELS}, name="dockui-test-fleet"
        )
        await remote.start(remote_cid)
        app = FleetApp(fleet)
        async with app.run_test(size=(200, 50)) as pilot:
            overview = app.screen.query_one("#fleet-overview", DataTable)
            table = app.screen.query_one("#fleet-containers", DataTable)
            keys = {f"local/{local_cid}", f"tls/{remote_cid}"}

            def shown() -> set[str]:
                return {str(k.value) for k in table.rows}

            await _until(lambda: keys <= shown(), pilot)
            assert [m.state for m in fleet.models] == [ConnState.LIVE, ConnState.LIVE]
            for name in ("local", "tls"):
                assert overview.get_cell(name, "state").plain == "live"
                assert overview.get_cell(name, "kind").plain == "docker"
                assert overview.get_cell(name, "version").plain.startswith("20.10")
            assert overview.get_cell("tls", "url").plain.startswith("tcp://127.0.0.1:")
            assert overview.get_cell("tls", "containers").plain == "1/1"
            assert table.get_cell(f"tls/{remote_cid}", "engine").plain == "tls"
            assert table.get_cell(f"tls/{remote_cid}", "name").plain == "dockui-test-fleet"
            assert table.get_cell(f"local/{local_cid}", "engine").plain == "local"
            assert [r for r in fleet.overview() if r.insecure] == []  # TLS and a socket

            # Stop on the TLS engine's row reaches that engine, live through its events.
            table.move_cursor(row=table.get_row_index(f"tls/{remote_cid}"), animate=False)
            await pilot.press("s")
            await _until(
                lambda: table.get_cell(f"tls/{remote_cid}", "state").plain == "exited", pilot
            )
            assert (await remote.inspect_container(remote_cid))["State"]["Running"] is False
            local = fleet.models[0].containers[local_cid]
            assert local.running
            assert table.get_cell(f"local/{local_cid}", "state").plain == "running"
    finally:
        if remote_cid:
            with contextlib.suppress(Exception):
                await remote.remove_container(remote_cid, force=True)
        await remote.aclose()
        for m in fleet.models:
            await m.client.aclose()
