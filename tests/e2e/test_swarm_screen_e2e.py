"""The swarm screen on a real swarm manager (a test-only dockerd in its own network
namespace): the service listed with its replicas, scaling through the key (the replica
input refuses a bad number), tasks seen, a node drained and re-activated, a rolling
restart, and removal after a confirm that names the service. The engine's service
events reach the model's listeners, since the model subscribes to them now."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from e2e_support import BUSYBOX_REPO, BUSYBOX_TAG
from swarm_support import swarm_daemon
from textual.app import App
from textual.widgets import DataTable, Input, Static

from dockui.engine import DockerClient
from dockui.engine.models import Event
from dockui.engine.swarm import SwarmAPI
from dockui.state.model import ConnState, EngineModel
from dockui.ui.screens.fleet import ConfirmAction
from dockui.ui.screens.swarm import ScaleInput, SwarmScreen

pytestmark = [pytest.mark.e2e, pytest.mark.own_engine, pytest.mark.timeout(240)]

SERVICE = "dockui-test-screen"


class SwarmApp(App[None]):
    def __init__(self, model: EngineModel) -> None:
        super().__init__()
        self.model = model

    def on_mount(self) -> None:
        self.push_screen(SwarmScreen(self.model.client, self.model))


@pytest.fixture
async def manager() -> AsyncIterator[DockerClient]:
    async with swarm_daemon() as client:
        await SwarmAPI(client).init(advertise_addr="127.0.0.1", listen_addr="127.0.0.1:2377")
        try:
            yield client
        finally:
            api = SwarmAPI(client)
            for svc in await api.services(filters={"label": ["dockui.test=1"]}):
                await api.remove_service(svc.id)
            await api.leave(force=True)


async def _until(check: Any, pilot: Any, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.2)


def _cell(table: DataTable[Any], row: int, col: str) -> str:
    return str(table.get_cell(table.coordinate_to_cell_key((row, 0)).row_key, col).plain)


def _column(table: DataTable[Any], col: str) -> list[str]:
    return [_cell(table, i, col) for i in range(table.row_count)]


async def test_swarm_screen_lists_scales_restarts_drains_and_removes(
    manager: DockerClient,
) -> None:
    api = SwarmAPI(manager)
    model = EngineModel(DockerClient(manager.target), name="swarm-e2e")
    events: list[Event] = []
    model.add_event_listener(lambda ev: events.append(ev) if ev.type == "service" else None)
    runner = asyncio.create_task(model.run())
    try:
        app = SwarmApp(model)
        async with app.run_test(size=(180, 50)) as pilot:
            await _until(lambda: model.state == ConnState.LIVE, pilot)
            screen = app.screen
            assert isinstance(screen, SwarmScreen)
            sid = await api.create_service(
                {
                    "Name": SERVICE,
                    "Labels": {"dockui.test": "1"},
                    "TaskTemplate": {
                        "ContainerSpec": {
                            "Image": f"{BUSYBOX_REPO}:{BUSYBOX_TAG}",
                            "Command": ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"],
                        }
                    },
                    "Mode": {"Replicated": {"Replicas": 1}},
                }
            )
            services = screen.query_one("#services", DataTable)
            tasks = screen.query_one("#tasks", DataTable)
            nodes = screen.query_one("#nodes", DataTable)
            # Listed by the service event alone (nothing else asks the screen to look).
            await _until(lambda: _column(services, "name") == [SERVICE], pilot)
            assert any(ev.actor_id == sid and ev.verb == "create" for ev in events)
            await _until(lambda: _column(services, "replicas") == ["1/1"], pilot)
            assert _column(services, "mode") == ["replicated"]
            assert _column(services, "image")[0].startswith(BUSYBOX_REPO)
            assert _column(nodes, "role") == ["manager"]
            assert _column(nodes, "leader") == ["leader"]
            assert _column(nodes, "status") == ["ready"]
            await _until(lambda: _column(tasks, "current") == ["running"], pilot)

            # Scale: a number out of range is refused in place, then 3 is accepted.
            await pilot.press("s")
            await _until(lambda: isinstance(app.screen, ScaleInput), pilot, 5)
            field = app.screen.query_one(Input)
            field.value = "5000"
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert isinstance(app.screen, ScaleInput)
            assert "whole number" in str(app.screen.query_one("#scale-error", Static).render())
            field.value = "3"
            await pilot.press("enter")
            await _until(lambda: _column(services, "replicas") == ["3/3"], pilot)
            await _until(
                lambda: (
                    sorted(_column(tasks, "slot")) == ["1", "2", "3"]
                    and _column(tasks, "current") == ["running"] * 3
                ),
                pilot,
            )
            assert tasks.border_title == f"tasks of {SERVICE}"

            # Drain the only node (its tasks stop), then make it active again.
            await pilot.press("D")
            await _until(lambda: isinstance(app.screen, ConfirmAction), pilot, 5)
            await pilot.press("y")
            await _until(lambda: _column(nodes, "availability") == ["drain"], pilot)
            await pilot.press("D")
            await _until(lambda: isinstance(app.screen, ConfirmAction), pilot, 5)
            await pilot.press("y")
            await _until(lambda: _column(nodes, "availability") == ["active"], pilot)
            await _until(lambda: _column(services, "replicas") == ["3/3"], pilot)

            # Rolling restart: the service gets a new version and an update status.
            version = (await api.inspect_service(sid)).version
            await pilot.press("r")
            await _until(lambda: isinstance(app.screen, ConfirmAction), pilot, 5)
            await pilot.press("y")
            await _until(lambda: _column(services, "update") != ["–"], pilot)
            assert (await api.inspect_service(sid)).version > version

            # Remove: the confirm names the service; "n" keeps it, "y" removes it.
            await pilot.press("d")
            await _until(lambda: isinstance(app.screen, ConfirmAction), pilot, 5)
            question = str(app.screen.query_one("#confirm-question", Static).render())
            assert SERVICE in question and "swarm-e2e" in question
            await pilot.press("n")
            await pilot.pause(0.3)
            assert [s.id for s in await api.services()] == [sid]
            await pilot.press("d")
            await _until(lambda: isinstance(app.screen, ConfirmAction), pilot, 5)
            await pilot.press("y")
            await _until(lambda: services.row_count == 0, pilot)
            assert await api.services() == []
            assert any(ev.actor_id == sid and ev.verb == "remove" for ev in events)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await model.client.aclose()
