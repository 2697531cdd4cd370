"""The stats hub's budget split (`plan_rows`): which wanted rows are streamed, which are
sampled and every how many collector cycles, for given V (rows) and B (samples/cycle)."""

from __future__ import annotations

import pytest

from dockui.state.stats_hub import MAX_PERIOD, plan_rows


def rows(n: int) -> list[str]:
    return [f"c{i:02d}" for i in range(n)]


@pytest.mark.parametrize(
    ("v", "budget", "streams"),
    [(10, 24, 10), (24, 24, 24), (30, 24, 18), (40, 24, 8), (47, 24, 1), (48, 24, 0)],
)
def test_streams_are_2b_minus_v_and_the_rest_every_other_cycle(
    v: int, budget: float, streams: int
) -> None:
    wanted = rows(v)
    plan = plan_rows(wanted, 0, budget, max_streams=100)
    assert plan.streams == tuple(wanted[:streams])
    assert plan.sampled == dict.fromkeys(wanted[streams:], 2)
    assert plan.cost() <= budget + 1e-9


def test_the_selected_row_is_streamed_and_the_lowest_rows_go_every_third_cycle() -> None:
    wanted = rows(48)
    plan = plan_rows(wanted, 1, 24, max_streams=40)
    assert plan.streams == ("c00",)
    # 1 + 44/2 + 3/3 = 24 samples per cycle: the budget holds exactly.
    assert plan.sampled == {**dict.fromkeys(wanted[1:45], 2), **dict.fromkeys(wanted[45:], 3)}
    assert plan.cost() == pytest.approx(24.0)


def test_more_rows_than_twice_the_budget_spread_over_two_and_three_cycles() -> None:
    wanted = rows(60)
    plan = plan_rows(wanted, 0, 24, max_streams=40)
    assert plan.streams == ()
    assert list(plan.sampled.values()) == [2] * 24 + [3] * 36
    assert plan.cost() == pytest.approx(24.0)


def test_max_streams_caps_streams_and_the_rest_is_sampled() -> None:
    wanted = rows(10)
    plan = plan_rows(wanted, 0, 24, max_streams=3)
    assert plan.streams == tuple(wanted[:3])
    assert plan.sampled == dict.fromkeys(wanted[3:], 2)


def test_pinned_rows_beyond_the_budget_leave_the_others_at_the_slowest_period() -> None:
    wanted = rows(5)
    plan = plan_rows(wanted, 3, 2, max_streams=40)
    assert plan.streams == tuple(wanted[:3])
    assert plan.sampled == dict.fromkeys(wanted[3:], MAX_PERIOD)


def test_nothing_wanted_and_zero_budget() -> None:
    assert plan_rows([], 0, 24, max_streams=40).streams == ()
    plan = plan_rows(rows(4), 0, 0, max_streams=40)
    assert plan.streams == () and set(plan.sampled.values()) == {MAX_PERIOD}


@pytest.mark.parametrize("budget", [1, 2.5, 7, 24, 31])
@pytest.mark.parametrize("v", [0, 1, 5, 23, 48, 49, 100, 150])
def test_the_budget_holds_whenever_the_must_rows_fit(v: int, budget: float) -> None:
    wanted = rows(v)
    plan = plan_rows(wanted, 1 if v else 0, budget, max_streams=40)
    assert list(plan.streams) + list(plan.sampled) == wanted  # every row, once, in order
    periods = list(plan.sampled.values())
    assert periods == sorted(periods)  # higher rows are never sampled less often
    if plan.cost() > budget + 1e-9:
        assert set(periods) == {MAX_PERIOD}  # only when even the slowest period is over
