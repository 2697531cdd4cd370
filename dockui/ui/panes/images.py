"""The images pane: repository:tag, short id, size, created, containers using it, dangling."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from rich.text import Text

from dockui.sanitize import clean
from dockui.state.filtering import label_strings
from dockui.ui.panes.base import ResourcePane, cell, counts_moved
from dockui.ui.panes.format import ago, size
from dockui.ui.panes.table import Cells, Column


class ImagesPane(ResourcePane):
    KIND = "images"
    TITLE = "Images"
    DEFAULT_SORT = "ref"
    COLUMNS = [
        Column("ref", "Repository:Tag"),
        Column("id", "ID", 12),
        Column("size", "Size", 9),
        Column("created", "Created"),
        Column("used", "Used by", 8),
        Column("dangling", "Dangling", 8),
    ]

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.usage: Counter[str] = Counter()

    def prepare(self) -> set[str]:
        usage = Counter(c.image_id for c in self.model.containers.values())
        moved = counts_moved(self.usage, usage)
        self.usage = usage
        return moved

    def object_ids(self) -> Iterable[str]:
        return self.model.images.keys()

    def exists(self, oid: str) -> bool:
        return oid in self.model.images

    def object_cells(self, oid: str) -> Cells:
        img = self.model.images[oid]
        ref = Text(clean(img.ref), style="dim" if img.dangling else "")
        if len(img.repo_tags) > 1:
            ref.append(f" +{len(img.repo_tags) - 1} tags", style="dim")
        used = self.usage.get(oid, 0)
        return (
            ref,
            cell(img.short_id, "dim"),
            Text(size(img.size), justify="right"),
            cell(ago(img.created, self.now())),
            Text(str(used) if used else "–", style="" if used else "dim", justify="right"),
            Text("dangling", style="yellow") if img.dangling else Text(""),
        )

    def search_strings(self, oid: str) -> list[str]:
        img = self.model.images[oid]
        return [*img.repo_tags, img.ref, img.short_id, *label_strings(img.labels)]

    def sort_value(self, oid: str, column: str) -> Any:
        img = self.model.images[oid]
        return {
            "ref": img.ref,
            "id": img.short_id,
            "size": img.size,
            "created": -img.created,
            "used": self.usage.get(oid, 0),
            "dangling": 0 if img.dangling else 1,
        }.get(column, img.ref)

    def display_name(self, oid: str) -> str:
        img = self.model.images.get(oid)
        if img is None:
            return oid[:19]
        return clean(f"{img.ref} ({img.short_id})")
