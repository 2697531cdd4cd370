"""Stats math against real engine answers and the docker CLI's own figures.

tests/unit/data/stats_v1_*.json were recorded from dockerd 20.10 (cgroup v1) by
tests/unit/data/record_stats.py: a `yes > /dev/null` burner limited to 0.5 CPU and
256 MiB, two consecutive stream samples, the stream's first sample, a never-started
container's sample, and what `docker stats --no-stream` printed meanwhile. cgroup v2
and Windows samples are built here from the documented field sets (docker/cli
stats_helpers.go), with the expected values worked out by hand.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dockui.engine.stats import (
    block_totals,
    cpu_percent,
    memory_used,
    network_totals,
    parse_stats,
)

DATA = Path(__file__).parent / "data"


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


FIRST = load("stats_v1_first.json")
A = load("stats_v1_a.json")
B = load("stats_v1_b.json")
STOPPED = load("stats_v1_stopped.json")
CLI = load("stats_v1_cli.json")

_UNITS = {"B": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "kB": 1000, "MB": 1000**2}


def cli_bytes(text: str) -> float:
    """'328KiB' -> 335872, as docker's units.BytesSize/HumanSize print them."""
    m = re.fullmatch(r"([0-9.]+)([A-Za-z]+)", text.strip())
    assert m, text
    return float(m.group(1)) * _UNITS[m.group(2)]


# ------------------------------------------------------------------ real cgroup v1


def test_recorded_samples_are_consecutive_real_answers() -> None:
    assert B["preread"] == A["read"]
    assert B["precpu_stats"]["cpu_usage"] == A["cpu_stats"]["cpu_usage"]
    assert "total_inactive_file" in B["memory_stats"]["stats"]  # cgroup v1


def test_first_sample_has_no_cpu_percent() -> None:
    assert FIRST["precpu_stats"]["cpu_usage"]["total_usage"] == 0
    assert cpu_percent(FIRST) is None
    parsed = parse_stats(FIRST)
    assert not parsed.cpu_valid
    assert parsed.mem_used > 0  # everything else is already valid


def test_cpu_percent_formula_on_real_sample() -> None:
    cur, pre = B["cpu_stats"], B["precpu_stats"]
    cpu_d = cur["cpu_usage"]["total_usage"] - pre["cpu_usage"]["total_usage"]
    sys_d = cur["system_cpu_usage"] - pre["system_cpu_usage"]
    expected = cpu_d / sys_d * cur["online_cpus"] * 100.0
    assert cpu_percent(B) == pytest.approx(expected)


def test_cpu_percent_matches_docker_cli() -> None:
    # The CLI read its own pair of samples from the same 0.5-CPU burner.
    cli = float(CLI["CPUPerc"].rstrip("%"))
    ours = cpu_percent(B)
    assert ours is not None
    assert ours == pytest.approx(cli, abs=2.0)
    assert ours == pytest.approx(50.0, abs=3.0)


def test_cpu_percent_with_own_previous_sample() -> None:
    # One-shot samples carry no precpu: our previous sample replaces it.
    assert cpu_percent(B, prev=A) == pytest.approx(cpu_percent(B))
    one_shot = copy.deepcopy(B)
    one_shot["precpu_stats"] = {"cpu_usage": {"total_usage": 0}}
    assert cpu_percent(one_shot) is None
    assert cpu_percent(one_shot, prev=A) == pytest.approx(cpu_percent(B))


def test_online_cpus_falls_back_to_percpu_length() -> None:
    sample = copy.deepcopy(B)
    del sample["cpu_stats"]["online_cpus"]
    assert len(sample["cpu_stats"]["cpu_usage"]["percpu_usage"]) == B["cpu_stats"]["online_cpus"]
    assert cpu_percent(sample) == pytest.approx(cpu_percent(B))
    sample["cpu_stats"]["online_cpus"] = 0  # zero also means "not reported"
    assert cpu_percent(sample) == pytest.approx(cpu_percent(B))
    sample["cpu_stats"]["cpu_usage"]["percpu_usage"] = [1, 2, 3, 4]
    assert cpu_percent(sample) == pytest.approx(cpu_percent(B) * 2)


def test_memory_matches_docker_cli() -> None:
    mem = B["memory_stats"]
    used = memory_used(mem)
    assert used == mem["usage"] - mem["stats"]["total_inactive_file"]
    cli_used, cli_limit = (cli_bytes(x) for x in CLI["MemUsage"].split("/"))
    assert used == pytest.approx(cli_used, rel=0.005)
    parsed = parse_stats(B)
    assert parsed.mem_limit == cli_limit == 256 * 1024**2
    assert parsed.mem_percent == pytest.approx(float(CLI["MemPerc"].rstrip("%")), abs=0.01)


def test_network_blkio_pids_match_docker_cli() -> None:
    parsed = parse_stats(B)
    rx, tx = (cli_bytes(x) for x in CLI["NetIO"].split("/"))
    assert (parsed.net_rx, parsed.net_tx) == (rx, tx)
    br, bw = (cli_bytes(x) for x in CLI["BlockIO"].split("/"))
    assert (parsed.blk_read, parsed.blk_write) == (br, bw)  # empty lists on this kernel
    assert parsed.pids == int(CLI["PIDs"])
    assert parsed.container_id == CLI["Container"]
    assert parsed.online_cpus == 2
    assert parsed.read == B["read"]


def test_v1_memory_prefers_total_inactive_file() -> None:
    mem = copy.deepcopy(B["memory_stats"])
    mem["usage"] = 10_000
    mem["stats"]["total_inactive_file"] = 3_000
    mem["stats"]["inactive_file"] = 1_000  # the container's own cgroup only
    assert memory_used(mem) == 7_000
    mem["stats"]["total_inactive_file"] = 20_000  # larger than usage: not subtracted
    assert memory_used(mem) == 10_000


def test_v1_blkio_upper_case_ops() -> None:
    sample = copy.deepcopy(B)
    sample["blkio_stats"]["io_service_bytes_recursive"] = [
        {"major": 8, "minor": 0, "op": "Read", "value": 4096},
        {"major": 8, "minor": 0, "op": "Write", "value": 512},
        {"major": 8, "minor": 0, "op": "Sync", "value": 4608},
        {"major": 8, "minor": 0, "op": "Async", "value": 0},
        {"major": 8, "minor": 0, "op": "Discard", "value": 0},
        {"major": 8, "minor": 0, "op": "Total", "value": 4608},
        {"major": 8, "minor": 16, "op": "Read", "value": 100},
    ]
    assert block_totals(sample) == (4196, 512)


def test_never_started_container_sample() -> None:
    # Real answer for a created container: memory_stats {}, no networks, null blkio lists.
    assert STOPPED["memory_stats"] == {}
    assert "networks" not in STOPPED
    parsed = parse_stats(STOPPED)
    assert parsed.cpu_percent is None
    assert (parsed.mem_used, parsed.mem_limit, parsed.mem_percent) == (0, 0, 0.0)
    assert (parsed.net_rx, parsed.net_tx, parsed.blk_read, parsed.blk_write) == (0, 0, 0, 0)
    assert parsed.pids == 0


def test_network_sums_every_interface_and_tolerates_null() -> None:
    assert network_totals({"networks": None}) == (0, 0)
    assert network_totals({}) == (0, 0)
    two = {"networks": {"eth0": {"rx_bytes": 5, "tx_bytes": 7}, "eth1": {"rx_bytes": 1}}}
    assert network_totals(two) == (6, 7)


def _nullify(value: Any, choices: list[int]) -> Any:
    """Set some nested values to None or drop keys, steered by `choices`."""
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            pick = choices.pop() if choices else 0
            if pick == 1:
                out[key] = None
            elif pick == 2:
                continue
            else:
                out[key] = _nullify(inner, choices)
        return out
    if isinstance(value, list):
        return [_nullify(v, choices) for v in value]
    return value


@settings(max_examples=200, deadline=None)
@given(
    base=st.sampled_from([FIRST, A, B, STOPPED]),
    choices=st.lists(st.integers(0, 6), max_size=120),
)
def test_null_or_missing_fields_never_raise(base: dict[str, Any], choices: list[int]) -> None:
    sample = _nullify(base, list(choices))
    parsed = parse_stats(sample, prev=None)
    assert parsed.mem_used >= 0
    assert parsed.cpu_percent is None or parsed.cpu_percent >= 0
    parse_stats(sample, prev=_nullify(A, list(choices)))


# ------------------------------------------------------------------ cgroup v2 (constructed)

# The cgroup v2 field set (moby daemon/stats_collector for v2, docker/cli stats_helpers.go):
# no percpu_usage, max_usage or failcnt; memory_stats.stats has `inactive_file` (no
# total_*); blkio has only io_service_bytes_recursive, with lower-case ops and null for
# the other lists.
V2 = {
    "read": "2026-11-26T19:00:01.000000000Z",
    "preread": "2026-11-26T19:00:00.000000000Z",
    "pids_stats": {"current": 7, "limit": 4915},
    "blkio_stats": {
        "io_service_bytes_recursive": [
            {"major": 8, "minor": 0, "op": "read", "value": 4096},
            {"major": 8, "minor": 0, "op": "write", "value": 65536},
            {"major": 8, "minor": 16, "op": "read", "value": 8192},
            {"major": 8, "minor": 16, "op": "write", "value": 0},
        ],
        "io_serviced_recursive": None,
        "io_queue_recursive": None,
        "io_service_time_recursive": None,
        "io_wait_time_recursive": None,
        "io_merged_recursive": None,
        "io_time_recursive": None,
        "sectors_recursive": None,
    },
    "num_procs": 0,
    "storage_stats": {},
    "cpu_stats": {
        "cpu_usage": {
            "total_usage": 2_000_000_000,
            "usage_in_kernelmode": 100_000_000,
            "usage_in_usermode": 1_900_000_000,
        },
        "system_cpu_usage": 10_040_000_000_000,
        "online_cpus": 4,
        "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0},
    },
    "precpu_stats": {
        "cpu_usage": {
            "total_usage": 1_500_000_000,
            "usage_in_kernelmode": 80_000_000,
            "usage_in_usermode": 1_420_000_000,
        },
        "system_cpu_usage": 10_036_000_000_000,
        "online_cpus": 4,
        "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0},
    },
    "memory_stats": {
        "usage": 104_857_600,
        "stats": {
            "active_anon": 0,
            "active_file": 10_485_760,
            "anon": 73_400_320,
            "file": 31_457_280,
            "inactive_anon": 73_400_320,
            "inactive_file": 20_971_520,
            "kernel_stack": 65_536,
            "pgfault": 12_000,
            "pgmajfault": 3,
            "shmem": 0,
            "slab": 1_048_576,
            "sock": 0,
        },
        "limit": 536_870_912,
    },
    "name": "/v2-web",
    "id": "b" * 64,
    "networks": {
        "eth0": {"rx_bytes": 1000, "tx_bytes": 200, "rx_packets": 10, "tx_packets": 2},
        "eth1": {"rx_bytes": 24, "tx_bytes": 56, "rx_packets": 1, "tx_packets": 1},
    },
}


def test_v2_by_hand() -> None:
    parsed = parse_stats(V2)
    # cpu: (2.0e9 - 1.5e9) / (10_040e9 - 10_036e9) * 4 cpus * 100 = 0.5e9 / 4e9 * 400 = 50 %
    assert parsed.cpu_percent == pytest.approx(50.0)
    # memory: 100 MiB usage - 20 MiB inactive_file = 80 MiB of a 512 MiB limit = 15.625 %
    assert parsed.mem_used == 80 * 1024**2
    assert parsed.mem_limit == 512 * 1024**2
    assert parsed.mem_percent == pytest.approx(15.625)
    assert (parsed.net_rx, parsed.net_tx) == (1024, 256)
    assert (parsed.blk_read, parsed.blk_write) == (12288, 65536)
    assert parsed.pids == 7
    assert parsed.online_cpus == 4
    assert parsed.container_id == "b" * 64


def test_v2_without_online_cpus_has_no_percpu_fallback() -> None:
    sample = copy.deepcopy(V2)
    del sample["cpu_stats"]["online_cpus"]
    # No percpu_usage on v2, so the CLI's fallback finds 0 CPUs and shows 0 %.
    assert cpu_percent(sample) == 0.0


def test_v2_inactive_file_not_below_usage() -> None:
    mem = copy.deepcopy(V2["memory_stats"])
    mem["stats"]["inactive_file"] = mem["usage"]
    assert memory_used(mem) == mem["usage"]


def test_idle_container_is_zero_not_none() -> None:
    sample = copy.deepcopy(V2)
    sample["cpu_stats"]["cpu_usage"]["total_usage"] = 1_500_000_000  # no CPU used
    assert cpu_percent(sample) == 0.0


# ------------------------------------------------------------------ Windows (constructed)

WINDOWS = {
    "os_type": "windows",
    "read": "2026-11-26T19:00:02.000000000Z",
    "preread": "2026-11-26T19:00:01.000000000Z",
    "num_procs": 2,
    "pids_stats": {},
    "blkio_stats": {},
    "cpu_stats": {"cpu_usage": {"total_usage": 30_000_000, "usage_in_kernelmode": 0}},
    "precpu_stats": {"cpu_usage": {"total_usage": 20_000_000}},
    "memory_stats": {
        "commitbytes": 90_000_000,
        "commitpeakbytes": 99_000_000,
        "privateworkingset": 50_000_000,
    },
    "storage_stats": {"read_count_normalized": 1, "read_size_bytes": 4096},
    "name": "/win",
    "id": "c" * 64,
}


def test_windows_cpu_and_memory() -> None:
    # 1 s between read and preread = 1e7 intervals of 100 ns, times 2 processors = 2e7;
    # 1e7 intervals used -> 50 %. Memory is the private working set; there is no limit.
    parsed = parse_stats(WINDOWS)
    assert parsed.cpu_percent == pytest.approx(50.0)
    assert parsed.mem_used == 50_000_000
    assert parsed.mem_limit == 0
    assert parsed.mem_percent == 0.0


def test_windows_first_sample_and_bad_timestamps() -> None:
    first = copy.deepcopy(WINDOWS)
    first["precpu_stats"] = {"cpu_usage": {"total_usage": 0}}
    first["preread"] = "0001-01-01T00:00:00Z"
    assert cpu_percent(first) is None
    odd = copy.deepcopy(WINDOWS)
    odd["preread"] = "not a time"
    assert cpu_percent(odd) is None
    backwards = copy.deepcopy(WINDOWS)
    backwards["preread"] = "2026-11-26T19:00:03Z"
    assert cpu_percent(backwards) is None
