"""The screen shown while no engine answers: where dockui looked, why it failed, what to do.

It stays while the model keeps retrying with backoff (the countdown is shown), and
closes by itself the moment the engine answers. `r` retries now, `d` switches to the
built-in demo engine, `q` quits.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from dockui.sanitize import clean

if TYPE_CHECKING:
    from dockui.state.model import EngineModel


def where_we_looked(model: EngineModel, env: dict[str, str] | None = None) -> Text:
    """The places checked, in the docker CLI's order, and the one used."""
    env = dict(os.environ) if env is None else env
    target = model.client.target
    text = Text()
    text.append("Where dockui looked, in order:\n", style="bold")
    source = target.source
    flag = "given" if "flag" in source else "not given"
    text.append(f"  -H / --host flag: {flag}\n")
    host = env.get("DOCKER_HOST")
    text.append(f"  DOCKER_HOST: {clean(host) if host else 'not set'}\n")
    ctx = env.get("DOCKER_CONTEXT")
    text.append(f"  docker context: {clean(ctx) if ctx else 'default'}\n")
    text.append("  → using ", style="")
    text.append(clean(target.url), style="bold")
    text.append(f" (from {clean(source)})\n")
    return text


def what_to_do(model: EngineModel) -> Text:
    err = (model.error or "").lower()
    text = Text()
    text.append("What to do:\n", style="bold")
    if "permission denied" in err:
        text.append(
            "  • add your user to the 'docker' group: sudo usermod -aG docker $USER,\n"
            "    then log out and in again (or run dockui with sudo)\n"
            "  • never chmod 666 the socket: access to it is root access\n"
        )
    elif "does not exist" in err or "connection refused" in err:
        text.append(
            "  • start the engine: sudo systemctl start docker (or run dockerd)\n"
            "  • or point DOCKER_HOST / -H at a running engine\n"
        )
    elif "tls" in err or "certificate" in err:
        text.append("  • check --tlscacert / --tlscert / --tlskey or DOCKER_CERT_PATH\n")
    else:
        text.append("  • check that the engine runs and that DOCKER_HOST / -H is right\n")
    text.append("  • press d to try dockui on the built-in demo engine\n")
    return text


class ConnectionScreen(Screen[None]):
    BINDINGS = [
        Binding("r", "retry", "Retry now"),
        Binding("d", "demo", "Demo engine"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, model: EngineModel) -> None:
        super().__init__(id="connection")
        self.model = model

    def compose(self) -> ComposeResult:
        with Vertical(classes="connection-box"):
            yield Static(Text("No Docker engine answered", style="bold red"), id="conn-title")
            yield Static("", id="conn-where", markup=False)
            yield Static("", id="conn-why", markup=False)
            yield Static("", id="conn-todo", markup=False)
            yield Static("", id="conn-retry", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_text()
        self.set_interval(1.0, self.refresh_text)

    def refresh_text(self) -> None:
        m = self.model
        self.query_one("#conn-where", Static).update(where_we_looked(m))
        why = Text("Why it failed:\n", style="bold")
        why.append("  " + clean(m.error or "still trying…") + "\n")
        if m.hint:
            why.append("  " + clean(m.hint) + "\n", style="italic")
        self.query_one("#conn-why", Static).update(why)
        self.query_one("#conn-todo", Static).update(what_to_do(m))
        wait = max(0.0, m.next_retry - time.monotonic())
        self.query_one("#conn-retry", Static).update(
            Text(f"Attempt {m.attempts}; retrying in {wait:.0f} s (r: now)", style="dim")
        )

    def action_retry(self) -> None:
        self.model.retry_now()
        self.notify("Retrying…", markup=False)

    def action_demo(self) -> None:
        self.app.run_worker(self.app.start_demo(), group="demo", exit_on_error=False)  # type: ignore[attr-defined]
