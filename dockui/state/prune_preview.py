"""What a prune would remove, computed by dockui: the engine has no dry run.

Each function applies the engine's own rules for the negotiated API version to the live
model, so the confirmation can name every object before anything goes:

* containers: state exited, created or dead;
* images: unused by any container (running or not) and, unless `all_unused`, dangling
  (untagged) leaves only: the engine walks only image heads in dangling mode;
* networks: no container attached and not predefined (bridge, host, none, ...);
* volumes: unused by any container; on API >= 1.42 only anonymous ones unless
  `include_named` (the `all=true` filter); on API 1.41 every unused volume, named ones
  included, which the preview says out loud.

Sizes are what the model knows: image sizes (shared layers make the real figure
smaller, hence "up to"), volume sizes after /system/df, container sizes only when the
listing carried SizeRw. The engine's answer after the prune is the truth.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from dockui.engine.models import (
    ContainerSummary,
    ImageSummary,
    NetworkSummary,
    VolumeSummary,
)

PRUNABLE_STATES = frozenset({"exited", "created", "dead"})
NAMED_VOLUMES_API = (1, 42)  # from this version, named volumes need all=true


@dataclass(frozen=True, slots=True)
class PruneItem:
    """One object a prune would remove; `size` None means not known before the prune."""

    id: str
    label: str
    size: int | None = None


@dataclass(frozen=True, slots=True)
class PrunePreview:
    """The candidates of one prune, the space they free when known, and warnings."""

    kind: str
    items: tuple[PruneItem, ...]
    notes: tuple[str, ...] = field(default=())
    options: Mapping[str, bool] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(i.size for i in self.items if i.size is not None)

    @property
    def unknown_sizes(self) -> int:
        return sum(1 for i in self.items if i.size is None)

    @property
    def empty(self) -> bool:
        return not self.items


def api_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for p in (version or "0").split("."):
        try:
            parts.append(int(p))
        except ValueError:
            parts.append(0)
    return tuple(parts)


def _volume_names(c: ContainerSummary) -> set[str]:
    names = set()
    for m in c.raw.get("Mounts") or []:
        if isinstance(m, dict) and m.get("Type", "volume") == "volume" and m.get("Name"):
            names.add(str(m["Name"]))
    return names


def used_volume_names(containers: Iterable[ContainerSummary]) -> set[str]:
    used: set[str] = set()
    for c in containers:
        used |= _volume_names(c)
    return used


def preview_containers(containers: Mapping[str, ContainerSummary]) -> PrunePreview:
    items = []
    for c in containers.values():
        if c.state in PRUNABLE_STATES:
            size = c.raw.get("SizeRw")
            items.append(PruneItem(c.id, c.name, size if isinstance(size, int) else None))
    items.sort(key=lambda i: i.label)
    return PrunePreview("containers", tuple(items))


def preview_images(
    images: Mapping[str, ImageSummary],
    containers: Mapping[str, ContainerSummary],
    *,
    all_unused: bool = False,
) -> PrunePreview:
    used = {c.image_id for c in containers.values()}
    parents = {i.parent_id for i in images.values() if i.parent_id}
    items = []
    for img in images.values():
        if img.id in used:
            continue
        if not all_unused and (not img.dangling or img.id in parents):
            continue
        items.append(PruneItem(img.id, f"{img.ref} ({img.short_id})", img.size))
    items.sort(key=lambda i: i.label)
    notes = ("sizes are upper bounds: layers shared with kept images stay",) if items else ()
    return PrunePreview("images", tuple(items), notes, {"all_unused": all_unused})


def preview_networks(
    networks: Mapping[str, NetworkSummary],
    containers: Mapping[str, ContainerSummary],
) -> PrunePreview:
    attached: set[str] = set()
    for c in containers.values():
        attached.update(c.networks)
    items = [
        PruneItem(n.id, n.name)
        for n in networks.values()
        if not n.predefined and n.name not in attached and not n.containers
    ]
    items.sort(key=lambda i: i.label)
    return PrunePreview("networks", tuple(items))


def preview_volumes(
    volumes: Mapping[str, VolumeSummary],
    containers: Mapping[str, ContainerSummary],
    sizes: Mapping[str, int],
    api_version: str,
    *,
    include_named: bool = False,
) -> PrunePreview:
    used = used_volume_names(containers.values())
    old_api = api_tuple(api_version) < NAMED_VOLUMES_API
    named_too = old_api or include_named
    items = []
    named_count = 0
    for v in volumes.values():
        if v.name in used or (v.ref_count > 0):
            continue
        if not v.anonymous:
            if not named_too:
                continue
            named_count += 1
        size = sizes.get(v.name)
        if size is None and v.size >= 0:
            size = v.size
        label = v.name if v.anonymous else f"{v.name} (named)"
        items.append(PruneItem(v.name, label, size if size is not None and size >= 0 else None))
    items.sort(key=lambda i: i.label)
    notes: list[str] = []
    if old_api:
        notes.append(
            f"API {api_version}: the engine's volume prune removes NAMED volumes too "
            f"({named_count} here), not only anonymous ones"
        )
    return PrunePreview(
        "volumes", tuple(items), tuple(notes), {"include_named": include_named and not old_api}
    )


class ModelLike(Protocol):
    containers: dict[str, ContainerSummary]
    images: dict[str, ImageSummary]
    networks: dict[str, NetworkSummary]
    volumes: dict[str, VolumeSummary]
    volume_sizes: dict[str, int]

    @property
    def api_version(self) -> str: ...


def preview(model: ModelLike, kind: str, **options: Any) -> PrunePreview:
    """The preview of `kind` ("containers", "images", "networks", "volumes") for a model."""
    if kind == "containers":
        return preview_containers(model.containers)
    if kind == "images":
        return preview_images(
            model.images, model.containers, all_unused=bool(options.get("all_unused"))
        )
    if kind == "networks":
        return preview_networks(model.networks, model.containers)
    if kind == "volumes":
        return preview_volumes(
            model.volumes,
            model.containers,
            model.volume_sizes,
            model.api_version,
            include_named=bool(options.get("include_named")),
        )
    raise ValueError(f"nothing to prune for {kind!r}")
