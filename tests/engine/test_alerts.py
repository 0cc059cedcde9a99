"""The daily check of an alert rule: strictly over, whole days in a row, no data never fires."""

from __future__ import annotations

from datetime import date, timedelta

from decider.engine.alerts import cannot_check, check_days

FIRST = date(2026, 11, 1)
LAST = date(2026, 11, 10)


def _days(values: list[float | None]) -> dict[date, float | None]:
    return {FIRST + timedelta(days=i): value for i, value in enumerate(values)}


def test_it_fires_from_the_day_the_run_reaches_the_days_needed() -> None:
    check = check_days(_days([1, 1, 1, 1, 1, 5, 5, 5, 5, 5]), 2, 3, FIRST, LAST)
    assert check.firing
    assert check.over_since == date(2026, 11, 6)
    assert check.fired_on == date(2026, 11, 8)
    assert check.over_days == 5
    assert [figure.over for figure in check.days] == [False] * 5 + [True] * 5


def test_it_does_not_fire_before_the_days_needed() -> None:
    check = check_days(_days([1] * 8 + [5, 5]), 2, 3, FIRST, LAST)
    assert not check.firing
    assert check.over_days == 2
    assert check.fired_on is None


def test_a_value_equal_to_the_threshold_is_not_over() -> None:
    check = check_days(_days([2] * 10), 2, 1, FIRST, LAST)
    assert not check.firing


def test_a_day_with_nothing_measured_ends_the_run_and_never_fires() -> None:
    check = check_days(_days([5] * 9 + [None]), 2, 3, FIRST, LAST)
    assert not check.firing
    assert check.over_since is None
    missing_yesterday = check_days(_days([5] * 9), 2, 3, FIRST, LAST)  # no row for the 10th
    assert not missing_yesterday.firing
    gap = check_days(_days([5, 5, 5, 5, None, 5, 5, 5, 5, 5]), 2, 3, FIRST, LAST)
    assert gap.over_since == date(2026, 11, 6)


def test_a_run_as_long_as_the_days_looked_at_says_it_may_be_longer() -> None:
    check = check_days(_days([5] * 10), 2, 3, FIRST, LAST)
    assert check.over_since == FIRST
    assert check.lookback_starts_run


def test_a_rule_without_a_threshold_never_fires() -> None:
    check = cannot_check(LAST, 3, "No version is adopted.")
    assert not check.firing
    assert check.cannot_check == "No version is adopted."
