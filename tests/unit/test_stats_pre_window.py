"""One-shot samples carry no precpu: the hub uses its own previous reading as "pre", but
only a recent one. A row scrolled back after minutes must not show CPU averaged over
those minutes as if it were a fresh figure."""

from __future__ import annotations

from typing import Any

from dockui.engine import DockerClient, parse_host
from dockui.state.stats_hub import StatsHub

B = 10**12  # counters since boot: never zero on a real host


def one_shot(read: str, container_ns: int, system_ns: int) -> dict[str, Any]:
    return {
        "read": read,
        "cpu_stats": {
            "cpu_usage": {"total_usage": container_ns},
            "system_cpu_usage": system_ns,
            "online_cpus": 2,
        },
        "precpu_stats": {"cpu_usage": {"total_usage": 0}},
        "memory_stats": {"usage": 1024**2, "limit": 4 * 1024**2},
    }


def hub() -> StatsHub:
    h = StatsHub(DockerClient(parse_host("unix:///nonexistent.sock")))
    h.set_running(["c1"])
    return h


def test_a_recent_reading_serves_as_pre() -> None:
    h = hub()
    h._ingest("c1", one_shot("2026-11-26T10:00:00Z", B, B))
    # 2 s later: the container used 1 s of CPU while the host's 2 CPUs counted 4 s.
    h._ingest("c1", one_shot("2026-11-26T10:00:02Z", B + 10**9, B + 4 * 10**9))
    sample = h.latest("c1")
    assert sample is not None and sample.cpu_percent == 50.0


def test_a_reading_minutes_old_does_not() -> None:
    h = hub()
    h._ingest("c1", one_shot("2026-11-26T10:00:00Z", B, B))
    h._ingest("c1", one_shot("2026-11-26T10:10:00Z", B + 300 * 10**9, B + 1200 * 10**9))
    sample = h.latest("c1")
    assert sample is not None and sample.cpu_percent is None
    assert h.age("c1") is None  # nothing shown as a fresh CPU figure
    # ... but that reading is the "pre" of the next one.
    h._ingest("c1", one_shot("2026-11-26T10:10:02Z", B + 302 * 10**9, B + 1204 * 10**9))
    sample = h.latest("c1")
    assert sample is not None and sample.cpu_percent == 100.0
