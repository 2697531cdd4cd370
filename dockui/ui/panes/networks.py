"""The networks pane: name, id, driver, scope, subnets, attached containers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from rich.text import Text

from dockui.sanitize import clean
from dockui.state.filtering import label_strings
from dockui.ui.panes.base import ResourcePane, cell, counts_moved
from dockui.ui.panes.table import Cells, Column


class NetworksPane(ResourcePane):
    KIND = "networks"
    TITLE = "Networks"
    COLUMNS = [
        Column("name", "Name"),
        Column("id", "ID", 12),
        Column("driver", "Driver"),
        Column("scope", "Scope"),
        Column("subnet", "Subnet"),
        Column("attached", "Containers", 10),
    ]

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.attached: Counter[str] = Counter()

    def prepare(self) -> set[str]:
        counts: Counter[str] = Counter()
        for c in self.model.containers.values():
            counts.update(c.networks)
        names = counts_moved(self.attached, counts)
        self.attached = counts
        # Containers name their networks; rows are keyed by network id.
        if not names:
            return set()
        return {nid for nid, n in self.model.networks.items() if n.name in names}

    def object_ids(self) -> Iterable[str]:
        return self.model.networks.keys()

    def exists(self, oid: str) -> bool:
        return oid in self.model.networks

    def attached_count(self, oid: str) -> int:
        n = self.model.networks[oid]
        return max(self.attached.get(n.name, 0), len(n.containers))

    def object_cells(self, oid: str) -> Cells:
        n = self.model.networks[oid]
        count = self.attached_count(oid)
        name = Text(clean(n.name), style="dim" if n.predefined else "")
        if n.internal:
            name.append(" internal", style="dim")
        return (
            name,
            cell(n.short_id, "dim"),
            cell(n.driver),
            cell(n.scope),
            cell(", ".join(n.subnets) or "–"),
            Text(str(count) if count else "–", style="" if count else "dim", justify="right"),
        )

    def search_strings(self, oid: str) -> list[str]:
        n = self.model.networks[oid]
        return [n.name, n.short_id, n.driver, *n.subnets, *label_strings(n.labels)]

    def sort_value(self, oid: str, column: str) -> Any:
        n = self.model.networks[oid]
        return {
            "name": n.name,
            "id": n.id,
            "driver": n.driver,
            "scope": n.scope,
            "subnet": ", ".join(n.subnets),
            "attached": self.attached_count(oid),
        }.get(column, n.name)

    def display_name(self, oid: str) -> str:
        n = self.model.networks.get(oid)
        return clean(f"{n.name} ({n.short_id})") if n else oid[:12]
