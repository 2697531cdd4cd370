"""SimConfig: everything that shapes one simulated engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from .clock import Clock


@dataclass
class SimConfig:
    """Knobs of a simulated engine. Same config and seed give the same objects and JSON."""

    containers: int = 50
    seed: int = 1
    # The engine release to pose as: "1.41" (20.10, oldest supported) up to "1.52" (29.x).
    api_version: str = "1.52"
    # Seconds between stats samples (dockerd: about 1 s); tests use 0.05.
    stats_interval: float = 1.0
    # None means the system clock; FrozenClock(t) makes ages and timestamps stable.
    clock: Clock | None = None
    # Seconds between new log lines of a followed running container.
    log_interval: float = 1.0
    # Lines of seeded history per container.
    log_history: int = 120
    # Delay between progress messages of pulls and builds.
    progress_delay: float = 0.01
    # Image names (repo or repo:tag) whose pull fails mid-stream with an errorDetail.
    pull_fail: tuple[str, ...] = ("example/broken",)
    # Fault specs applied at start, same grammar as --fault (see faults.py).
    faults: list[str] = field(default_factory=list)
    ncpu: int = 4
    mem_total: int = 8 * 1024**3
    name: str = "dockui-sim"
