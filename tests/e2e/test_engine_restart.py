"""The app rides out a real dockerd restart: no app restart, no change missed.

test_dashboard.py cuts a relay between the app and the shared engine (a dropped
connection while the engine lives on). Here the engine itself goes away: the test starts
its own dockerd, runs the app on it, stops that daemon for real (SIGTERM, waits for its
exit) and starts it again on the same data-root. Restarting the shared
/var/run/docker.sock daemon instead would stop every other session's containers.

The daemon is started by swarm_support's launcher: its own network namespace
(`unshare -n`, so its docker0 never touches the host's), data-root, exec-root, pidfile,
unix socket and a managed containerd under the exec-root. No live-restore (the default,
and asserted): its containers stop when it stops, and nothing of it survives its exit.

While the engine is gone the header says "reconnecting" and the last known rows stay.
Right after the daemon answers again, a separate client renames one container, removes
another and creates a third; the app, still the same instance, reconnects with backoff
(subscribing before it re-lists) and shows exactly that, then follows live events again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import (
    BUSYBOX,
    LABELS,
    SLEEPER,
    ensure_busybox_image,
    kill_processes_under,
    processes_under,
    unique_name,
)
from swarm_support import _start_daemon
from test_tls import unix_ping, unmount_under

from dockui.engine import DockerClient, Target, parse_host
from dockui.state.model import STATUS, Change, ConnState, EngineModel
from dockui.ui.app import STATE_STYLE, DockuiApp

pytestmark = [pytest.mark.e2e, pytest.mark.own_engine, pytest.mark.timeout(240)]

START_TIMEOUT = 60.0  # a cold dockerd on a busy 2-core box
STOP_TIMEOUT = 45.0  # it stops its containers (SLEEPER exits on TERM), then containerd
LIVE_LABEL = STATE_STYLE[ConnState.LIVE][0]
RECONNECTING_LABEL = STATE_STYLE[ConnState.RECONNECTING][0]


class OwnDockerd:
    """A private dockerd below `root` that the test stops and starts again."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.proc: subprocess.Popen[bytes] | None = None
        self.runs = 0

    @property
    def socket(self) -> Path:
        return self.root / "d.sock"  # where swarm_support's launcher puts it

    @property
    def target(self) -> Target:
        return parse_host(f"unix://{self.socket}", source="e2e")

    def log_tail(self) -> str:
        logs = sorted(self.root.glob("dockerd*.log"))
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in logs)

    async def start(self) -> float:
        """Launch on the same roots as before and wait for `/_ping`; seconds taken."""
        log = self.root / "dockerd.log"
        if log.exists():  # the launcher truncates it: keep the previous run's
            log.rename(self.root / f"dockerd.{self.runs}.log")
        began = time.monotonic()
        self.proc = _start_daemon(self.root)
        self.runs += 1
        while not unix_ping(self.socket):
            if self.proc.poll() is not None:
                pytest.fail(
                    f"the test dockerd exited ({self.proc.returncode}) while starting, "
                    f"run {self.runs}:\n{self.log_tail()}"
                )
            if time.monotonic() - began > START_TIMEOUT:
                pytest.fail(
                    f"the test dockerd did not answer /_ping within {START_TIMEOUT:.0f} s, "
                    f"run {self.runs}:\n{self.log_tail()}"
                )
            await asyncio.sleep(0.1)
        return time.monotonic() - began

    async def stop(self, pause: Callable[[float], Any]) -> float:
        """SIGTERM and wait for the exit (yielding to the app meanwhile); seconds taken."""
        assert self.proc is not None
        began = time.monotonic()
        self.proc.terminate()
        while self.proc.poll() is None:
            if time.monotonic() - began > STOP_TIMEOUT:
                pytest.fail(
                    f"the test dockerd did not exit within {STOP_TIMEOUT:.0f} s of SIGTERM:\n"
                    f"{self.log_tail()}"
                )
            await pause(0.1)
        if self.proc.returncode != 0:
            pytest.fail(f"dockerd exited {self.proc.returncode} on SIGTERM:\n{self.log_tail()}")
        return time.monotonic() - began

    def close(self) -> None:
        """Finalizer: stop the daemon, kill what it left, unmount, delete its data."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # a clean exit stops its containers and containerd
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        kill_processes_under(self.root)  # a hard death leaves containerd and shims
        unmount_under(self.root)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def own_dockerd() -> Iterator[OwnDockerd]:
    problems = [
        f"{tool} is not installed"
        for tool in ("dockerd", "unshare", "ip")
        if not shutil.which(tool)
    ]
    if os.geteuid() != 0:
        problems.append("starting a dockerd needs root")
    if problems:
        reason = "; ".join(problems)
        if os.environ.get("DOCKUI_E2E", "").strip().lower() == "required":
            pytest.fail(f"DOCKUI_E2E=required but the restart test cannot run: {reason}")
        pytest.skip(reason)
    # Short: containerd's sockets live below the exec-root and unix paths are capped.
    daemon = OwnDockerd(Path(tempfile.mkdtemp(prefix="dkrs.", dir="/tmp")))
    try:
        yield daemon
    finally:
        daemon.close()


def spy_on_sessions(client: DockerClient, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record, in order, "subscribed" when `/events` answered and "list" when a full
    container listing starts: a reconnect must subscribe before it re-lists."""
    calls: list[str] = []
    open_events, containers = client.open_events, client.containers

    @contextlib.asynccontextmanager
    async def spied_open_events(**kw: Any) -> AsyncIterator[Any]:
        async with open_events(**kw) as events:
            calls.append("subscribed")
            yield events

    async def spied_containers(**kw: Any) -> Any:
        if kw.get("filters") is None:  # not the per-id refresh after an event
            calls.append("list")
        return await containers(**kw)

    monkeypatch.setattr(client, "open_events", spied_open_events)
    monkeypatch.setattr(client, "containers", spied_containers)
    return calls


async def run_sleeper(client: DockerClient, kind: str) -> tuple[str, str]:
    """A started, labelled busybox container; (id, name)."""
    name = unique_name(kind)
    body = {"Image": BUSYBOX, "Cmd": SLEEPER, "Labels": dict(LABELS)}
    cid = await client.create_container(body, name=name)
    await client.start(cid)
    return cid, name


async def test_app_recovers_from_a_real_dockerd_restart(
    own_dockerd: OwnDockerd, monkeypatch: pytest.MonkeyPatch
) -> None:
    timings = {"first start": await own_dockerd.start()}
    target = own_dockerd.target
    await ensure_busybox_image(target)
    async with DockerClient(target) as setup:
        info = await setup.info()
        assert str(info.get("DockerRootDir", "")).startswith(f"{own_dockerd.root}/")
        assert info.get("LiveRestoreEnabled") is False, "this test expects live-restore off"
        kept, _ = await run_sleeper(setup, "kept")  # renamed while the app is away
        gone, _ = await run_sleeper(setup, "gone")  # removed while the app is away

    app_client = DockerClient(target)
    calls = spy_on_sessions(app_client, monkeypatch)
    model = EngineModel(app_client, backoff_min=0.2, backoff_max=1.0)
    retry_delays: list[float] = []

    def on_change(change: Change) -> None:
        if change.kind == STATUS and model.state == ConnState.RECONNECTING:
            retry_delays.append(round(model.next_retry - time.monotonic(), 2))

    model.add_listener(on_change)
    app = DockuiApp(model=model, stats=False)

    async with app.run_test(size=(160, 45)) as pilot:
        table = app.containers_pane.table

        def header() -> str:
            return str(app.query_one("#header").render())

        def cell(cid: str, column: str) -> str:
            return str(table.get_cell(cid, column).plain)

        async def until(pred: Callable[[], bool], timeout: float, what: str) -> float:
            began = time.monotonic()
            while not pred():
                if time.monotonic() - began > timeout:
                    raise AssertionError(
                        f"{what}: not within {timeout} s (model {model.state}, error "
                        f"{model.error!r}, attempts {model.attempts}, rows {table.order}, "
                        f"header {header()!r})\n{own_dockerd.log_tail()}"
                    )
                await pilot.pause(0.05)
            return time.monotonic() - began

        await until(lambda: {kept, gone} <= set(table.order), 15, "first listing on screen")
        assert LIVE_LABEL in header()

        timings["dockerd stop"] = await own_dockerd.stop(pilot.pause)
        # No live-restore: the daemon stopped its containers, containerd and shims exit.
        await until(lambda: not processes_under(own_dockerd.root), 10, "daemon fully gone")
        await until(
            lambda: model.state == ConnState.RECONNECTING and RECONNECTING_LABEL in header(),
            10,
            'header saying "reconnecting"',
        )
        # Retry against the dead socket a few times: still reconnecting, rows kept.
        await until(lambda: model.attempts >= 3, 10, "three failed reconnects")
        assert model.state == ConnState.RECONNECTING and RECONNECTING_LABEL in header()
        assert {kept, gone} <= set(table.order), "the last known rows left the screen"
        assert cell(kept, "name")  # the row still shows what it knew
        mark = len(calls)

        timings["dockerd restart"] = await own_dockerd.start()
        async with DockerClient(target) as other:
            # Right after it answers, before or while the app reconnects.
            renamed = unique_name("renamed")
            changed = time.monotonic()
            await other.rename(kept, renamed)
            await other.remove_container(gone, force=True)
            new, _ = await run_sleeper(other, "new")

            await until(
                lambda: model.state == ConnState.LIVE and LIVE_LABEL in header(),
                10,
                "header back to live",
            )
            await until(
                lambda: (
                    new in table.order
                    and gone not in table.order
                    and kept in table.order
                    and cell(kept, "name") == renamed
                ),
                5,
                "the changes made during the restart on screen",
            )
            timings["restart changes made -> on screen"] = time.monotonic() - changed
            assert "RECONNECTING" not in header().upper()

            # The daemon stopped `kept` on its way down (no live-restore), and it stays so.
            assert cell(kept, "state") == "exited", cell(kept, "state")
            assert (await other.inspect_container(kept))["State"]["Running"] is False

            # The reconnect subscribed first, then re-listed.
            session = calls[mark:]
            assert "subscribed" in session and "list" in session, session
            assert session.index("subscribed") < session.index("list"), session
            # And waited with backoff between attempts: the delays grow.
            assert len(retry_delays) >= 3, retry_delays
            assert retry_delays[-1] > retry_delays[0], retry_delays

            # Live again: a change after the reconnect arrives by its event.
            created = time.monotonic()
            later, _ = await run_sleeper(other, "later")
            await until(lambda: later in table.order, 2, "a container created after the reconnect")
            timings["create+start after reconnect -> on screen"] = time.monotonic() - created
    await app_client.aclose()
    print(" ".join(f"{k}: {v:.2f} s;" for k, v in timings.items()))
    print(f"retry delays {retry_delays}; calls after the stop {calls[mark:]}")
