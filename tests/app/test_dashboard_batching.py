"""Stats figures join the model changes' batch; the first listing is kept out of the
collector's full passes while the app runs."""

from __future__ import annotations

import gc
import time

from tests.app.dashboard_helpers import dashboard
from tests.app.test_pane_order import FakeStats


async def test_stats_figures_wait_for_the_batch_then_show() -> None:
    async with dashboard() as d:
        app = d.app
        pane = app.containers_pane
        hub = FakeStats()
        pane.stats = hub  # type: ignore[assignment]
        cid = next(c.id for c in d.model.containers.values() if c.running)
        hub.cpu[cid] = 42.5
        # A batch was just applied: what arrives now waits for the next one.
        app._last_apply = time.monotonic()
        app._on_stats({cid})
        assert "42.5" not in pane.table.get_cell(cid, "cpu").plain
        await d.until(lambda: "42.5" in pane.table.get_cell(cid, "cpu").plain)
        # A model change in the same batch does not lose the figure.
        hub.cpu[cid] = 7.5
        app._last_apply = time.monotonic()
        app._on_stats({cid})
        d.state.rename_container(cid, "renamed-in-batch")
        await d.until(lambda: "renamed-in-batch" in pane.table.get_cell(cid, "name").plain)
        assert "7.5" in pane.table.get_cell(cid, "cpu").plain


async def test_the_first_listing_is_frozen_for_the_collector_until_exit() -> None:
    assert gc.get_freeze_count() == 0
    async with dashboard() as d:
        await d.until(lambda: d.app.containers_pane.table.row_count > 0)
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
