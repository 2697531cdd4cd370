"""The context switcher on a context store written here, laid out as the docker CLI writes
it: rows, the current marker, enter returns the Context (whose target the app connects
to), escape returns None, hostile descriptions stay text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fleet_helpers import column, row_keys
from textual.app import App
from textual.widgets import DataTable, Static

from dockui.engine.contexts import Context, context_id
from dockui.ui.screens.contexts import ContextSwitcher

SIZE = (140, 30)


def write_context(cfg: Path, name: str, host: str, description: str) -> None:
    meta = cfg / "contexts" / "meta" / context_id(name)
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text(
        json.dumps(
            {
                "Name": name,
                "Metadata": {"Description": description},
                "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": False}},
            }
        )
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    cfg = tmp_path / "docker"
    cfg.mkdir()
    (cfg / "config.json").write_text(json.dumps({"auths": {}, "currentContext": "remote"}))
    write_context(cfg, "remote", "tcp://10.0.0.5:2376", "the [b]build[/b] box \x1b]0;T\x07")
    write_context(cfg, "box", "ssh://me@box:2222", "over ssh")
    return {"DOCKER_CONFIG": str(cfg), "HOME": str(tmp_path), "DOCKER_HOST": "unix:///x.sock"}


class Chooser(App[None]):
    def __init__(self, **kw: Any) -> None:
        super().__init__()
        self.kw = kw
        self.result: list[Context | None] = []

    def on_mount(self) -> None:
        self.push_screen(ContextSwitcher(**self.kw), self.result.append)


async def test_lists_contexts_marks_current_and_enter_selects(env: dict[str, str]) -> None:
    app = Chooser(env=env)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert row_keys(table) == ["default", "box", "remote"]
        assert column(table, "mark") == [" ", " ", "*"]
        assert column(table, "endpoint") == [
            "unix:///x.sock",
            "ssh://me@box:2222",
            "tcp://10.0.0.5:2376",
        ]
        # Markup stays literal and the escape sequence is gone.
        assert column(table, "description")[2] == "the [b]build[/b] box "
        assert table.cursor_row == 2  # the current context has the cursor
        await pilot.press("up", "enter")
        await pilot.pause()
    (chosen,) = app.result
    assert chosen is not None and chosen.name == "box"
    target = chosen.target()
    assert (target.scheme, target.address, target.name) == ("ssh", "me@box:2222", "box")


async def test_escape_keeps_the_current_engine(env: dict[str, str]) -> None:
    app = Chooser(env=env, active="box")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one(DataTable).cursor_row == 1  # the active one
        await pilot.press("escape")
        await pilot.pause()
    assert app.result == [None]


async def test_empty_store_offers_default_and_says_how_to_add(tmp_path: Path) -> None:
    env = {"DOCKER_CONFIG": str(tmp_path / "none"), "HOME": str(tmp_path)}
    app = Chooser(env=env)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert row_keys(table) == ["default"] and column(table, "mark") == ["*"]
        assert column(table, "endpoint") == ["unix:///var/run/docker.sock"]
        note = str(app.screen.query_one("#contexts-note", Static).render())
        assert "docker context create" in note
        await pilot.press("enter")
        await pilot.pause()
    assert app.result[0] is not None and app.result[0].name == "default"
