"""Several engines at once: one EngineModel per engine, each failing on its own.

The fleet owns no data of its own; everything is derived from the per-engine models,
so a dead engine is marked and retried by its model without disturbing the others.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from dockui.engine.client import DockerClient
from dockui.engine.models import ContainerSummary
from dockui.engine.targets import Target
from dockui.state.model import Change, ConnState, EngineModel


@dataclass(frozen=True, slots=True)
class EngineOverview:
    """One row of the fleet overview."""

    name: str
    url: str
    state: ConnState
    error: str
    server_version: str
    api_version: str
    podman: bool
    containers: int
    running: int
    images: int
    ncpu: int
    mem_total: int
    insecure: bool


@dataclass(frozen=True, slots=True)
class FleetContainer:
    """A container together with the engine it lives on (actions must go there)."""

    engine: EngineModel
    container: ContainerSummary

    @property
    def key(self) -> str:
        """Unique across engines: two engines can hold the same id (clones, tests)."""
        return f"{self.engine.name}/{self.container.id}"


class Fleet:
    """The engines the user asked for (`-H` repeated, `--context a,b`)."""

    def __init__(self, models: list[EngineModel]) -> None:
        names = [m.name for m in models]
        if len(set(names)) != len(names):
            # Same label twice (two -H with one host): disambiguate by position.
            for i, m in enumerate(models):
                m.name = f"{m.name}#{i + 1}"
        self.models = models
        self._tasks: list[asyncio.Task[None]] = []

    @classmethod
    def from_targets(cls, targets: list[Target]) -> Fleet:
        return cls([EngineModel(DockerClient(t)) for t in targets])

    def add_listener(self, fn: Callable[[EngineModel, Change], None]) -> Callable[[], None]:
        undo = [m.add_listener(lambda ch, m=m: fn(m, ch)) for m in self.models]

        def remove() -> None:
            for u in undo:
                u()

        return remove

    async def run(self) -> None:
        """Run every model until cancelled; one engine failing never stops the rest."""
        self._tasks = [asyncio.create_task(m.run(), name=f"engine {m.name}") for m in self.models]
        try:
            await asyncio.gather(*self._tasks)
        finally:
            for t in self._tasks:
                t.cancel()
            for t in self._tasks:
                with contextlib.suppress(BaseException):
                    await t

    async def aclose(self) -> None:
        for m in self.models:
            await m.client.aclose()

    def model(self, name: str) -> EngineModel:
        for m in self.models:
            if m.name == name:
                return m
        raise KeyError(name)

    def overview(self) -> list[EngineOverview]:
        rows = []
        for m in self.models:
            rows.append(
                EngineOverview(
                    name=m.name,
                    url=m.client.target.url,
                    state=m.state,
                    error=m.error,
                    server_version=m.server_version,
                    api_version=m.api_version,
                    podman=m.client.is_podman,
                    containers=len(m.containers),
                    running=sum(1 for c in m.containers.values() if c.running),
                    images=len(m.images),
                    ncpu=m.ncpu,
                    mem_total=m.mem_total,
                    insecure=m.client.target.insecure,
                )
            )
        return rows

    def containers(self) -> Iterator[FleetContainer]:
        for m in self.models:
            for c in m.containers.values():
                yield FleetContainer(m, c)
