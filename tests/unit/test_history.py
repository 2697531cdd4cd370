"""History rings: order after wrapping, rates from counters, compact storage."""

from __future__ import annotations

import math
from array import array

import pytest

from dockui.engine.stats import StatsSample
from dockui.state.history import History, read_time


def sample(
    cpu: float | None = 10.0,
    mem: int = 1000,
    rx: int = 0,
    tx: int = 0,
    br: int = 0,
    bw: int = 0,
    pids: int = 1,
    limit: int = 4096,
) -> StatsSample:
    return StatsSample("c1", "", cpu, mem, limit, rx, tx, br, bw, pids, 2)


def test_series_are_oldest_first_before_and_after_wrapping() -> None:
    h = History(5)
    for i in range(3):
        h.add(float(i), sample(cpu=float(i), mem=i))
    assert h.cpu_series(10) == [0.0, 1.0, 2.0]
    assert h.mem_series(2) == [1, 2]
    for i in range(3, 12):
        h.add(float(i), sample(cpu=float(i), mem=i))
    assert len(h) == 5
    assert h.cpu_series(5) == [7.0, 8.0, 9.0, 10.0, 11.0]
    assert h.mem_series(3) == [9, 10, 11]
    assert h.time_series(5) == [7.0, 8.0, 9.0, 10.0, 11.0]
    assert h.latest("cpu") == 11.0
    assert h.span() == 4.0
    assert h.cpu_series(0) == []


def test_wrapping_at_exactly_capacity_keeps_order() -> None:
    h = History(4)
    for i in range(8):  # head is back at 0
        h.add(float(i), sample(cpu=float(i)))
    assert h.cpu_series(4) == [4.0, 5.0, 6.0, 7.0]
    assert h.latest("cpu") == 7.0


def test_missing_cpu_is_nan_and_latest_says_none() -> None:
    h = History(4)
    h.add(0.0, sample(cpu=None))
    assert math.isnan(h.cpu_series(1)[0])
    assert h.latest("cpu") is None
    assert h.latest("mem") == 1000


def test_rates_use_engine_time_and_never_go_negative() -> None:
    h = History(10)
    h.add(100.0, sample(rx=1000, tx=500, br=0, bw=4096), engine_time=50.0)
    h.add(100.1, sample(rx=3000, tx=1500, br=8192, bw=4096), engine_time=52.0)
    assert h.series("net_rx", 2) == [0.0, 1000.0]
    assert h.series("net_tx", 1) == [500.0]
    assert h.series("blk_read", 1) == [4096.0]
    assert h.series("blk_write", 1) == [0.0]
    # The container restarted: counters start again from zero.
    h.add(101.0, sample(rx=10, tx=0), engine_time=53.0)
    assert h.series("net_rx", 1) == [0.0]
    # Without engine timestamps the arrival times are used.
    h2 = History(3)
    h2.add(1.0, sample(rx=0))
    h2.add(3.0, sample(rx=500))
    assert h2.series("net_rx", 1) == [250.0]


def test_storage_is_typed_arrays_of_bounded_size() -> None:
    h = History(300)
    for i in range(1000):
        h.add(float(i), sample(cpu=1.5, mem=2**40, pids=i))
    for name in ("times", "cpu", "mem", "net_rx", "net_tx", "blk_read", "blk_write", "pids"):
        col = getattr(h, name)
        assert isinstance(col, array) and len(col) == 300
    assert h.mem_series(1) == [2**40]  # 64-bit memory figures survive
    assert h.series("pids", 1) == [999]
    assert h.mem_limit == 4096
    with pytest.raises(ValueError):
        h.series("mem_limit", 3)
    with pytest.raises(ValueError):
        History(1)


def test_read_time_parses_engine_timestamps() -> None:
    t = read_time("2026-11-26T10:00:01.500000000Z")
    assert t is not None
    assert read_time("2026-11-26T10:00:03.000000000Z") == pytest.approx(t + 1.5)
    assert read_time("0001-01-01T00:00:00Z") is None
    assert read_time("") is None
    assert read_time("garbage") is None
