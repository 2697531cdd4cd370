"""The fleet view: every engine the user asked for, side by side, and all their containers.

`FleetScreen(fleet)` shows one overview row per engine (reachable or not, versions,
podman, counts, CPUs and memory, and CPU/memory in use when a stats source is given)
and one combined container table with an ENGINE column. Rows are keyed
"engine/id" and diff-updated from the fleet's listeners (never cleared and refilled), so
the cursor stays put while engines change. Actions go to the client of the engine that
holds the selected container; a failing engine is marked in its row and retried by its
own model while the others stay live. Plain tcp:// to another machine gets a lasting
warning, not a toast: it stays true for as long as the engine is shown.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

import humanize
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Static

from dockui.engine.errors import EngineError, NotModified
from dockui.engine.models import ContainerSummary
from dockui.sanitize import clean, safe_text
from dockui.state.fleet import EngineOverview, Fleet
from dockui.state.model import CONTAINERS, IMAGES, STATUS, Change, ConnState, EngineModel

# Listener calls arrive in bursts (one per event batch per engine); one repaint per burst.
COALESCE = 0.05
# How often the retry countdown and the optional stats totals are redrawn.
TICK = 1.0
PODMAN_STATS_NOTE = "podman streams stats every 5 s, so its CPU and memory figures move slower"

Totals = Callable[[EngineModel], tuple[float, int]]

_STATE_STYLE = {"running": "green", "paused": "yellow", "restarting": "yellow", "dead": "red"}


def _size(n: int) -> str:
    return humanize.naturalsize(n, binary=True, format="%.1f") if n else "–"


def _needs_force(c: ContainerSummary) -> bool:
    """The engine refuses to remove a running or paused container without force."""
    return c.state in ("running", "paused", "restarting")


def row_key(model: EngineModel, cid: str) -> str:
    """The combined table's row key: unique across engines that share an id."""
    return f"{model.name}/{cid}"


class ConfirmAction(ModalScreen[bool]):
    """Yes/no before anything destructive; the question names exactly what will go."""

    DEFAULT_CSS = """
    ConfirmAction { align: center middle; }
    ConfirmAction > Vertical {
        width: 72; height: auto; border: thick $error; background: $surface; padding: 1 2;
    }
    ConfirmAction #confirm-question { height: auto; }
    ConfirmAction #confirm-detail { height: auto; color: $foreground-muted; margin-top: 1; }
    ConfirmAction Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmAction Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "yes"),
        Binding("n,escape", "answer(False)", "no"),
    ]

    def __init__(self, question: Content, detail: Content | None = None) -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="confirm-question")
            if self.detail is not None:
                yield Static(self.detail, id="confirm-detail")
            with Horizontal():
                yield Button("No (n)", id="confirm-no")
                yield Button("Yes (y)", id="confirm-yes", variant="error")

    def on_mount(self) -> None:
        # Focus "No": a stray enter must not delete anything.
        self.query_one("#confirm-no", Button).focus()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")


@dataclass(frozen=True, slots=True)
class _Action:
    verb: str  # shown in messages: "start", "stop", ...
    done: str  # past tense for the notification


_ACTIONS = {
    "start": _Action("start", "started"),
    "stop": _Action("stop", "stopped"),
    "restart": _Action("restart", "restarted"),
    "remove": _Action("remove", "removed"),
}


class FleetScreen(Screen[None]):
    """Several engines at once: an overview row per engine and one container list."""

    DEFAULT_CSS = """
    FleetScreen #fleet-warnings { height: auto; color: $warning; text-style: bold; }
    FleetScreen #fleet-notes { height: auto; color: $foreground-muted; }
    FleetScreen #fleet-overview { height: auto; max-height: 12; }
    FleetScreen #fleet-containers { height: 1fr; }
    FleetScreen DataTable { border-title-color: $accent; border: round $panel; }
    FleetScreen DataTable:focus { border: round $accent; }
    """
    BINDINGS = [
        Binding("u", "container('start')", "start"),
        Binding("s", "container('stop')", "stop"),
        Binding("r", "container('restart')", "restart"),
        Binding("d", "container('remove')", "remove"),
        Binding("R", "retry", "retry engine"),
        Binding("escape", "back", "back"),
        # vim keys, as everywhere in dockui; arrows work through the table itself.
        Binding("j", "cursor('down')", show=False),
        Binding("k", "cursor('up')", show=False),
    ]

    class EngineSelected(Message):
        """Enter on an overview row: the app may switch its dashboard to that engine."""

        def __init__(self, model: EngineModel) -> None:
            super().__init__()
            self.model = model

    def __init__(
        self,
        fleet: Fleet,
        *,
        read_only: bool = False,
        totals: Totals | None = None,
        run: bool = True,
    ) -> None:
        """Args:
        fleet: the engines to show.
        read_only: refuse every action that changes a container.
        totals: CPU % and memory bytes in use per engine (the stats hub); adds two columns.
        run: run the fleet's models while this screen is mounted; pass False when the
            app already runs them (then leaving the screen keeps them live).
        """
        super().__init__()
        self.fleet = fleet
        self.read_only = read_only
        self.totals = totals
        self.run_fleet = run
        self._rows: dict[str, tuple[EngineModel, str]] = {}
        self._cells: dict[str, tuple[str, ...]] = {}
        self._pending: dict[str, set[str] | None] = {}
        self._flush_scheduled = False
        self._settled = False
        self._unlisten: Callable[[], None] | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="fleet-warnings")
        yield Static(id="fleet-notes")
        overview: DataTable[Text] = DataTable(id="fleet-overview", cursor_type="row")
        overview.border_title = "engines"
        yield overview
        table: DataTable[Text] = DataTable(id="fleet-containers", cursor_type="row")
        table.border_title = "containers"
        yield table
        yield Footer()

    def on_mount(self) -> None:
        overview = self.query_one("#fleet-overview", DataTable)
        cols = [
            ("ENGINE", "engine"),
            ("URL", "url"),
            ("KIND", "kind"),
            ("VERSION", "version"),
            ("API", "api"),
            ("CONTAINERS", "containers"),
            ("IMAGES", "images"),
            ("CPUS", "cpus"),
            ("MEMORY", "memory"),
        ]
        if self.totals is not None:
            cols += [("CPU USE", "cpu_use"), ("MEM USE", "mem_use")]
        cols.append(("STATE", "state"))
        for label, key in cols:
            overview.add_column(label, key=key)
        for m in self.fleet.models:
            overview.add_row(*self._overview_cells(m, None), key=m.name)
        table = self.query_one("#fleet-containers", DataTable)
        for label, key in (
            ("ENGINE", "engine"),
            ("NAME", "name"),
            ("IMAGE", "image"),
            ("STATE", "state"),
            ("STATUS", "status"),
            ("ID", "id"),
        ):
            table.add_column(label, key=key)
        self._unlisten = self.fleet.add_listener(self._on_change)
        # Whatever the models already know (the app may have run them) paints at once.
        for m in self.fleet.models:
            self._pending[m.name] = None
        self._flush()
        self._refresh_overview()
        self.set_interval(TICK, self._refresh_overview)
        table.focus()
        if self.run_fleet:
            self._run_fleet()

    def on_unmount(self) -> None:
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None

    @work(exclusive=True, group="fleet", exit_on_error=False)
    async def _run_fleet(self) -> None:
        await self.fleet.run()

    # ------------------------------------------------------------------ model → table

    def _on_change(self, model: EngineModel, change: Change) -> None:
        if change.kind == CONTAINERS:
            if not change.ids and not change.removed:
                self._pending[model.name] = None  # the whole kind
            else:
                pending = self._pending.setdefault(model.name, set())
                if pending is not None:
                    pending.update(change.ids, change.removed)
        elif change.kind == STATUS:
            # Engine cells of its containers show whether the engine is live.
            self._pending[model.name] = None
        elif change.kind != IMAGES:
            return
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self.set_timer(COALESCE, self._flush)

    def _container_cells(self, model: EngineModel, c: ContainerSummary) -> tuple[Text, ...]:
        engine = Text(clean(model.name), style="" if model.state == ConnState.LIVE else "dim red")
        return (
            engine,
            safe_text(c.name),
            safe_text(c.image),
            Text(clean(c.state), style=_STATE_STYLE.get(c.state, "dim")),
            safe_text(c.status),
            Text(c.short_id),
        )

    def _flush(self) -> None:
        self._flush_scheduled = False
        pending, self._pending = self._pending, {}
        table = self.query_one("#fleet-containers", DataTable)
        col_keys = [c.key for c in table.ordered_columns]
        added = False
        for name, ids in pending.items():
            try:
                model = self.fleet.model(name)
            except KeyError:
                continue
            if ids is None:
                ids = set(model.containers)
                ids.update(cid for m, cid in self._rows.values() if m is model)
            for cid in ids:
                key = row_key(model, cid)
                c = model.containers.get(cid)
                if c is None:
                    if self._rows.pop(key, None) is not None:
                        self._cells.pop(key, None)
                        table.remove_row(key)
                    continue
                cells = self._container_cells(model, c)
                sig = tuple(f"{t.plain}\0{t.style}" for t in cells)
                old = self._cells.get(key)
                if old is None:
                    table.add_row(*cells, key=key)
                    self._rows[key] = (model, cid)
                    added = True
                elif old != sig:
                    for i, (was, now) in enumerate(zip(old, sig, strict=True)):
                        if was != now:
                            table.update_cell(key, col_keys[i], cells[i])
                self._cells[key] = sig
        if added:
            self._sort(table)
        # Settled once every engine has delivered its first list (or failed) and that
        # list has been painted; from then on the cursor follows its container.
        self._settled = self._settled or self._first_fill_done()
        self._refresh_overview()

    def _sort(self, table: DataTable[Text]) -> None:
        # sort() keeps the cursor's index, not its row: find the row again afterwards.
        current = self._selected_key(table)
        table.sort("engine", "name", key=lambda cells: (cells[0].plain, cells[1].plain))
        if not self._settled:
            # Engines were still delivering their first lists: stay at the top instead
            # of following whichever row happened to be first a moment ago.
            table.move_cursor(row=0, animate=False)
        elif current is not None and current in self._rows:
            table.move_cursor(row=table.get_row_index(current), animate=False)

    def _first_fill_done(self) -> bool:
        return all(
            m.synced.is_set() or m.state in (ConnState.DOWN, ConnState.RECONNECTING)
            for m in self.fleet.models
        )

    @staticmethod
    def _selected_key(table: DataTable[Text]) -> str | None:
        if table.row_count == 0:
            return None
        try:
            rk = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # cursor outside the rows (table just emptied)
            return None
        return rk.value

    def _overview_cells(self, m: EngineModel, ov: EngineOverview | None) -> list[Text]:
        cells = [
            safe_text(m.name),
            safe_text(m.client.target.url),
        ]
        if m.client.target.insecure:
            cells[1] = Text.assemble(("⚠ ", "bold yellow"), (clean(m.client.target.url), "yellow"))
        if ov is None:
            cells += [Text("–") for _ in range(7)]
        else:
            kind = Text("podman", style="magenta") if ov.podman else Text("docker")
            if not ov.server_version:
                kind = Text("–")
            cells += [
                kind,
                safe_text(ov.server_version or "–"),
                safe_text(ov.api_version or "–"),
                Text(f"{ov.running}/{ov.containers}"),
                Text(str(ov.images)),
                Text(str(ov.ncpu) if ov.ncpu else "–"),
                Text(_size(ov.mem_total)),
            ]
        if self.totals is not None:
            cpu_use, mem_use = "–", "–"
            if ov is not None and ov.state == ConnState.LIVE:
                try:
                    cpu, mem = self.totals(m)
                    cpu_use, mem_use = f"{cpu:.1f}%", _size(mem)
                except Exception:  # a stats source hiccup must not break the overview
                    pass
            cells += [Text(cpu_use), Text(mem_use)]
        cells.append(self._state_cell(m))
        return cells

    @staticmethod
    def _state_cell(m: EngineModel) -> Text:
        if m.state == ConnState.LIVE:
            return Text("live", style="green")
        if m.state == ConnState.CONNECTING:
            return Text("connecting…", style="yellow")
        why = clean(m.error) or "not reachable"
        if m.hint:
            why = f"{why} — {clean(m.hint)}"
        wait = max(0, round(m.next_retry - time.monotonic()))
        # The countdown goes first: a long reason may be cut at the table's edge.
        retry = f"retry in {wait} s" if wait else "retrying"
        if m.state == ConnState.RECONNECTING:
            return Text(f"reconnecting ({retry}), showing last known: {why}", style="yellow")
        return Text(f"down ({retry}): {why}", style="bold red")

    def _refresh_overview(self) -> None:
        overview = self.query_one("#fleet-overview", DataTable)
        col_keys = [c.key for c in overview.ordered_columns]
        rows = self.fleet.overview()
        for m, ov in zip(self.fleet.models, rows, strict=True):
            for i, cell in enumerate(self._overview_cells(m, ov)):
                if overview.get_cell(m.name, col_keys[i]) != cell:
                    overview.update_cell(m.name, col_keys[i], cell, update_width=True)
        self._refresh_banners(rows)

    def _refresh_banners(self, rows: list[EngineOverview]) -> None:
        warnings = [
            Content.assemble(
                "⚠ unencrypted: ",
                (clean(r.name), "bold"),
                f" at {clean(r.url)} is plain TCP to another machine; anyone on the "
                "network can read and control this engine. Use TLS (--tlsverify) or ssh://.",
            )
            for r in rows
            if r.insecure
        ]
        notes = [
            Content.assemble((clean(r.name), "bold"), f" is podman: {PODMAN_STATS_NOTE}.")
            for r in rows
            if r.podman
        ]
        for wid, lines in (("#fleet-warnings", warnings), ("#fleet-notes", notes)):
            banner = self.query_one(wid, Static)
            banner.update(Content("\n").join(lines))
            banner.display = bool(lines)

    # ------------------------------------------------------------------ actions

    def selected(self) -> tuple[EngineModel, ContainerSummary] | None:
        """The selected container and the engine it lives on."""
        key = self._selected_key(self.query_one("#fleet-containers", DataTable))
        if key is None or key not in self._rows:
            return None
        model, cid = self._rows[key]
        c = model.containers.get(cid)
        return None if c is None else (model, c)

    def action_container(self, verb: str) -> None:
        action = _ACTIONS[verb]
        if self.read_only:
            self.notify(f"read-only mode: {action.verb} is disabled", severity="warning")
            return
        picked = self.selected()
        if picked is None:
            self.notify("no container selected", severity="warning")
            return
        model, c = picked
        if verb != "remove":
            self._act(model, c, action)
            return
        question = Content.assemble(
            "Remove container ",
            (clean(c.name), "bold"),
            " on engine ",
            (clean(model.name), "bold"),
            "?",
        )
        detail = Content.assemble(
            f"id {c.short_id}, image ", clean(c.image),
            f". It is {c.state}: it will be killed first." if _needs_force(c) else ".",
        )  # fmt: skip

        def answered(yes: bool | None) -> None:
            if yes:
                self._act(model, c, action)

        self.app.push_screen(ConfirmAction(question, detail), answered)

    @work(group="fleet-action", exit_on_error=False)
    async def _act(self, model: EngineModel, c: ContainerSummary, action: _Action) -> None:
        client = model.client
        where = f"{c.name} on {model.name}"
        try:
            if action.verb == "start":
                await client.start(c.id)
            elif action.verb == "stop":
                await client.stop(c.id)
            elif action.verb == "restart":
                await client.restart(c.id)
            else:
                await client.remove_container(c.id, force=_needs_force(c))
        except NotModified:
            self.notify(clean(f"{where} is already {action.done}"), markup=False)
            return
        except EngineError as exc:
            self.notify(
                clean(f"Could not {action.verb} {where}: {exc.message}"),
                severity="error",
                markup=False,
            )
            return
        except asyncio.CancelledError:
            raise
        self.notify(clean(f"{action.done} {where}"), markup=False)

    def action_retry(self) -> None:
        """Skip the backoff wait of the selected engine (overview row, else container's)."""
        overview = self.query_one("#fleet-overview", DataTable)
        model: EngineModel | None = None
        if overview.has_focus:
            key = self._selected_key(overview)
            model = self.fleet.model(key) if key else None
        elif (picked := self.selected()) is not None:
            model = picked[0]
        targets = [model] if model is not None else self.fleet.models
        for m in targets:
            if m.state != ConnState.LIVE:
                m.retry_now()
        self.notify("retrying now")

    @on(DataTable.RowSelected, "#fleet-overview")
    def _engine_chosen(self, event: DataTable.RowSelected) -> None:
        key = event.row_key.value
        if key is not None:
            self.post_message(self.EngineSelected(self.fleet.model(key)))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_cursor(self, direction: str) -> None:
        table = self.focused
        if isinstance(table, DataTable):
            if direction == "down":
                table.action_cursor_down()
            else:
                table.action_cursor_up()
