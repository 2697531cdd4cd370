"""Container actions of the dashboard on the simulated engine: every key, every
confirm and cancel path, bulk selection, engine errors as one sentence."""

from __future__ import annotations

from dashboard_helpers import Dash, dashboard, notifications, plain_rows

from dockui.ui.modals.confirm import ConfirmScreen
from dockui.ui.modals.kill import KillScreen


async def make(d: Dash, name: str, *, run: bool = True) -> str:
    c = d.state.create_container("busybox:latest", name, cmd=["sh"])
    if run:
        d.state.start_container(c.id)
    await d.until(lambda: c.id in d.app.pane.table.order)
    await d.cursor_to(c.id)
    return c.id


def confirm_names(d: Dash) -> str:
    assert isinstance(d.app.screen, ConfirmScreen)
    return str(d.app.screen.query_one("#confirm-names").render())


async def test_start_needs_no_confirmation() -> None:
    async with dashboard() as d:
        cid = await make(d, "t-start", run=False)
        await d.pilot.press("u")
        await d.until(lambda: d.find(cid).status == "running")
        await d.until(lambda: d.model.containers[cid].running)
        assert "running" in " ".join(plain_rows(d.app))


async def test_stop_confirm_stops_and_cancel_keeps_running() -> None:
    async with dashboard() as d:
        cid = await make(d, "t-stop")
        await d.pilot.press("s")
        await d.settle(0.05)
        assert "t-stop" in confirm_names(d)
        await d.pilot.press("n")
        await d.settle()
        assert d.find(cid).status == "running"
        assert not isinstance(d.app.screen, ConfirmScreen)
        await d.pilot.press("s")
        await d.settle(0.05)
        await d.pilot.press("y")
        await d.until(lambda: d.find(cid).status == "exited")
        # The row follows the engine's event, and the footer now offers start.
        await d.until(lambda: not d.model.containers[cid].running)
        assert d.app.check_action("start", ())
        assert not d.app.check_action("stop", ())


async def test_restart_confirm_and_cancel() -> None:
    async with dashboard() as d:
        cid = await make(d, "t-restart")
        before = d.find(cid).restart_count, d.find(cid).started_at
        await d.pilot.press("r")
        await d.settle(0.05)
        await d.pilot.press("escape")
        await d.settle()
        assert (d.find(cid).restart_count, d.find(cid).started_at) == before
        await d.pilot.press("r")
        await d.settle(0.05)
        await d.pilot.press("y")
        await d.until(lambda: any("Restarted t-restart" in m for m in notifications(d.app)))


async def test_pause_then_unpause_on_the_same_key() -> None:
    async with dashboard() as d:
        cid = await make(d, "t-pause")
        assert d.app.check_action("pause", ()) and not d.app.check_action("unpause", ())
        await d.pilot.press("p")
        await d.until(lambda: d.find(cid).status == "paused")
        await d.until(lambda: d.model.containers[cid].paused)
        assert d.app.check_action("unpause", ()) and not d.app.check_action("pause", ())
        await d.pilot.press("p")
        await d.until(lambda: d.find(cid).status == "running")


async def test_kill_asks_for_a_signal_and_cancel_sends_nothing() -> None:
    async with dashboard() as d:
        cid = await make(d, "t-kill")
        await d.pilot.press("K")
        await d.settle(0.05)
        assert isinstance(d.app.screen, KillScreen)
        await d.pilot.press("escape")
        await d.settle()
        assert d.find(cid).status == "running"
        await d.pilot.press("K")
        await d.settle(0.05)
        await d.pilot.press("enter")  # the first signal: SIGKILL
        await d.until(lambda: d.find(cid).status == "exited")
        assert d.find(cid).exit_code == 137


async def test_remove_running_without_force_is_one_sentence_and_app_lives() -> None:
    async with dashboard() as d:
        cid = await make(d, "t-rm")
        await d.pilot.press("d")
        await d.settle(0.05)
        assert "t-rm" in confirm_names(d)
        await d.pilot.press("y")
        await d.until(lambda: any("Could not remove t-rm" in m for m in notifications(d.app)))
        msg = next(m for m in notifications(d.app) if "Could not remove" in m)
        assert "running container" in msg and "\n" not in msg
        assert d.app.is_running and cid in d.model.containers


async def test_remove_with_force_option_removes() -> None:
    async with dashboard() as d:
        cid = await make(d, "t-rmf")
        await d.pilot.press("d")
        await d.settle(0.05)
        await d.pilot.click("#opt-force")
        await d.pilot.press("y")
        await d.until(lambda: cid not in d.model.containers)
        assert cid not in d.app.pane.table.order


async def test_remove_cancel_keeps_it() -> None:
    async with dashboard() as d:
        cid = await make(d, "t-keep", run=False)
        await d.pilot.press("d")
        await d.settle(0.05)
        await d.pilot.press("n")
        await d.settle()
        assert cid in d.model.containers


async def test_space_selects_and_bulk_stop_names_every_container() -> None:
    async with dashboard() as d:
        a = await make(d, "t-bulk-a")
        b = await make(d, "t-bulk-b")
        await d.cursor_to(a)
        await d.pilot.press("space")
        await d.cursor_to(b)
        await d.pilot.press("space")
        assert set(d.app.pane.targets()) == {a, b}
        await d.pilot.press("s")
        await d.settle(0.05)
        names = confirm_names(d)
        assert "t-bulk-a" in names and "t-bulk-b" in names
        await d.pilot.press("y")
        await d.until(lambda: d.find(a).status == "exited" and d.find(b).status == "exited")
        await d.pilot.press("escape")  # clears the selection
        assert d.app.pane.marked == set()


async def test_already_running_is_information_not_error() -> None:
    async with dashboard() as d:
        cid = await make(d, "t-already")
        # The engine answers 304 when our view lagged behind another client's start.
        ok = await d.app._each(
            "start", [cid], d.model.client.start, d.app.pane.display_name, done="Started"
        )
        assert ok == []
        await d.settle()
        assert "t-already: already running." in notifications(d.app)
        assert not any("Could not" in m for m in notifications(d.app))


async def test_external_changes_appear_without_polling() -> None:
    async with dashboard() as d:
        c = d.state.create_container("busybox:latest", "t-outside", cmd=["sh"])
        await d.until(lambda: c.id in d.app.pane.table.order, timeout=1.0)
        d.state.start_container(c.id)
        await d.until(lambda: "running" in d.app.pane.table.get_row(c.id)[3].plain, timeout=1.0)
        d.state.remove_container(c.id, force=True)
        await d.until(lambda: c.id not in d.app.pane.table.order, timeout=1.0)


async def test_cursor_stays_on_the_same_container_when_rows_move() -> None:
    async with dashboard() as d:
        cid = await make(d, "t-cursor")
        first = d.state.create_container("busybox:latest", "a-first", cmd=["sh"])
        await d.until(lambda: first.id in d.app.pane.table.order)
        assert d.app.pane.table.order.index(first.id) < d.app.pane.table.order.index(cid)
        assert d.app.pane.table.current_key() == cid
        await d.pilot.press("o")  # sort by another column
        assert d.app.pane.table.current_key() == cid
