"""engine_clock_offset: the engine clock from /info, for look backs measured on it."""

from __future__ import annotations

import pytest

from dockui.engine.inspect_views import engine_clock_offset


def test_engine_clock_offset_reads_rfc3339_nano() -> None:
    from datetime import UTC, datetime

    local = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC).timestamp()
    info = {"SystemTime": "2026-11-26T12:00:30.123456789Z"}
    assert engine_clock_offset(info, local) == pytest.approx(30.1234567, abs=1e-5)
    ahead = {"SystemTime": "2026-11-26T13:59:00+02:00"}  # 11:59 UTC: a minute behind
    assert engine_clock_offset(ahead, local) == pytest.approx(-60.0)


@pytest.mark.parametrize("value", [None, 5, "", "yesterday", "2026-13-40T99:00:00Z"])
def test_engine_clock_offset_is_zero_when_unreadable(value: object) -> None:
    assert engine_clock_offset({"SystemTime": value}, 1e9) == 0.0
    assert engine_clock_offset({}, 1e9) == 0.0
