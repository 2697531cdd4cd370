"""The volumes pane: name, driver, mountpoint, containers using it, size (from /system/df)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from rich.text import Text

from dockui.sanitize import clean
from dockui.state.filtering import label_strings
from dockui.state.prune_preview import used_volume_names
from dockui.ui.panes.base import ResourcePane, cell, counts_moved
from dockui.ui.panes.format import size
from dockui.ui.panes.table import Cells, Column


class VolumesPane(ResourcePane):
    KIND = "volumes"
    TITLE = "Volumes"
    kind_needs_sizes = True
    COLUMNS = [
        Column("name", "Name"),
        Column("driver", "Driver"),
        Column("mountpoint", "Mountpoint"),
        Column("used", "Used by", 8),
        Column("size", "Size", 9),
    ]

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.usage: Counter[str] = Counter()

    def prepare(self) -> set[str]:
        counts: Counter[str] = Counter()
        for c in self.model.containers.values():
            counts.update(used_volume_names([c]))
        moved = counts_moved(self.usage, counts)
        self.usage = counts
        return moved

    def object_ids(self) -> Iterable[str]:
        return self.model.volumes.keys()

    def exists(self, oid: str) -> bool:
        return oid in self.model.volumes

    def volume_size(self, oid: str) -> int | None:
        known = self.model.volume_sizes.get(oid)
        if known is not None:
            return known
        v = self.model.volumes[oid]
        return v.size if v.size >= 0 else None

    def object_cells(self, oid: str) -> Cells:
        v = self.model.volumes[oid]
        used = self.usage.get(oid, 0)
        name = v.name[:12] + "…" if v.anonymous and len(v.name) > 13 else v.name
        return (
            cell(name, "dim" if v.anonymous else ""),
            cell(v.driver),
            cell(v.mountpoint, "dim"),
            Text(str(used) if used else "–", style="" if used else "dim", justify="right"),
            Text(size(self.volume_size(oid)), justify="right"),
        )

    def search_strings(self, oid: str) -> list[str]:
        v = self.model.volumes[oid]
        return [v.name, v.driver, v.mountpoint, *label_strings(v.labels)]

    def sort_value(self, oid: str, column: str) -> Any:
        v = self.model.volumes[oid]
        return {
            "name": v.name,
            "driver": v.driver,
            "mountpoint": v.mountpoint,
            "used": self.usage.get(oid, 0),
            "size": self.volume_size(oid),
        }.get(column, v.name)

    def display_name(self, oid: str) -> str:
        return clean(oid)
