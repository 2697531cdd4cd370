"""KeysFooter: rebuilt when the keys it shows change, not on every refresh_bindings()."""

from __future__ import annotations

from typing import Any

from dashboard_helpers import dashboard
from textual.widgets._footer import FooterKey

from dockui.ui.widgets.footer import KeysFooter


def shown(d: Any) -> dict[str, bool]:
    """Footer key -> enabled, as drawn."""
    footer = d.app.screen.query_one(KeysFooter)
    return {k.key: not k.disabled for k in footer.query(FooterKey)}


async def test_footer_follows_the_selection_and_skips_identical_rebuilds(
    monkeypatch: Any,
) -> None:
    rebuilds = 0
    recompose = KeysFooter.recompose

    async def counting(self: KeysFooter) -> None:
        nonlocal rebuilds
        rebuilds += 1
        await recompose(self)

    monkeypatch.setattr(KeysFooter, "recompose", counting)
    async with dashboard() as d:
        await d.settle()
        # Start-up asks for a footer refresh several times (mount, focus, tab, first
        # row, first list): Textual's Footer rebuilt it for each.
        assert 1 <= rebuilds <= 2
        stopped = d.state.create_container("busybox:latest", "t-foot-stopped", cmd=["sh"])
        running = d.state.create_container("busybox:latest", "t-foot-running", cmd=["sh"])
        d.state.start_container(running.id)
        await d.until(lambda: {stopped.id, running.id} <= set(d.app.pane.table.order))
        await d.cursor_to(running.id)
        await d.settle()
        assert shown(d)["s"] and not shown(d).get("u", False)
        await d.cursor_to(stopped.id)
        await d.settle()
        assert shown(d)["u"] and not shown(d).get("s", False)
        # Same keys again: refresh_bindings() rebuilds nothing.
        before = rebuilds
        for _ in range(5):
            d.app.refresh_bindings()
            await d.pilot.pause()
        assert rebuilds == before
