"""The containers pane: name, image, state with health, status, CPU, MEM, ports, project.

Containers with a compose project label are grouped under a header row per project;
an action on a header applies to the project's shown containers. CPU and MEM come from
the stats hub when one runs, a dash until a figure arrives.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text

from dockui.engine.models import ContainerSummary
from dockui.sanitize import clean
from dockui.state.filtering import Row, label_strings
from dockui.ui.panes.base import DASH, ResourcePane, cell
from dockui.ui.panes.table import Cells, Column

if TYPE_CHECKING:
    from dockui.state.stats_hub import StatsHub

STATE_STYLE = {
    "running": "green",
    "paused": "yellow",
    "restarting": "yellow",
    "created": "cyan",
    "exited": "dim",
    "dead": "red",
    "removing": "red",
}
HEALTH_STYLE = {"healthy": "green", "unhealthy": "bold red", "starting": "yellow"}
STATE_ORDER = ["running", "restarting", "paused", "created", "exited", "dead", "removing"]
RUNNING_LIKE = frozenset({"running", "paused", "restarting"})
MAX_PORTS = 2


def now() -> float:
    """The clock the Status column ages against (tests move it)."""
    return time.time()


def state_cell(c: ContainerSummary) -> Text:
    text = Text(clean(c.state) or "?", style=STATE_STYLE.get(c.state, ""))
    if c.health:
        text.append(" ")
        text.append(f"({c.health})", style=HEALTH_STYLE.get(c.health, ""))
    return text


def ports_text(c: ContainerSummary) -> str:
    ports = [str(p) for p in c.ports]
    if len(ports) > MAX_PORTS:
        return ", ".join(ports[:MAX_PORTS]) + f" +{len(ports) - MAX_PORTS}"
    return ", ".join(ports)


class ContainersPane(ResourcePane):
    KIND = "containers"
    TITLE = "Containers"
    COLUMNS = [
        Column("name", "Name"),
        Column("image", "Image"),
        Column("state", "State"),
        Column("status", "Status"),
        Column("cpu", "CPU", 14),
        Column("mem", "MEM", 16),
        Column("ports", "Ports"),
        Column("project", "Project"),
        Column("command", "Command"),
    ]

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.show_all = True
        self.grouping = True
        self.stats: StatsHub | None = None

    def object_ids(self) -> Iterable[str]:
        return self.model.containers.keys()

    def exists(self, oid: str) -> bool:
        return oid in self.model.containers

    def get(self, oid: str) -> ContainerSummary | None:
        return self.model.containers.get(oid)

    def object_cells(self, oid: str) -> Cells:
        c = self.model.containers[oid]
        indent = "  " if self.grouping and c.compose_project else ""
        name = Text(indent + clean(c.name), style="bold" if c.running else "")
        return (
            name,
            cell(c.image),
            state_cell(c),
            cell(c.status_at(now()), "dim" if not c.running else ""),
            *self.stats_cells(oid),
            cell(ports_text(c)),
            cell(c.compose_project, "dim"),
            cell(c.command, "dim"),
        )

    def stats_cells(self, oid: str) -> tuple[Text, Text]:
        c = self.model.containers.get(oid)
        if self.stats is None or c is None or not c.running:
            return DASH, DASH
        sample = self.stats.latest(oid)
        if sample is None:
            return DASH, DASH
        from dockui.ui.widgets.gauges import cpu_cell, mem_cell

        return cpu_cell(sample.cpu_percent, 14), mem_cell(sample.mem_used, sample.mem_limit, 16)

    def refresh_stats(self, ids: Iterable[str]) -> None:
        """New samples arrived: rebuild only the CPU/MEM cells of those rows."""
        changed = set()
        for oid in ids:
            old = self._cells.get(oid)
            if old is None:
                continue
            cpu, mem = self.stats_cells(oid)
            # Column order: mark, name, image, state, status, cpu, mem, ...
            self._cells[oid] = (*old[:5], cpu, mem, *old[7:])
            changed.add(oid)
        if changed:
            # The order moves only when sorting by CPU/MEM; otherwise the order stands
            # and only these rows' cells are compared (see ResourcePane._arrange).
            self._arrange(changed)

    def search_strings(self, oid: str) -> list[str]:
        c = self.model.containers[oid]
        return [
            *c.names,
            c.id[:12],
            c.image,
            c.state,
            c.status,
            c.compose_project,
            c.command,
            *label_strings(c.labels),
        ]

    def sort_value(self, oid: str, column: str) -> Any:
        c = self.model.containers[oid]
        if column == "name":
            return c.name
        if column == "image":
            return c.image
        if column == "state":
            return STATE_ORDER.index(c.state) if c.state in STATE_ORDER else len(STATE_ORDER)
        if column == "status":
            return -c.created
        if column in ("cpu", "mem"):
            sample = self.stats.latest(oid) if self.stats is not None and c.running else None
            if sample is None:
                return None
            return sample.cpu_percent if column == "cpu" else sample.mem_used
        if column == "ports":
            return ports_text(c)
        if column == "project":
            return c.compose_project
        if column == "command":
            return c.command
        return c.name

    def display_name(self, oid: str) -> str:
        c = self.model.containers.get(oid)
        return clean(c.name) if c else oid[:12]

    def visible(self, oid: str) -> bool:
        return self.show_all or self.model.containers[oid].state in RUNNING_LIKE

    def group_of(self) -> Callable[[str], str] | None:
        if not self.grouping:
            return None
        return lambda oid: self.model.containers[oid].compose_project

    def header_cells(self, row: Row) -> Cells:
        members = [self.model.containers[i] for i in row.members if i in self.model.containers]
        running = sum(1 for c in members if c.running)
        return (
            Text("▾ " + clean(row.group), style="bold underline"),
            Text(f"compose project, {len(members)} shown", style="dim"),
            Text(f"{running}/{len(members)} running", style="green" if running else "dim"),
            Text(""),
            Text(""),
            Text(""),
            Text(""),
            cell(row.group, "dim"),
            Text(""),
        )

    def order_criteria(self) -> tuple[Any, ...]:
        return (self.show_all, self.grouping)

    def extra_info(self) -> list[str]:
        return [] if self.show_all else ["running only (A: all)"]

    def toggle_all(self) -> None:
        self.show_all = not self.show_all
        self._arrange(set())
