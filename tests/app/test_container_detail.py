"""The container detail screen on the simulated engine, driven with Pilot: log search and
filter mode, stderr marking, escape stripping, saving, masked secrets, and exec refusing
politely where the app cannot suspend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from detail_helpers import LOG_LINES, DetailApp, sim_container, wait_for
from textual.widgets import Input

from dockui.ui.widgets.json_view import MASK, JsonView
from dockui.ui.widgets.log_view import LogView

SIZE = (120, 40)


async def _answer(pilot: Any, view: Any, key: str, text: str) -> None:
    """Open a prompt with `key`, put `text` in it (typing each key is slow) and submit."""
    await pilot.press(key)
    view.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.pause()


def _row_text(view: LogView, index: int) -> str:
    """The text of view line `index` as the widget renders it (gutter included)."""
    lines = view.lines
    row = lines.row_of(index) - int(lines.scroll_y)
    return "".join(seg.text for seg in lines.render_line(row))


async def test_logs_arrive_clean_and_stderr_is_marked() -> None:
    async with sim_container() as sc:
        app = DetailApp(sc.client, sc.id)
        async with app.run_test(size=SIZE) as pilot:
            view = app.screen.query_one(LogView)
            await wait_for(lambda: len(view.lines.view) == len(LOG_LINES), pilot)
            plains = [r.plain for r in view.lines.view]
            assert plains[3] == "gamma clip title clearend"
            for plain in plains:
                assert "\x1b" not in plain and "\x9b" not in plain
            assert _row_text(view, 1).startswith("▌ beta two")  # stderr gutter
            assert _row_text(view, 0).startswith("  alpha one")
            # A live line follows.
            sc.log(1, "epsilon live")
            await wait_for(lambda: view.lines.view[-1].plain == "epsilon live", pilot)


async def test_search_highlights_and_moves_with_n() -> None:
    async with sim_container() as sc:
        app = DetailApp(sc.client, sc.id)
        async with app.run_test(size=SIZE) as pilot:
            view = app.screen.query_one(LogView)
            await wait_for(lambda: len(view.lines.view) == len(LOG_LINES), pilot)
            await _answer(pilot, view, "slash", "alpha")
            await pilot.pause()
            assert view.lines.current_match == 0
            assert "1/2" in str(view.query_one("#log-status").render())
            await pilot.press("n")
            assert view.lines.current_match == 2
            await pilot.press("n")  # wraps around
            assert view.lines.current_match == 0
            await pilot.press("N")
            assert view.lines.current_match == 2
            # The match is drawn in the match style; the rest of the line is not.
            lines = view.lines
            strip = lines.render_line(lines.row_of(2) - int(lines.scroll_y))
            current = lines.get_component_rich_style("log-lines--current-match")
            hit = [s for s in strip if s.style and s.style.bgcolor == current.bgcolor]
            assert "".join(s.text for s in hit) == "alpha"
            await _answer(pilot, view, "slash", "nothing-like-this")
            assert view.lines.current_match is None
            assert "no match" in str(view.query_one("#log-status").render())


async def test_filter_mode_shows_only_matching_lines() -> None:
    async with sim_container() as sc:
        app = DetailApp(sc.client, sc.id)
        async with app.run_test(size=SIZE) as pilot:
            view = app.screen.query_one(LogView)
            await wait_for(lambda: len(view.lines.view) == len(LOG_LINES), pilot)
            await _answer(pilot, view, "f", "re:^(alpha|delta)")
            await pilot.pause()
            assert [r.plain for r in view.lines.view] == [
                "alpha one",
                "alpha red with colour",
                "delta error 42",
            ]
            # New lines are filtered as they arrive.
            sc.log(1, "alpha live")
            sc.log(1, "omega live")
            await wait_for(lambda: view.lines.view[-1].plain == "alpha live", pilot)
            await pilot.pause(0.2)
            assert all("omega" not in r.plain for r in view.lines.view)
            # Substring filters are case-insensitive unless the query has capitals.
            await _answer(pilot, view, "f", "OMEGA")
            assert view.lines.view == []
            await _answer(pilot, view, "f", "omega")
            assert [r.plain for r in view.lines.view] == ["omega live"]
            # An empty filter shows everything again.
            await _answer(pilot, view, "ampersand", "")
            assert len(view.lines.view) == len(LOG_LINES) + 2


async def test_save_writes_shown_lines_without_escapes(tmp_path: Path) -> None:
    async with sim_container() as sc:
        app = DetailApp(sc.client, sc.id)
        async with app.run_test(size=SIZE) as pilot:
            view = app.screen.query_one(LogView)
            await wait_for(lambda: len(view.lines.view) == len(LOG_LINES), pilot)
            target = tmp_path / "out.log"
            await _answer(pilot, view, "w", str(target))
            await pilot.pause()
            text = target.read_text()
            assert text.splitlines()[3] == "gamma clip title clearend"
            assert "\x1b" not in text
            assert any(str(target) in str(n.message) for n in app._notifications)


async def test_line_cap_keeps_memory_bounded() -> None:
    async with sim_container() as sc:
        app = DetailApp(sc.client, sc.id)
        async with app.run_test(size=SIZE) as pilot:
            view = app.screen.query_one(LogView)
            await wait_for(lambda: len(view.lines.view) == len(LOG_LINES), pilot)
            view.lines.cap = 100
            from dockui.engine.streams import LogLine

            for i in range(5):
                view.feed(LogLine(1, f"flood {i}-{j}", "") for j in range(80))
                await pilot.pause(0.1)
            assert len(view.lines.records) == 100
            assert view.lines.records[-1].plain == "flood 4-79"
            assert view.lines.records[0].plain == "flood 3-60"


async def test_inspect_masks_secret_env_until_toggled() -> None:
    async with sim_container() as sc:
        app = DetailApp(sc.client, sc.id, tab="inspect")
        async with app.run_test(size=SIZE) as pilot:
            jv = app.screen.query_one(JsonView)
            await wait_for(lambda: jv.data is not None, pilot)
            labels = [str(n.label) for n in jv._tree_nodes]
            env = [s for s in labels if "=" in s and ("PASSWORD" in s or "SETTING" in s)]
            password = next(s for s in env if "DB_PASSWORD" in s)
            assert MASK in password and "hunter2" not in password
            assert any("PLAIN_SETTING=visible-value" in s for s in env)
            assert not any("hunter2" in s or "tok-123" in s for s in labels)
            # Searching cannot find (and so cannot reveal) a masked value.
            jv.search_for("hunter2")
            await pilot.pause()
            assert jv.matches == []
            await pilot.press("m")
            labels = [str(n.label) for n in jv._tree_nodes]
            assert any("DB_PASSWORD=hunter2" in s for s in labels)
            jv.search_for("hunter2")
            await wait_for(lambda: jv.json_tree.cursor_node is jv.matches[0], pilot)
            assert len(jv.matches) == 1
            await pilot.press("m")
            labels = [str(n.label) for n in jv._tree_nodes]
            assert not any("hunter2" in s for s in labels)


async def test_exec_says_why_it_cannot_run_headless() -> None:
    async with sim_container() as sc:
        app = DetailApp(sc.client, sc.id)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("e")
            await wait_for(lambda: bool(app._notifications), pilot)
            message = str(list(app._notifications)[-1].message)
            assert "cannot be handed over" in message


async def test_read_only_disables_exec_and_escape_pops() -> None:
    async with sim_container() as sc:
        app = DetailApp(sc.client, sc.id, read_only=True)
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert screen.check_action("exec_shell", ()) is None
            await pilot.press("e")
            await pilot.pause(0.2)
            assert not app._notifications
            await pilot.press("t")
            await wait_for(lambda: screen.query_one("#top-table").row_count > 0, pilot)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is not screen
