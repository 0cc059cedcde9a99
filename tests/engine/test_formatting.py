"""How figures are written, pinned."""

from __future__ import annotations

from decimal import Decimal

import pytest

from decider.engine.formatting import (
    count,
    days,
    duration,
    hours,
    pct,
    percent,
    signed,
    signed_count,
    signed_duration,
    signed_pct,
    signed_usd,
    usd,
)

EVERY_FORMAT = [
    duration,
    signed_duration,
    usd,
    signed_usd,
    percent,
    pct,
    signed,
    signed_pct,
    hours,
    days,
]


@pytest.mark.parametrize("format_", EVERY_FORMAT, ids=lambda f: f.__name__)
def test_a_missing_figure_reads_n_a(format_) -> None:
    assert format_(None) == "n/a"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0 s"),
        (45, "45 s"),
        (59.4, "59 s"),
        (59.6, "1 min"),
        (90, "1 min 30 s"),
        (524, "8 min 44 s"),
        (524.5, "8 min 44 s"),
        (525.5, "8 min 46 s"),
        (1012, "16 min 52 s"),
        (Decimal("17.6"), "18 s"),
        (3600, "1 h"),
        (12345, "3 h 26 min"),
        (84839, "23 h 34 min"),
        (-488, "-8 min 8 s"),
        (-45, "-45 s"),
        (-0.4, "0 s"),
        (-1e-13, "0 s"),
    ],
)
def test_a_duration_reads_in_seconds_then_minutes_then_hours(value, text) -> None:
    assert duration(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(90, "+1 min 30 s"), (-488, "-8 min 8 s"), (0, "0 s"), (-0.3, "0 s"), (0.6, "+1 s")],
)
def test_a_change_of_duration_carries_its_direction(value, text) -> None:
    assert signed_duration(value) == text


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (275, 0, "$275"),
        (1250, 0, "$1,250"),
        (1234567.4, 0, "$1,234,567"),
        (99.5, 0, "$100"),
        (Decimal("100.00"), 2, "$100.00"),
        (Decimal("1087.5"), 2, "$1,087.50"),
        (-300, 0, "-$300"),
        (-4680, 0, "-$4,680"),
        (-0.2, 0, "$0"),
        (0, 0, "$0"),
    ],
)
def test_money_is_whole_dollars_with_separators_unless_cents_are_asked_for(
    value, digits, text
) -> None:
    assert usd(value, digits) == text


@pytest.mark.parametrize(
    ("value", "text"), [(275, "+$275"), (-4680, "-$4,680"), (0, "$0"), (-0.2, "$0")]
)
def test_a_change_of_money_carries_its_direction(value, text) -> None:
    assert signed_usd(value) == text


@pytest.mark.parametrize(
    ("value", "noun", "text"),
    [
        (1, "runner", "1 runner"),
        (2, "runner", "2 runners"),
        (0, "runner", "0 runners"),
        (1.5, "pipeline", "1.5 pipelines"),
        (1.0, "pipeline", "1 pipeline"),
        (1, "person,people", "1 person"),
        (3, "person,people", "3 people"),
    ],
)
def test_a_count_says_its_noun_in_the_singular_only_for_one(value, noun, text) -> None:
    assert count(value, noun) == text


def test_a_changed_count_carries_its_direction() -> None:
    assert signed_count(1, "runner") == "+1 runner"
    assert signed_count(-3, "runner") == "-3 runners"
    assert signed_count(0, "runner") == "0 runners"


@pytest.mark.parametrize(
    ("share", "digits", "text"),
    [
        (0.6, 0, "60%"),
        (0.4, 0, "40%"),
        (0, 0, "0%"),
        (1, 0, "100%"),
        (0.125, 0, "12%"),
        (0.4825, 1, "48.2%"),
        (Decimal("0.35"), 0, "35%"),
        (0.002, 0, "0.2%"),  # a small baseline does not read as none
        (0.0004, 0, "0.04%"),
        (0.004, 1, "0.4%"),
        (0.000001, 0, "0.00%"),
    ],
)
def test_percent_takes_a_share_of_one(share, digits, text) -> None:
    assert percent(share, digits) == text


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (48.2345, 1, "48.2%"),
        (48.2345, 0, "48%"),
        (0, 1, "0.0%"),
        (-51.84, 1, "-51.8%"),
        (-0.04, 1, "0.0%"),
        (150, 1, "150.0%"),
    ],
)
def test_pct_takes_a_figure_already_in_percent(value, digits, text) -> None:
    assert pct(value, digits) == text


def test_pct_and_percent_agree_on_the_same_share() -> None:
    assert pct(48.25) == percent(0.4825, 1)
    assert pct(60, 0) == percent(0.6) == "60%"


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (2, 0, "+2"),
        (-3, 0, "-3"),
        (0, 0, "0"),
        (-0.0, 0, "0"),
        (0.4, 0, "0"),
        (-0.4, 0, "0"),
        (0.6, 0, "+1"),
        (-488.0, 0, "-488"),
        (1234, 0, "+1234"),
        (0.04, 1, "0.0"),
        (2.25, 1, "+2.2"),
    ],
)
def test_signed_shows_the_direction_of_any_figure_that_does_not_round_to_zero(
    value, digits, text
) -> None:
    assert signed(value, digits) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(60, "+60.0%"), (-48.234, "-48.2%"), (0, "0.0%"), (-0.01, "0.0%"), (1.55, "+1.6%")],
)
def test_signed_pct_is_a_signed_percent_change(value, text) -> None:
    assert signed_pct(value) == text


def test_hours_and_days_have_one_decimal() -> None:
    assert hours(12.345) == "12.3 h"
    assert hours(0) == "0.0 h"
    assert days(3.25) == "3.2 days"
    assert days(-0.01) == "0.0 days"
