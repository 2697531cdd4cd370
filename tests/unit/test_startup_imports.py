"""Start-up imports: what the first paint does not need stays unimported.

Every module imported before the first frame is on the clock of bench.first_paint
(budget 0.5 s at 100 containers); screens, modals, forms, exec, ssh, contexts and the
stats hub are imported by the actions that use them. This test fails when one of them
creeps back into the start-up path.
"""

from __future__ import annotations

import json
import subprocess
import sys

# What `dockui -H unix://…` imports before the app runs: the CLI, target resolution
# for a -H flag, and the app module.
STARTUP = """
import json, sys
import dockui.cli
from dockui.engine.targets import resolve_targets
resolve_targets(["unix:///var/run/docker.sock"])
import dockui.ui.app
print(json.dumps(sorted(sys.modules)))
"""

DEFERRED_PREFIXES = (
    "dockui.ui.screens",
    "dockui.ui.modals",
    "dockui.ui.forms",
    "dockui.ui.exec_session",
    "dockui.ui.terminal_bridge",
    "dockui.ui.widgets.json_view",
    "dockui.ui.widgets.log_view",
    "dockui.ui.widgets.stats_graphs",
    "dockui.ui.widgets.gauges",
    "dockui.engine.ssh",
    "dockui.engine.hijack",
    "dockui.engine.contexts",
    "dockui.state.stats_hub",
    "dockui.state.history",
    "dockui.state.fleet",
    "dockui.sim",
    "textual.widgets._rich_log",
    "textual.widgets._log",
    "textual.widgets._sparkline",
    "textual.widgets._progress_bar",
    "textual.widgets._text_area",
)


def startup_modules() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", STARTUP], capture_output=True, text=True, check=True, timeout=60
    )
    return list(json.loads(out.stdout))


def test_modules_the_first_paint_does_not_need_are_not_imported_at_start() -> None:
    modules = startup_modules()
    assert "dockui.ui.app" in modules  # the probe really imported the app
    early = [m for m in modules if m.startswith(DEFERRED_PREFIXES)]
    assert early == [], f"imported at start, but only needed later: {early}"
