"""Model changes collected between two screen updates, and what a container uses.

The dashboard applies model changes in batches (one table diff and one repaint per
batch, not per change); `PendingChange` is one kind's share of a batch. The usage
signature says which images, networks and volumes a container counts towards, so
the usage columns are recounted only when a signature moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dockui.engine.models import ContainerSummary
from dockui.state.model import Change
from dockui.state.prune_preview import used_volume_names

UsageSignature = tuple[str, tuple[str, ...], tuple[str, ...]]


@dataclass(slots=True)
class PendingChange:
    """The union of one kind's changes since the last apply (`whole`: refresh all)."""

    whole: bool = False
    ids: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)

    def add(self, change: Change) -> None:
        if not change.ids and not change.removed:
            self.whole = True
            return
        self.ids |= change.ids
        self.removed |= change.removed
        # A container destroyed and re-listed in the same batch is present again.
        self.removed -= change.ids
        self.ids -= change.removed


def usage_signature(c: ContainerSummary) -> UsageSignature:
    """What `c` adds to the images/networks/volumes usage counts."""
    return (c.image_id, tuple(sorted(c.networks)), tuple(sorted(used_volume_names([c]))))
