"""The fleet view: every engine the user asked for, side by side, and all their containers.

`FleetScreen(fleet)` shows one overview row per engine (reachable or not, versions,
podman, counts, CPUs and memory, and CPU/memory in use when a stats source is given)
and one combined container table with an ENGINE column. With `stats` (a FleetStats:
a stats hub per engine, run while this screen is mounted), the table's rows on screen
are streamed by their own engine's hub and get CPU/MEM cells, and the overview shows
each engine's totals against its host, with how many running containers they cover.
Rows are keyed
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
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Static

from dockui.engine.errors import EngineError, NotModified
from dockui.engine.models import ContainerSummary
from dockui.sanitize import clean, safe_text
from dockui.state.fleet import EngineOverview, Fleet
from dockui.state.fleet_stats import EngineUsage, FleetStats
from dockui.state.model import CONTAINERS, IMAGES, STATUS, Change, ConnState, EngineModel
from dockui.ui.panes.table import Cells, Column, DiffTable

# Listener calls arrive in bursts (one per event batch per engine); one repaint per burst.
COALESCE = 0.05
# How often the retry countdown and the optional stats totals are redrawn.
TICK = 1.0
PODMAN_STATS_NOTE = "podman streams stats every 5 s, so its CPU and memory figures move slower"

Totals = Callable[[EngineModel], EngineUsage | None]
# Stats cells are redrawn at most this often, whichever engines' samples arrived (the
# dashboard's hub reports at most 4 times a second; do the same for all engines at once).
STATS_REPAINT = 0.25
# A figure older than this is dimmed: the row was off screen and only refreshed rarely.
STALE_AFTER = 5.0
CPU_WIDTH = 14
MEM_WIDTH = 16
DASH = Text("–", style="dim")

_STATE_STYLE = {"running": "green", "paused": "yellow", "restarting": "yellow", "dead": "red"}


def _size(n: int) -> str:
    return humanize.naturalsize(n, binary=True, format="%.1f") if n else "–"


def _needs_force(c: ContainerSummary) -> bool:
    """The engine refuses to remove a running or paused container without force."""
    return c.state in ("running", "paused", "restarting")


def usage_cells(usage: EngineUsage | None) -> list[Text]:
    """CPU USE and MEM USE of an overview row, "–" when there is nothing to show.

    As the dashboard's header summary: CPU summed in the docker CLI's unit (100% = one
    core, next to the CPUS column) and coloured by its share of the host's cores, memory
    coloured by its share of MemTotal. "(48/300)" says only 48 of the 300 running
    containers have figures yet (the rest are refreshed slowly, or the engine just came).
    """
    if usage is None or (usage.measured == 0 and usage.running > 0):
        cells = [Text("–"), Text("–")]
    else:
        from dockui.ui.widgets.gauges import DEFAULT_PALETTE as P

        cells = [
            Text(
                f"{usage.cpu_percent:.1f}%", style=P.level(usage.cpu_share, P.cpu_warn, P.cpu_bad)
            ),
            Text(_used(usage.mem_used), style=P.level(usage.mem_share, P.mem_warn, P.mem_bad)),
        ]
    if usage is not None and not usage.complete:
        cells[0].append(f" ({usage.measured}/{usage.running})", style="dim")
    return cells


def _used(n: int) -> str:
    """Memory in use, in the same units as the MEMORY column (0 is a figure, not unknown)."""
    return humanize.naturalsize(n, binary=True, format="%.1f")


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
        stats: FleetStats | None = None,
        run: bool = True,
    ) -> None:
        """Args:
        fleet: the engines to show.
        read_only: refuse every action that changes a container.
        totals: CPU and memory in use per engine; adds two overview columns. Defaults
            to `stats.usage` when `stats` is given.
        stats: per-engine stats hubs, run while this screen is mounted (stopped when
            it goes); adds CPU/MEM cells to the container list.
        run: run the fleet's models while this screen is mounted; pass False when the
            app already runs them (then leaving the screen keeps them live).
        """
        super().__init__()
        self.fleet = fleet
        self.read_only = read_only
        self.stats = stats
        self.totals = totals if totals is not None or stats is None else stats.usage
        self.run_fleet = run
        self._shown: set[str] = set()  # row keys last handed to the hubs as on screen
        self._live = False  # between on_mount and on_unmount: the tables exist
        self._pending_stats: dict[str, set[str]] = {}
        self._stats_scheduled = False
        self._rows: dict[str, tuple[EngineModel, str]] = {}
        self._cells: dict[str, Cells] = {}
        # (engine, name) of each row, and the rows in that order: the order is derived
        # again only when a row comes, goes or changes its place, not on every change.
        self._places: dict[str, tuple[str, str]] = {}
        self._order: list[str] = []
        self._banners: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self._pending: dict[str, set[str] | None] = {}
        self._flush_scheduled = False
        self._settled = False
        self._unlisten: Callable[[], None] | None = None

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(id="fleet-warnings")
        yield Static(id="fleet-notes")
        # DiffTables: a change re-renders only its own cells and lines (DataTable's
        # update_cell re-renders every visible cell, which live stats did 4 times a
        # second on the 40-odd rows on screen).
        overview = DiffTable(self._overview_columns(), id="fleet-overview")
        overview.border_title = "engines"
        yield overview
        table = DiffTable(self._container_columns(), id="fleet-containers")
        table.border_title = "containers"
        yield table
        yield Footer()

    def _overview_columns(self) -> list[Column]:
        cols = [
            Column("engine", "ENGINE"),
            Column("url", "URL"),
            Column("kind", "KIND"),
            Column("version", "VERSION"),
            Column("api", "API"),
            Column("containers", "CONTAINERS"),
            Column("images", "IMAGES"),
            Column("cpus", "CPUS"),
            Column("memory", "MEMORY"),
        ]
        if self.totals is not None:
            cols += [Column("cpu_use", "CPU USE"), Column("mem_use", "MEM USE")]
        cols.append(Column("state", "STATE"))
        return cols

    def _container_columns(self) -> list[Column]:
        cols = [
            Column("engine", "ENGINE"),
            Column("name", "NAME"),
            Column("image", "IMAGE"),
            Column("state", "STATE"),
            Column("status", "STATUS"),
        ]
        if self.stats is not None:
            cols += [Column("cpu", "CPU", CPU_WIDTH), Column("mem", "MEM", MEM_WIDTH)]
        cols.append(Column("id", "ID"))
        return cols

    def on_mount(self) -> None:
        self._live = True
        overview = self.query_one("#fleet-overview", DiffTable)
        names = [m.name for m in self.fleet.models]
        overview.apply(names, {m.name: self._overview_cells(m, None) for m in self.fleet.models})
        table = self.query_one("#fleet-containers", DiffTable)
        self._unlisten = self.fleet.add_listener(self._on_change)
        if self.stats is not None:
            unlisten_stats = self.stats.add_listener(self._on_samples)
            unlisten_fleet = self._unlisten

            def unlisten() -> None:
                unlisten_fleet()
                unlisten_stats()

            self._unlisten = unlisten
            self.watch(table, "scroll_y", lambda *_: self._feed_stats(), init=False)
        # Whatever the models already know (the app may have run them) paints at once.
        for m in self.fleet.models:
            self._pending[m.name] = None
        self._flush()
        self._refresh_overview()
        self.set_interval(TICK, self._refresh_overview)
        table.focus()
        if self.run_fleet:
            self._run_fleet()
        if self.stats is not None:
            self._feed_stats()
            self._run_stats()

    @on(DataTable.RowHighlighted, "#fleet-containers")
    def _row_highlighted(self) -> None:
        self._feed_stats()

    def on_resize(self) -> None:
        # The table's new height is known after the layout pass this event starts.
        self.call_after_refresh(self._feed_stats)

    def on_unmount(self) -> None:
        self._live = False
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None

    @work(exclusive=True, group="fleet", exit_on_error=False)
    async def _run_fleet(self) -> None:
        await self.fleet.run()

    @work(exclusive=True, group="fleet-stats", exit_on_error=False)
    async def _run_stats(self) -> None:
        # Cancelled with the screen's other workers when it unmounts: the hubs stop.
        assert self.stats is not None
        await self.stats.run()

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
            *self._stats_cells(model, c),
            Text(c.short_id),
        )

    def _stats_cells(self, model: EngineModel, c: ContainerSummary) -> tuple[Text, ...]:
        if self.stats is None:
            return ()
        sample = self.stats.latest(model, c.id) if c.running else None
        if sample is None:
            return DASH, DASH
        from dockui.ui.widgets.gauges import cpu_cell, mem_cell

        age = self.stats.age(model, c.id)
        stale = age is not None and age > STALE_AFTER
        return (
            cpu_cell(sample.cpu_percent, CPU_WIDTH, stale=stale),
            mem_cell(sample.mem_used, sample.mem_limit, MEM_WIDTH, stale=stale),
        )

    # ------------------------------------------------------------------ stats

    def _feed_stats(self) -> None:
        """Hand the rows on screen and the selection to their engines' hubs."""
        table = self._stats_table()
        if table is None or self.stats is None:
            return
        keys = table.visible_keys()
        rows = [self._rows[k] for k in keys if k in self._rows]
        self.stats.set_visible(rows)
        picked = self.selected()
        self.stats.set_selected(*((picked[0], picked[1].id) if picked else (None, None)))
        # Rows that came into view show how old their figure is now, not when last drawn.
        fresh = [k for k in keys if k not in self._shown and k in self._rows]
        self._shown = set(keys)
        by_model: dict[str, set[str]] = {}
        for k in fresh:
            model, cid = self._rows[k]
            by_model.setdefault(model.name, set()).add(cid)
        for name, ids in by_model.items():
            self._refresh_stats_cells(self.fleet.model(name), ids)

    def _stats_table(self) -> DiffTable | None:
        """The container table while stats may be drawn into it (not while it goes)."""
        if not self._live:
            return None
        try:
            return self.query_one("#fleet-containers", DiffTable)
        except NoMatches:  # the screen is being removed: children go before on_unmount
            return None

    def _on_samples(self, model: EngineModel, ids: set[str]) -> None:
        # Each engine's hub reports on its own clock: gather them into one table update
        # per STATS_REPAINT, as the dashboard's hub reports at most 4 times a second.
        self._pending_stats.setdefault(model.name, set()).update(ids)
        if not self._stats_scheduled and self._live:
            self._stats_scheduled = True
            self.set_timer(STATS_REPAINT, self._flush_stats)

    def _flush_stats(self) -> None:
        self._stats_scheduled = False
        pending, self._pending_stats = self._pending_stats, {}
        for name, ids in pending.items():
            try:
                model = self.fleet.model(name)
            except KeyError:
                continue
            # Rows off screen (refreshed slowly for the totals) are redrawn when they
            # come into view (_feed_stats); rebuilding their cells now is work for nothing.
            shown = {cid for cid in ids if row_key(model, cid) in self._shown}
            if shown:
                self._refresh_stats_cells(model, shown)

    def _refresh_stats_cells(self, model: EngineModel, ids: set[str]) -> None:
        """Rebuild the CPU/MEM cells of those rows; the table repaints the ones that moved."""
        table = self._stats_table()
        if table is None:
            return
        first = [c.key for c in table.spec].index("cpu")
        changed: set[str] = set()
        for cid in ids:
            key = row_key(model, cid)
            old = self._cells.get(key)
            c = model.containers.get(cid)
            if old is None or c is None:
                continue
            self._cells[key] = (*old[:first], *self._stats_cells(model, c), *old[first + 2 :])
            changed.add(key)
        if changed:
            # The order stands: only these rows are compared, and only cells whose text
            # or style moved are re-rendered (none at all for rows scrolled away).
            table.apply(self._order, self._cells, changed)

    def _flush(self) -> None:
        self._flush_scheduled = False
        pending, self._pending = self._pending, {}
        table = self.query_one("#fleet-containers", DiffTable)
        changed: set[str] = set()
        reorder = False
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
                        del self._cells[key], self._places[key]
                        reorder = True
                    continue
                cells = self._container_cells(model, c)
                self._rows[key] = (model, cid)
                self._cells[key] = cells
                changed.add(key)
                # Sorted by engine then name: a rename moves its row too.
                place = (cells[0].plain, cells[1].plain)
                if self._places.get(key) != place:
                    self._places[key] = place
                    reorder = True
        if reorder:
            places = self._places
            self._order = sorted(places, key=lambda k: (places[k], k))
        if changed or reorder:
            # DiffTable keeps the cursor on its row whatever moved.
            table.apply(self._order, self._cells, changed)
            if reorder and not self._settled and self._order:
                # Engines were still delivering their first lists: stay at the top
                # instead of following whichever row happened to be first a moment ago.
                table.move_cursor(row=0, animate=False)
        if pending:
            self._feed_stats()
        # Settled once every engine has delivered its first list (or failed) and that
        # list has been painted; from then on the cursor follows its container.
        self._settled = self._settled or self._first_fill_done()
        self._refresh_overview()

    def _first_fill_done(self) -> bool:
        return all(
            m.synced.is_set() or m.state in (ConnState.DOWN, ConnState.RECONNECTING)
            for m in self.fleet.models
        )

    def _overview_cells(self, m: EngineModel, ov: EngineOverview | None) -> Cells:
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
            usage = None
            if ov is not None and ov.state == ConnState.LIVE:
                try:
                    usage = self.totals(m)
                except Exception:  # a stats source hiccup must not break the overview
                    usage = None
            cells += usage_cells(usage)
        cells.append(self._state_cell(m))
        return tuple(cells)

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
        overview = self.query_one("#fleet-overview", DiffTable)
        rows = self.fleet.overview()
        cells = {
            m.name: self._overview_cells(m, ov)
            for m, ov in zip(self.fleet.models, rows, strict=True)
        }
        # Only cells whose text or style moved are re-rendered (the countdown of a down
        # engine, totals); a tick where nothing moved paints nothing.
        overview.apply([m.name for m in self.fleet.models], cells)
        self._refresh_banners(rows)

    def _refresh_banners(self, rows: list[EngineOverview]) -> None:
        # Static.update lays the screen out again: only when what they say changed.
        said = (
            tuple(f"{r.name}\0{r.url}" for r in rows if r.insecure),
            tuple(r.name for r in rows if r.podman),
        )
        if said == self._banners:
            return
        self._banners = said
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
        key = self.query_one("#fleet-containers", DiffTable).current_key()
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
        overview = self.query_one("#fleet-overview", DiffTable)
        model: EngineModel | None = None
        if overview.has_focus:
            key = overview.current_key()
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
