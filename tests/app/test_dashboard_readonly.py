"""--read-only: every write is hidden from the footer, help and palette, and refused."""

from __future__ import annotations

from dashboard_helpers import dashboard, notifications

from dockui.ui.commands import KEYS, WRITE_ACTIONS, DashboardCommands
from dockui.ui.modals.help import HelpScreen

WRITE_KEYS = sorted({k.key for k in KEYS if k.write} - {k.key for k in KEYS if not k.write})


async def test_read_only_hides_and_refuses_every_write() -> None:
    async with dashboard(read_only=True) as d:
        assert "READ-ONLY" in str(d.app.query_one("#header").render())
        states = {c.id: c.state for c in d.model.containers.values()}
        for kind in ("1", "2", "3", "4"):
            await d.pilot.press(kind)
            await d.pilot.press("space")
            footer = {b.binding.action for b in d.app.active_bindings.values() if b.enabled}
            assert not footer & WRITE_ACTIONS
            for action in WRITE_ACTIONS:
                assert not d.app.check_action(action, ())
            for key in WRITE_KEYS:
                await d.pilot.press(key)
                await d.settle(0.02)
                assert d.app.screen is d.app.screen_stack[0], f"{key} opened a screen"
        # Called directly (a keymap or the palette), each write is still refused.
        await d.pilot.press("1")
        for action in sorted(WRITE_ACTIONS):
            await d.app.run_action(action)  # goes through check_action: refused
            getattr(d.app, f"action_{action}")()  # straight to the method: refused inside
        await d.settle(0.2)
        assert d.app.screen is d.app.screen_stack[0]
        assert "dockui runs read-only: nothing is changed." in notifications(d.app)
        assert {c.id: c.state for c in d.model.containers.values()} == states
        assert all(c.status != "removing" for c in d.state.containers.values())
        provider = DashboardCommands(d.app.screen)
        assert not {a for _, a in provider._entries()} & WRITE_ACTIONS
        await d.pilot.press("question_mark")
        assert isinstance(d.app.screen, HelpScreen)
        table = d.app.screen.query_one("#help-table")
        labels = {table.get_row_at(i)[1].plain for i in range(table.row_count)}  # type: ignore[attr-defined]
        assert not labels & {k.label for k in KEYS if k.write}


async def test_writes_are_offered_when_not_read_only() -> None:
    async with dashboard() as d:
        await d.pilot.press("4")
        assert d.app.check_action("prune", ()) and d.app.check_action("new", ())
