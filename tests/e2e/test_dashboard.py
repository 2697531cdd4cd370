"""The dashboard on the real dockerd: external changes appear within a second, stop and
remove go through the confirmations to the engine, and a killed event stream is
recovered from without restarting the app.

The stream is killed by a unix-socket relay between the app and dockerd that the test
cuts and brings back (every connection dropped, connects refused meanwhile): what the
app sees of a daemon restart, without stopping the containers other sessions run on the
shared engine. Everything created carries the dockui.test label and is removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import AsyncIterator

import pytest
from e2e_support import unique_name

from dockui.engine import DockerClient, NotFound, parse_host
from dockui.state.model import ConnState, EngineModel
from dockui.ui.app import DockuiApp
from dockui.ui.modals.confirm import ConfirmScreen

pytestmark = pytest.mark.e2e


class Relay:
    """Forwards a unix socket to dockerd's; `cut()` drops everything, `resume()` listens again."""

    def __init__(self, upstream: str, path: str) -> None:
        self.upstream, self.path = upstream, path
        self.server: asyncio.AbstractServer | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_unix_server(self._serve, path=self.path)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_unix_connection(self.upstream)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            with contextlib.suppress(Exception):
                dst.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
        self.writers -= {writer, up_writer}

    async def cut(self) -> None:
        assert self.server is not None
        self.server.close()
        for w in list(self.writers):
            with contextlib.suppress(Exception):
                w.transport.abort()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)

    async def resume(self) -> None:
        await self.start()


async def wait_for(predicate, timeout: float, pilot) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s")
        await pilot.pause(0.02)
    return time.monotonic() - start


@pytest.fixture
async def relay(engine_socket: str) -> AsyncIterator[Relay]:
    tmp = tempfile.mkdtemp(prefix="drelay-", dir="/tmp")
    r = Relay(engine_socket, f"{tmp}/docker.sock")
    await r.start()
    yield r
    with contextlib.suppress(Exception):
        await r.cut()
    shutil.rmtree(tmp, ignore_errors=True)


async def test_dashboard_follows_the_engine_and_acts_on_it(
    engine_target, engine_client: DockerClient, make_container
) -> None:  # type: ignore[no-untyped-def]
    model = EngineModel(DockerClient(engine_target))
    app = DockuiApp(model=model, stats=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await asyncio.wait_for(model.synced.wait(), 10)
        name = unique_name("dash")
        cid = await make_container(name=name)
        took = await wait_for(lambda: cid in app.pane.table.order, 1.0, pilot)
        assert took < 1.0
        await wait_for(lambda: model.containers[cid].running, 1.0, pilot)
        assert app.pane.table.move_to_key(cid)
        await pilot.pause()
        await pilot.press("s")
        await wait_for(lambda: isinstance(app.screen, ConfirmScreen), 1.0, pilot)
        assert name in str(app.screen.query_one("#confirm-names").render())
        await pilot.press("y")
        await wait_for(lambda: not model.containers[cid].running, 15.0, pilot)
        info = await engine_client.inspect_container(cid)
        assert info["State"]["Running"] is False
        await pilot.press("d")
        await wait_for(lambda: isinstance(app.screen, ConfirmScreen), 1.0, pilot)
        await pilot.press("y")
        await wait_for(lambda: cid not in app.pane.table.order, 5.0, pilot)
        with pytest.raises(NotFound):
            await engine_client.inspect_container(cid)


async def test_killed_event_stream_is_recovered_without_restarting_the_app(
    relay: Relay, make_container
) -> None:  # type: ignore[no-untyped-def]
    model = EngineModel(
        DockerClient(parse_host(f"unix://{relay.path}")), backoff_min=0.1, backoff_max=0.5
    )
    app = DockuiApp(model=model, stats=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await asyncio.wait_for(model.synced.wait(), 10)
        before = len(app.pane.table.order)
        await relay.cut()
        await wait_for(lambda: model.state == ConnState.RECONNECTING, 5.0, pilot)
        assert "reconnecting" in str(app.query_one("#header").render())
        assert len(app.pane.table.order) == before  # last known state stays on screen
        cid = await make_container(name=unique_name("away"))  # created while we are blind
        await relay.resume()
        await wait_for(lambda: model.state == ConnState.LIVE, 10.0, pilot)
        await wait_for(lambda: cid in app.pane.table.order, 3.0, pilot)
        # And live again: an event after the reconnect reaches the table.
        cid2 = await make_container(name=unique_name("after"))
        await wait_for(lambda: cid2 in app.pane.table.order, 1.0, pilot)
