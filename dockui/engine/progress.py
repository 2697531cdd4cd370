"""Pull progress as rows: one per layer, and an overall figure over the layers with sizes.

The engine sends one JSON line per change (`Pulling fs layer`, `Downloading` with
current/total, `Verifying Checksum`, `Download complete`, `Extracting`, `Pull complete`,
`Already exists`), keyed by the layer id; lines without an id (or the `Pulling from …`
header, whose id is the tag) are messages. Every layer with a known size counts twice in
the overall figure, once for its download and once for its extraction, so the overall
bar reaches its end only when the last layer is extracted. Layers without a size
("Already exists", or a registry that sends none) are shown but not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dockui.engine.models import ProgressEvent

DOWNLOADED = ("Verifying Checksum", "Download complete")
DONE = ("Pull complete", "Already exists")


@dataclass(slots=True)
class LayerProgress:
    """One layer's row."""

    id: str
    status: str = ""
    total: int = 0  # bytes (the largest total seen), 0 when unknown
    downloaded: int = 0
    extracted: int = 0

    @property
    def done(self) -> bool:
        return self.status in DONE

    @property
    def current(self) -> int:
        """Progress in the same units as `span`: download plus extraction bytes."""
        return self.downloaded + self.extracted

    @property
    def span(self) -> int:
        return 2 * self.total

    @property
    def fraction(self) -> float:
        if self.done:
            return 1.0
        return min(1.0, self.current / self.span) if self.span else 0.0


@dataclass(slots=True)
class PullProgress:
    """Feed it every ProgressEvent of a pull; read `layers`, `messages` and `overall()`."""

    layers: dict[str, LayerProgress] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    error: str = ""

    def feed(self, event: ProgressEvent) -> LayerProgress | None:
        """Apply one event; returns the layer row it changed (None for a message)."""
        if event.error:
            self.error = event.error
            return None
        status = event.status
        if not event.id or status.startswith("Pulling from") or not status:
            if status:
                self.messages.append(f"{event.id}: {status}" if event.id else status)
            return None
        row = self.layers.get(event.id)
        if row is None:
            row = self.layers[event.id] = LayerProgress(event.id)
        row.status = status
        if event.total > 0:
            row.total = max(row.total, event.total)
        if status == "Downloading":
            row.downloaded = min(event.current, row.total) if row.total else event.current
        elif status in DOWNLOADED:
            row.downloaded = row.total
        elif status == "Extracting":
            row.downloaded = row.total
            row.extracted = min(event.current, row.total) if row.total else event.current
        elif status == "Pull complete":
            row.downloaded = row.extracted = row.total
        return row

    def overall(self) -> tuple[int, int]:
        """(current, total) summed over the layers whose size is known."""
        current = total = 0
        for row in self.layers.values():
            if row.total:
                total += row.span
                current += row.span if row.done else min(row.current, row.span)
        return current, total

    @property
    def status(self) -> str:
        """The last message (e.g. `Status: Downloaded newer image for nginx:latest`)."""
        return self.messages[-1] if self.messages else ""
