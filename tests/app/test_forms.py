"""The create forms driven by Pilot on the simulated engine: validation before any request,
engine answers placed next to their field, results the app can notify."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, ProgressBar, Select, TextArea

from dockui.engine import DockerClient, parse_host
from dockui.engine.models import Event
from dockui.sim import SimConfig, SimEngine
from dockui.ui.forms.connect_network import ConnectNetworkScreen
from dockui.ui.forms.create_network import CreateNetworkScreen
from dockui.ui.forms.create_volume import CreateVolumeScreen
from dockui.ui.forms.image_history import ImageHistoryScreen
from dockui.ui.forms.pull_image import LayerRow, PullImageScreen
from dockui.ui.forms.rename_container import RenameContainerScreen
from dockui.ui.forms.run_container import RunContainerScreen, RunResult
from dockui.ui.forms.tag_image import TagImageScreen
from dockui.ui.screens.system import SystemScreen


class Host(App[None]):
    """Pushes one screen and records what it dismisses with."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.form = screen
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.form, self.results.append)


@pytest.fixture
async def sim() -> AsyncIterator[SimEngine]:
    tmp = tempfile.mkdtemp(prefix="dsim-", dir="/tmp")
    engine = SimEngine(
        SimConfig(containers=3, seed=5, progress_delay=0.0, log_interval=3600, stats_interval=1)
    )
    await engine.start(socket_path=f"{tmp}/s.sock")
    yield engine
    await engine.stop()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
async def client(sim: SimEngine) -> AsyncIterator[DockerClient]:
    async with DockerClient(parse_host(f"unix://{sim.socket_path}")) as c:
        yield c


def fill(screen: Screen[Any], **values: str) -> None:
    for key, value in values.items():
        widget = screen.query_one(f"#f-{key}")
        if isinstance(widget, Input):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.load_text(value)


def error_of(screen: Screen[Any], key: str) -> str:
    return str(screen.query_one(f"#err-{key}", Label).render()).strip()


async def submit(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# ------------------------------------------------------------------ run container


async def test_run_form_refuses_bad_input_before_any_request(
    sim: SimEngine, client: DockerClient
) -> None:
    before = len(sim.state.containers)
    screen = RunContainerScreen(client, images=["nginx:latest"], networks=["bridge"])
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(screen, image="nginx:latest", ports="70000:80", memory="512x", name="-bad")
        await submit(pilot)
        assert "70000" in error_of(screen, "ports")
        assert "not a size" in error_of(screen, "memory")
        assert "at least 2 characters" in error_of(screen, "name")
        assert error_of(screen, "image") == ""
        assert app.results == []
    assert len(sim.state.containers) == before


async def test_run_form_creates_and_starts(sim: SimEngine, client: DockerClient) -> None:
    screen = RunContainerScreen(client, images=["nginx:latest"], networks=["bridge"])
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(
            screen,
            image="nginx:1.25",
            name="form-web",
            ports="8080:80",
            memory="256m",
            env="A=1",
            labels="dockui.test=1",
        )
        await submit(pilot)
        assert app.results, error_of(screen, "form") or error_of(screen, "image")
    [result] = app.results
    assert isinstance(result, RunResult) and result.started and not result.start_error
    info = await client.inspect_container(result.container_id)
    assert info["HostConfig"]["Memory"] == 256 * 1024**2
    assert info["State"]["Running"] is True


async def test_run_form_name_conflict_next_to_name(sim: SimEngine, client: DockerClient) -> None:
    taken = next(iter(sim.state.containers.values())).name.lstrip("/")
    screen = RunContainerScreen(client, images=[], networks=[])
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(screen, image="nginx:1.25", name=taken)
        await submit(pilot)
        assert "already in use" in error_of(screen, "name")
        assert app.results == []


async def test_run_form_start_failure_keeps_container(sim: SimEngine, client: DockerClient) -> None:
    sim.faults.add("status:/containers/*/start:500")
    screen = RunContainerScreen(client, images=[], networks=[])
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(screen, image="nginx:1.25", name="will-not-start")
        await submit(pilot)
    [result] = app.results
    assert not result.started and "simulated fault" in result.start_error
    assert "could not start" in result.message
    names = [c.name for c in await client.containers(all=True)]
    assert "will-not-start" in names  # created, listed, not silently removed


async def test_run_form_prefill_from_duplicate(sim: SimEngine, client: DockerClient) -> None:
    prefill = {"image": "redis:7", "name": "copy-1", "ports": "6379:6379\n9000:9000", "tty": True}
    screen = RunContainerScreen(client, images=[], networks=[], prefill=prefill)
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        assert screen.query_one("#f-image", Input).value == "redis:7"
        assert screen.query_one("#f-ports", Input).value == "6379:6379, 9000:9000"
        await submit(pilot)
    [result] = app.results
    info = await client.inspect_container(result.container_id)
    assert info["Config"]["Tty"] is True
    assert set(info["HostConfig"]["PortBindings"]) == {"6379/tcp", "9000/tcp"}


# ------------------------------------------------------------------ pull


async def test_pull_form_progress_and_close(sim: SimEngine, client: DockerClient) -> None:
    sim.state.registry["example/fresh"] = ["2"]
    screen = PullImageScreen(client)
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(screen, ref="example/fresh:2")
        await submit(pilot)
        rows = list(screen.query(LayerRow))
        assert rows
        assert all(r.query_one(ProgressBar).percentage == 1.0 for r in rows)
        assert screen.query_one("#overall", ProgressBar).percentage == 1.0
        assert "Downloaded newer image" in str(screen.query_one("#form-note", Label).render())
        await submit(pilot)  # "Close"
    assert app.results == ["example/fresh:2"]


async def test_pull_form_error_mid_stream_and_bad_ref(sim: SimEngine, client: DockerClient) -> None:
    screen = PullImageScreen(client)
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(screen, ref="Bad Ref")
        await submit(pilot)
        assert "not an image reference" in error_of(screen, "ref")
        fill(screen, ref="example/broken")
        await submit(pilot)
        assert "unexpected EOF" in error_of(screen, "form")
        assert list(screen.query(LayerRow))  # the rows up to the failure stay
        fill(screen, ref="nosuch/repo")
        await submit(pilot)
        assert "pull access denied" in error_of(screen, "ref")
    assert app.results == []


# ------------------------------------------------------------------ networks and volumes


async def test_network_form(sim: SimEngine, client: DockerClient) -> None:
    screen = CreateNetworkScreen(client)
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(screen, name="backend", subnet="10.50.0.0/24", gateway="10.51.0.1")
        await submit(pilot)
        assert "outside the subnet" in error_of(screen, "gateway")
        fill(screen, subnet="10.50.0.7/24", gateway="")
        await submit(pilot)
        assert "did you mean 10.50.0.0/24" in error_of(screen, "subnet")
        fill(screen, subnet="10.50.0.0/24", gateway="10.50.0.1", labels="a=1")
        await submit(pilot)
    [created] = app.results
    net = await client.inspect_network(created.network_id)
    assert net.subnets == ("10.50.0.0/24",) and net.labels == {"a": "1"}

    again = CreateNetworkScreen(client)
    app = Host(again)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(again, name="backend")
        await submit(pilot)
        assert "already exists" in error_of(again, "name")


async def test_connect_with_fixed_address_then_disconnect(
    sim: SimEngine, client: DockerClient
) -> None:
    nid = await client.create_network("front", subnet="10.60.0.0/24")
    # Inspect lists only running containers' endpoints (as dockerd does).
    ctr = (await client.containers(all=True))[0]
    if not ctr.running:
        await client.start(ctr.id)
    screen = ConnectNetworkScreen(client, nid, "front", [(ctr.id, ctr.name)])
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        await app.workers.wait_for_complete()
        screen.query_one("#f-container", Select).value = ctr.id
        fill(screen, ipv4="10.61.0.5")
        await submit(pilot)
        assert "outside the network's subnet" in error_of(screen, "ipv4")
        fill(screen, ipv4="10.60.0.5")
        await submit(pilot)
    [result] = app.results
    assert result.connected and result.ipv4 == "10.60.0.5"
    net = await client.inspect_network(nid)
    assert net.containers[ctr.id]["IPv4Address"].startswith("10.60.0.5")

    screen = ConnectNetworkScreen(client, nid, "front", [(ctr.id, ctr.name)], disconnect=True)
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one("#attached", DataTable).row_count == 1
        screen.query_one("#f-container", Select).value = ctr.id
        await submit(pilot)
    assert not app.results[0].connected
    assert ctr.id not in (await client.inspect_network(nid)).containers


async def test_volume_form_refuses_existing_name(sim: SimEngine, client: DockerClient) -> None:
    await client.create_volume("taken")
    screen = CreateVolumeScreen(client)
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(screen, name="taken")
        await submit(pilot)
        assert "already exists" in error_of(screen, "name")
        fill(screen, name="fresh", labels="tier=data", driver_opts="type")
        await submit(pilot)
        assert "no '='" in error_of(screen, "driver_opts")
        fill(screen, driver_opts="type=tmpfs\ndevice=tmpfs")
        await submit(pilot)
    assert app.results[0].name == "fresh"
    vol = await client.inspect_volume("fresh")
    assert vol.labels == {"tier": "data"} and vol.options == {"type": "tmpfs", "device": "tmpfs"}


# ------------------------------------------------------------------ small modals


async def test_tag_rename_and_history(sim: SimEngine, client: DockerClient) -> None:
    image = (await client.images())[0]
    screen = TagImageScreen(client, image.id, image.ref)
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(screen, tag="me/app:v2")
        await submit(pilot)
    assert app.results == ["me/app:v2"]
    assert any("me/app:v2" in i.repo_tags for i in await client.images())

    ctr = (await client.containers(all=True))[0]
    other = (await client.containers(all=True))[1]
    screen = RenameContainerScreen(client, ctr.id, ctr.name)
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(screen, name=other.name)
        await submit(pilot)
        assert error_of(screen, "name")  # the engine's conflict, next to the name
        fill(screen, name="renamed-one")
        await submit(pilot)
    assert app.results == ["renamed-one"]

    history = ImageHistoryScreen(client, image.id, image.ref)
    async with Host(history).run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert history.query_one("#history", DataTable).row_count >= 1
        assert str(history.query_one("#users", Label).render()).startswith("Used by:")


# ------------------------------------------------------------------ system screen


async def test_system_screen_df_info_and_events(
    sim: SimEngine, client: DockerClient, tmp_path: Path
) -> None:
    screen = SystemScreen(client)
    app = Host(screen)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.pause(0.3)
        df = screen.query_one("#df-table", DataTable)
        assert df.row_count == 4
        assert screen.query_one("#engine-table", DataTable).row_count > 5
        await client.create_volume("evt-vol")
        await pilot.pause(0.3)
        events = screen.query_one("#events-table", DataTable)
        assert events.row_count >= 1
        # The look back replays the last 5 minutes on a new stream.
        screen.query_one("#ev-since", Select).value = 300
        await pilot.pause(0.3)
        await client.create_volume("other-vol")
        await pilot.pause(0.3)
        assert events.row_count >= 2
        opened = screen.streams_opened
        # Typing a name filters what was received, without reconnecting per keystroke.
        for typed in ("e", "evt", "evt-vol"):
            screen.query_one("#ev-name", Input).value = typed
            await pilot.pause(0.05)
        rows = [events.get_row_at(i) for i in range(events.row_count)]
        assert rows and all("evt-vol" in str(r[3]) for r in rows)
        assert screen.streams_opened == opened
        # New events still pass through the filter; clearing it brings everything back.
        await client.create_volume("evt-vol-2")
        await client.create_volume("skip-vol")
        await pilot.pause(0.3)
        names = [str(events.get_row_at(i)[3]) for i in range(events.row_count)]
        assert "evt-vol-2" in names and "skip-vol" not in names
        screen.query_one("#ev-name", Input).value = ""
        await pilot.pause(0.1)
        names = [str(events.get_row_at(i)[3]) for i in range(events.row_count)]
        assert {"evt-vol", "other-vol", "skip-vol"} <= set(names)
        assert screen.streams_opened == opened


def count_cursor_moves(table: DataTable[Any]) -> list[dict[str, Any]]:
    """Record every move_cursor call of `table` (each one measures the rows above it)."""
    moves: list[dict[str, Any]] = []
    move_cursor = table.move_cursor

    def counting(**kw: Any) -> None:
        moves.append(kw)
        move_cursor(**kw)

    table.move_cursor = counting  # type: ignore[method-assign]
    return moves


async def test_system_screen_name_filter_moves_the_cursor_once(
    sim: SimEngine, client: DockerClient
) -> None:
    # Re-filtering the received events must not follow each added row with the cursor:
    # every move measures all rows above it, O(rows^2) per keystroke (~1 s at 2000).
    screen = SystemScreen(client)
    async with Host(screen).run_test(size=(140, 50)) as pilot:
        await pilot.pause(0.2)
        for i in range(300):
            actor = {"ID": f"{i:064x}", "Attributes": {"name": f"box-{i}"}}
            raw = {"Type": "container", "Action": "start", "Actor": actor, "timeNano": i}
            screen._received.append(Event.from_api(raw))
        events = screen.query_one("#events-table", DataTable)
        moves = count_cursor_moves(events)
        screen.query_one("#ev-name", Input).value = "box-1"
        await pilot.pause(0.05)
        names = [str(events.get_row_at(i)[3]) for i in range(events.row_count)]
        assert names == [f"box-{i}" for i in range(300) if f"box-{i}".startswith("box-1")]
        assert events.cursor_row == events.row_count - 1  # the newest match, as live
        assert len(moves) == 1


async def test_system_screen_look_back_burst_follows_once_per_update(
    sim: SimEngine, client: DockerClient
) -> None:
    # A look back replays its events in one burst: the cursor follows the newest once per
    # screen update, not once per row (each move measures every row above it).
    for i in range(120):
        await client.create_volume(f"burst-{i:03d}")
    screen = SystemScreen(client)
    async with Host(screen).run_test(size=(140, 50)) as pilot:
        await pilot.pause(0.2)
        events = screen.query_one("#events-table", DataTable)
        moves = count_cursor_moves(events)
        screen.query_one("#ev-since", Select).value = 300
        await pilot.pause(0.5)
        names = [str(events.get_row_at(i)[3]) for i in range(events.row_count)]
        assert [n for n in names if n.startswith("burst-")] == [
            f"burst-{i:03d}" for i in range(120)
        ]
        assert events.cursor_row == events.row_count - 1
        assert 1 <= len(moves) < 20


# ------------------------------------------------------------------ build


async def test_build_form_streams_log_and_shows_failing_step(
    sim: SimEngine, client: DockerClient, tmp_path: Path
) -> None:
    from textual.widgets import Log

    from dockui.ui.forms.build_image import BuildImageScreen, BuildResult

    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM busybox:latest\nRUN echo building && exit 3\n")
    (tmp_path / "Outside.Dockerfile").write_text("FROM busybox:latest\n")
    screen = BuildImageScreen(client, directory=str(ctx))
    app = Host(screen)
    async with app.run_test(size=(120, 60)) as pilot:
        fill(screen, dockerfile="../Outside.Dockerfile", tag="me/app:dev")
        await submit(pilot)
        assert "outside the build context" in error_of(screen, "dockerfile")
        fill(screen, dockerfile="Dockerfile", tag="Me/App", buildargs="X")
        await submit(pilot)
        assert "lowercase" in error_of(screen, "tag")
        assert "no '='" in error_of(screen, "buildargs")
        fill(screen, tag="me/app:dev", buildargs="X=1")
        await submit(pilot)
        failure = error_of(screen, "form")
        assert "Step 2/2" in failure and "non-zero code: 3" in failure, failure
        log_text = "\n".join(screen.query_one("#build-log", Log).lines)
        assert "building" in log_text and "ERROR:" in log_text
        (ctx / "Dockerfile").write_text("FROM busybox:latest\nRUN echo fine\n")
        await submit(pilot)
        assert "Built me/app:dev" in str(screen.query_one("#form-note", Label).render())
        await submit(pilot)  # "Close"
    [result] = app.results
    assert isinstance(result, BuildResult) and result.tag == "me/app:dev"
    assert any("me/app:dev" in i.repo_tags for i in await client.images())
