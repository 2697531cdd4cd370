"""Images, networks and volumes panes, prune previews, filter, sort, the running-only
toggle, help, the palette and untrusted text, on the simulated engine."""

from __future__ import annotations

from dashboard_helpers import Dash, dashboard, notifications, plain_rows

from dockui.ui.modals.confirm import ConfirmScreen
from dockui.ui.modals.filter import FilterScreen
from dockui.ui.modals.help import HelpScreen
from dockui.ui.modals.prune import PruneScreen


def screen_text(d: Dash, selector: str) -> str:
    return str(d.app.screen.query_one(selector).render())


async def test_number_keys_switch_panes_with_their_rows() -> None:
    async with dashboard() as d:
        expected = {
            "2": ("images", len(d.model.images)),
            "3": ("networks", len(d.model.networks)),
            "4": ("volumes", len(d.model.volumes)),
        }
        for key, (kind, count) in expected.items():
            await d.pilot.press(key)
            assert d.app.current_kind == kind
            assert len(d.app.pane.table.order) == count
        await d.pilot.press("1")
        assert d.app.current_kind == "containers"


async def test_image_remove_confirm_and_cancel() -> None:
    async with dashboard() as d:
        img = d.state.add_image(["example/unused:1"], size=10_000_000, created=1.0)
        await d.model.refresh("images")  # add_image is silent, like a seeded image
        await d.pilot.press("2")
        await d.until(lambda: img.id in d.app.pane.table.order)
        await d.cursor_to(img.id)
        await d.pilot.press("d")
        await d.settle(0.05)
        assert "example/unused:1" in screen_text(d, "#confirm-names")
        await d.pilot.press("n")
        await d.settle()
        assert img.id in d.model.images
        await d.pilot.press("d")
        await d.settle(0.05)
        await d.pilot.press("y")
        await d.until(lambda: img.id not in d.model.images)


async def test_network_remove_and_predefined_networks_cannot_be_removed() -> None:
    async with dashboard() as d:
        net = d.state.create_network("t-net")
        await d.pilot.press("3")
        await d.until(lambda: net.id in d.app.pane.table.order)
        bridge = next(n.id for n in d.model.networks.values() if n.name == "bridge")
        await d.cursor_to(bridge)
        assert not d.app.check_action("remove", ())
        await d.cursor_to(net.id)
        await d.pilot.press("d")
        await d.settle(0.05)
        assert "t-net" in screen_text(d, "#confirm-names")
        await d.pilot.press("y")
        await d.until(lambda: net.id not in d.model.networks)


async def test_volume_remove_in_use_reports_the_engine_message() -> None:
    async with dashboard() as d:
        vol = d.state.create_volume("t-vol")
        c = d.state.create_container(
            "busybox:latest", "t-user", cmd=["sh"], host_config={"Binds": ["t-vol:/data"]}
        )
        await d.pilot.press("4")
        await d.until(lambda: vol.name in d.app.pane.table.order)
        await d.cursor_to(vol.name)
        await d.pilot.press("d")
        await d.settle(0.05)
        await d.pilot.press("y")
        await d.until(lambda: any("Could not remove t-vol" in m for m in notifications(d.app)))
        d.state.remove_container(c.id, force=True)
        await d.settle(0.2)
        await d.pilot.press("d")
        await d.settle(0.05)
        await d.pilot.press("y")
        await d.until(lambda: vol.name not in d.model.volumes)


async def test_prune_containers_previews_then_reports_the_engines_answer() -> None:
    async with dashboard() as d:
        exited = [c.id for c in d.model.containers.values() if c.state in ("exited", "created")]
        assert exited
        await d.pilot.press("P")
        await d.settle(0.05)
        assert isinstance(d.app.screen, PruneScreen)
        preview = d.app.screen.preview
        assert {i.id for i in preview.items} == set(exited)
        await d.pilot.press("n")
        await d.settle()
        assert all(i in d.model.containers for i in exited)
        await d.pilot.press("P")
        await d.settle(0.05)
        await d.pilot.press("y")
        await d.until(lambda: all(i not in d.model.containers for i in exited))
        await d.until(
            lambda: any(f"pruned {len(exited)} containers" in m for m in notifications(d.app))
        )


async def test_prune_volumes_on_api_141_warns_that_named_volumes_go_too() -> None:
    async with dashboard(api_version="1.41") as d:
        d.state.create_volume("t-named-unused")
        await d.settle(0.2)
        await d.pilot.press("4")
        await d.pilot.press("P")
        await d.until(lambda: isinstance(d.app.screen, PruneScreen))
        summary = screen_text(d, "#prune-summary")
        assert "NAMED volumes too" in summary
        assert "t-named-unused (named)" in screen_text(d, "#prune-items")
        await d.pilot.press("y")
        await d.until(lambda: "t-named-unused" not in d.model.volumes)


async def test_prune_volumes_on_new_api_keeps_named_unless_asked() -> None:
    async with dashboard(api_version="1.52") as d:
        d.state.create_volume("t-named-kept")
        await d.settle(0.2)
        await d.pilot.press("4")
        await d.pilot.press("P")
        await d.until(lambda: isinstance(d.app.screen, PruneScreen))
        assert "t-named-kept" not in screen_text(d, "#prune-items")
        await d.pilot.click("#opt-include_named")
        await d.settle(0.05)
        assert "t-named-kept (named)" in screen_text(d, "#prune-items")
        await d.pilot.press("escape")


async def test_prune_images_preview_and_all_unused_option() -> None:
    async with dashboard() as d:
        tagged = d.state.add_image(["example/spare:1"], size=5_000_000, created=1.0)
        await d.model.refresh("images")
        await d.pilot.press("2")
        await d.pilot.press("P")
        await d.until(lambda: isinstance(d.app.screen, PruneScreen))
        assert tagged.id not in {i.id for i in d.app.screen.preview.items}
        await d.pilot.click("#opt-all_unused")
        await d.settle(0.05)
        assert tagged.id in {i.id for i in d.app.screen.preview.items}
        await d.pilot.press("y")
        await d.until(lambda: tagged.id not in d.model.images)


async def test_filter_substring_regex_and_invalid_regex() -> None:
    async with dashboard() as d:
        project = sorted(
            c.compose_project for c in d.model.containers.values() if c.compose_project
        )[0]
        await d.pilot.press("slash")
        assert isinstance(d.app.screen, FilterScreen)
        await d.pilot.press(*project)
        await d.settle(0.05)
        rows = [r for r in plain_rows(d.app) if "compose project" not in r]
        assert rows and all(project in r for r in rows)
        await d.pilot.press("enter")
        assert d.app.pane.matcher.text == project
        await d.pilot.press("slash")
        await d.pilot.press(*["backspace"] * len(project), *"re:[")
        await d.settle(0.05)
        assert "invalid regular expression" in screen_text(d, "#filter-message")
        await d.pilot.press("backspace", *f"^{project}-")
        await d.settle(0.05)
        rows = [r for r in plain_rows(d.app) if "compose project" not in r]
        assert rows and all(r.split(" | ")[1].strip().startswith(project) for r in rows)
        await d.pilot.press("escape")  # restores the previous filter
        assert d.app.pane.matcher.text == project
        await d.pilot.press("escape")  # clears it
        assert not d.app.pane.matcher.active


async def test_filter_matches_labels() -> None:
    async with dashboard() as d:
        c = d.state.create_container(
            "busybox:latest", "t-labelled", cmd=["sh"], labels={"team": "zebra"}
        )
        await d.until(lambda: c.id in d.app.pane.table.order)
        assert d.app.pane.set_filter("team=zebra") is None
        assert d.app.pane.table.order == [c.id]


async def test_toggle_all_shows_running_only() -> None:
    async with dashboard() as d:
        await d.pilot.press("A")
        shown = [k for k in d.app.pane.table.order if k in d.model.containers]
        assert shown and all(
            d.model.containers[k].state in ("running", "paused", "restarting") for k in shown
        )
        await d.pilot.press("A")
        shown = [k for k in d.app.pane.table.order if k in d.model.containers]
        assert len(shown) == len(d.model.containers)


async def test_sort_cycles_and_reverses() -> None:
    async with dashboard() as d:
        await d.pilot.press("2")
        pane = d.app.pane
        assert pane.sort_column == "ref"
        await d.pilot.press("o")
        assert pane.sort_column == "id"
        await d.pilot.press("o")
        assert pane.sort_column == "size"
        sizes = [d.model.images[k].size for k in pane.table.order]
        assert sizes == sorted(sizes)
        await d.pilot.press("O")
        sizes = [d.model.images[k].size for k in pane.table.order]
        assert sizes == sorted(sizes, reverse=True)


async def test_compose_containers_are_grouped_under_their_project() -> None:
    async with dashboard() as d:
        order = d.app.pane.table.order
        projects = {c.compose_project for c in d.model.containers.values()} - {""}
        assert projects
        for p in projects:
            header = order.index(f"group:{p}")
            members = [k for k, c in d.model.containers.items() if c.compose_project == p]
            idx = sorted(order.index(m) for m in members)
            assert idx == list(range(header + 1, header + 1 + len(members)))


async def test_help_lists_every_key() -> None:
    from dockui.ui.commands import KEYS

    async with dashboard() as d:
        await d.pilot.press("question_mark")
        assert isinstance(d.app.screen, HelpScreen)
        table = d.app.screen.query_one("#help-table")
        keys = {table.get_row_at(i)[0].plain for i in range(table.row_count)}  # type: ignore[attr-defined]
        for k in KEYS:
            assert (k.display or k.key) in keys
        await d.pilot.press("escape")
        assert not isinstance(d.app.screen, HelpScreen)


async def test_palette_offers_the_actions_the_selection_allows() -> None:
    from dockui.ui.commands import DashboardCommands

    async with dashboard() as d:
        c = d.state.create_container("busybox:latest", "t-pal", cmd=["sh"])
        d.state.start_container(c.id)
        await d.until(lambda: c.id in d.app.pane.table.order)
        await d.cursor_to(c.id)
        await d.pilot.press("ctrl+p")
        await d.settle(0.1)
        provider = DashboardCommands(d.app.screen)
        actions = {a for _, a in provider._entries()}
        assert {"stop", "restart", "pause", "kill", "remove", "prune", "logs"} <= actions
        assert "start" not in actions and "unpause" not in actions


async def test_untrusted_command_and_labels_show_literally() -> None:
    async with dashboard() as d:
        c = d.state.create_container(
            "busybox:latest",
            "t-markup",
            cmd=["echo", "[/]", "[bold]x", "\x1b]0;EVIL\x07title"],
            labels={"note": "[@click=app.quit]q[/]"},
        )
        await d.until(lambda: c.id in d.app.pane.table.order)
        row = d.app.pane.table.get_row(c.id)
        command = row[-1].plain
        assert "[/] [bold]x" in command
        assert "\x1b" not in command and "\x07" not in command
        await d.cursor_to(c.id)
        await d.pilot.press("d")
        await d.settle(0.05)
        assert isinstance(d.app.screen, ConfirmScreen)
        await d.pilot.press("n")
