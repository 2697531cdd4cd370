"""Stats math identical to the docker CLI's (`cli/command/container/stats_helpers.go`).

The API reference's memory formula ("usage - cache") is outdated; the CLI subtracts
`total_inactive_file` (cgroup v1) or `inactive_file` (cgroup v2), and that is the number
users compare against. A stream's first sample has zeroed precpu fields: callers drop it
(StatsSample.cpu_valid is False) or pass their own previous sample as `prev`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _cpu_fields(cpu: dict[str, Any] | None) -> tuple[float, float, int]:
    cpu = cpu or {}
    usage = cpu.get("cpu_usage") or {}
    online = cpu.get("online_cpus") or len(usage.get("percpu_usage") or ())
    return _num(usage.get("total_usage")), _num(cpu.get("system_cpu_usage")), int(online or 0)


def cpu_percent(sample: dict[str, Any], prev: dict[str, Any] | None = None) -> float | None:
    """CPU% as `docker stats` shows it; None when there is no valid previous reading.

    `prev` replaces the sample's own `precpu_stats` (for one-shot samples, which have none).
    """
    cur_total, cur_sys, online = _cpu_fields(sample.get("cpu_stats"))
    pre_src = (prev or {}).get("cpu_stats") if prev is not None else sample.get("precpu_stats")
    pre_total, pre_sys, _ = _cpu_fields(pre_src)
    if pre_sys <= 0 and pre_total <= 0:
        return None  # first sample of a stream: precpu is all zero
    if sample.get("os_type") == "windows":
        return _windows_cpu(sample, prev)
    cpu_delta = cur_total - pre_total
    sys_delta = cur_sys - pre_sys
    if sys_delta > 0 and cpu_delta > 0:
        return cpu_delta / sys_delta * online * 100.0
    return 0.0


def _windows_cpu(sample: dict[str, Any], prev: dict[str, Any] | None) -> float | None:
    from datetime import datetime

    def ts(v: Any) -> float | None:
        if not isinstance(v, str) or not v or v.startswith("0001"):
            return None
        try:
            return datetime.fromisoformat(v[:26].rstrip("Z") + "+00:00").timestamp()
        except ValueError:
            return None

    read, pre = ts(sample.get("read")), ts((prev or {}).get("read") or sample.get("preread"))
    if read is None or pre is None or read <= pre:
        return None
    procs = int(sample.get("num_procs") or 1)
    interval_100ns = (read - pre) * 1e7 * procs
    cur = _num(((sample.get("cpu_stats") or {}).get("cpu_usage") or {}).get("total_usage"))
    src = (prev or {}).get("cpu_stats") if prev else sample.get("precpu_stats")
    pre_total = _num(((src or {}).get("cpu_usage") or {}).get("total_usage"))
    return max(cur - pre_total, 0.0) / interval_100ns * 100.0 if interval_100ns > 0 else 0.0


def memory_used(mem: dict[str, Any] | None) -> int:
    """Memory usage minus the page cache the kernel can reclaim, as the CLI computes it."""
    mem = mem or {}
    if "privateworkingset" in mem:  # Windows: the CLI shows the private working set
        return int(_num(mem.get("privateworkingset")))
    usage = int(_num(mem.get("usage")))
    stats = mem.get("stats") or {}
    if "total_inactive_file" in stats:  # cgroup v1
        inactive = int(_num(stats["total_inactive_file"]))
        if inactive < usage:
            return usage - inactive
        return usage
    inactive = int(_num(stats.get("inactive_file")))  # cgroup v2
    if inactive < usage:
        return usage - inactive
    return usage


def network_totals(sample: dict[str, Any]) -> tuple[int, int]:
    rx = tx = 0
    for iface in (sample.get("networks") or {}).values():
        if isinstance(iface, dict):
            rx += int(_num(iface.get("rx_bytes")))
            tx += int(_num(iface.get("tx_bytes")))
    return rx, tx


def block_totals(sample: dict[str, Any]) -> tuple[int, int]:
    read = write = 0
    entries = (sample.get("blkio_stats") or {}).get("io_service_bytes_recursive") or []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        op = str(entry.get("op") or "")[:1]
        if op in ("r", "R"):
            read += int(_num(entry.get("value")))
        elif op in ("w", "W"):
            write += int(_num(entry.get("value")))
    return read, write


@dataclass(frozen=True, slots=True)
class StatsSample:
    """One parsed stats reading of one container."""

    container_id: str
    read: str
    cpu_percent: float | None
    mem_used: int
    mem_limit: int
    net_rx: int
    net_tx: int
    blk_read: int
    blk_write: int
    pids: int
    online_cpus: int

    @property
    def cpu_valid(self) -> bool:
        return self.cpu_percent is not None

    @property
    def mem_percent(self) -> float:
        return self.mem_used / self.mem_limit * 100.0 if self.mem_limit else 0.0


def parse_stats(
    sample: dict[str, Any], prev: dict[str, Any] | None = None, container_id: str = ""
) -> StatsSample:
    """Everything the UI shows from one raw /stats object, never raising on missing fields."""
    mem = sample.get("memory_stats") or {}
    rx, tx = network_totals(sample)
    br, bw = block_totals(sample)
    _, _, online = _cpu_fields(sample.get("cpu_stats"))
    return StatsSample(
        container_id=container_id or str(sample.get("id") or sample.get("Id") or ""),
        read=str(sample.get("read") or ""),
        cpu_percent=cpu_percent(sample, prev),
        mem_used=memory_used(mem),
        mem_limit=int(_num(mem.get("limit"))),
        net_rx=rx,
        net_tx=tx,
        blk_read=br,
        blk_write=bw,
        pids=int(_num((sample.get("pids_stats") or {}).get("current"))),
        online_cpus=online,
    )
