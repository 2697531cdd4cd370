"""The swarm screen where there is no swarm to show: one plain sentence for an inactive
engine (the simulator), a worker, and podman; never panes, never a raw error. The panes
themselves are tested on a real swarm manager in tests/e2e/test_swarm_screen_e2e.py."""

from __future__ import annotations

import asyncio
from typing import Any

from fleet_helpers import PodmanPose, ScreenApp, sims, wait_for
from textual.widgets import Static

from dockui.engine import DockerClient, parse_host
from dockui.state.model import EVENT_FILTERS, ConnState, EngineModel
from dockui.ui.screens.swarm import SwarmScreen, role_sentence

SIZE = (160, 40)


class WorkerPose(DockerClient):
    """The simulator's /info, as a swarm worker node reports it."""

    async def info(self) -> dict[str, Any]:
        info = await super().info()
        info["Swarm"] = {
            "LocalNodeState": "active",
            "ControlAvailable": False,
            "RemoteManagers": [{"NodeID": "m1", "Addr": "10.0.0.2:2377"}],
        }
        return info


async def _sentence(client_cls: type[DockerClient]) -> tuple[str, bool]:
    async with sims({"containers": 2}) as (engines, _):
        client = client_cls(parse_host(engines[0].docker_host))
        model = EngineModel(client, name="sim0")
        runner = asyncio.create_task(model.run())
        try:
            app = ScreenApp(lambda: SwarmScreen(client, model, coalesce=0.01))
            async with app.run_test(size=SIZE) as pilot:
                await wait_for(lambda: model.state == ConnState.LIVE, pilot)
                screen = app.screen
                assert isinstance(screen, SwarmScreen)
                await wait_for(lambda: bool(screen.role_message), pilot)
                text = str(screen.query_one("#swarm-message", Static).render())
                # Actions say there is nothing to act on, and change nothing.
                await pilot.press("d")
                await pilot.pause(0.1)
                assert app.screen is screen
                return text, screen.query_one("#swarm-panes").display
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
            await client.aclose()


async def test_inactive_engine_says_swarm_is_inactive() -> None:
    text, panes = await _sentence(DockerClient)
    assert text.startswith("Swarm is inactive on sim0") and "docker swarm init" in text
    assert not panes


async def test_worker_says_it_is_a_worker_and_where_managers_are() -> None:
    text, panes = await _sentence(WorkerPose)
    assert text.startswith("sim0 is a swarm worker")
    assert "visible only on a manager" in text and "10.0.0.2:2377" in text
    assert not panes


async def test_podman_has_no_swarm_mode() -> None:
    text, panes = await _sentence(PodmanPose)
    assert text.startswith("podman has no swarm mode")
    assert not panes


def test_role_sentences_cover_every_node_state() -> None:
    def info(state: str, **kw: Any) -> dict[str, Any]:
        return {"Swarm": {"LocalNodeState": state, **kw}}

    assert role_sentence("e", info("active", ControlAvailable=True), False) is None
    assert "joining" in (role_sentence("e", info("pending"), False) or "")
    assert "docker swarm unlock" in (role_sentence("e", info("locked"), False) or "")
    assert "boom" in (role_sentence("e", info("error", Error="boom"), False) or "")
    assert "inactive" in (role_sentence("e", {"Swarm": None}, False) or "")
    assert "inactive" in (role_sentence("e", {}, False) or "")


def test_model_subscribes_to_service_and_node_events() -> None:
    assert {"service", "node"} <= set(EVENT_FILTERS["type"])
    assert {"create", "update", "remove"} <= set(EVENT_FILTERS["event"])
