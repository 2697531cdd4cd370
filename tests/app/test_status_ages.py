"""The Status column ages while dockui stays open: the engine worded it at list time and
sends no event for a container that just keeps running."""

from __future__ import annotations

from typing import Any

import pytest
from fleet_helpers import sims, wait_for

from dockui.engine import parse_host
from dockui.ui.app import DockuiApp
from dockui.ui.panes import containers as containers_pane


async def test_status_of_rows_on_screen_ages_with_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with sims({"containers": 6, "seed": 3}) as (engines, _tmp):
        app = DockuiApp([parse_host(engines[0].docker_host)], stats=False)
        async with app.run_test(size=(160, 45)) as pilot:
            pane = app.containers_pane
            await wait_for(lambda: app.model.synced.is_set() and pane.table.row_count > 0, pilot)
            running = next(c for c in app.model.containers.values() if c.state == "running")

            def shown() -> str:
                row: list[Any] = pane.table.get_row(running.id)
                return str(row[4])  # mark, name, image, state, status

            assert shown() == running.status
            later = running.listed_at + 3 * 3600
            monkeypatch.setattr(containers_pane, "now", lambda: later)
            await wait_for(lambda: shown() == running.status_at(later), pilot, timeout=3)
            assert shown() != running.status
