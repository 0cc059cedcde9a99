"""How figures are written, pinned: the functions, and the same functions as template filters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import engines

from decider.adapter.formatting import (
    days,
    duration,
    hours,
    pct,
    percent,
    seconds,
    signed,
    signed_pct,
    usd,
)

EVERY_FORMAT = [duration, seconds, usd, percent, pct, signed, signed_pct, hours, days]


@pytest.mark.parametrize("format_", EVERY_FORMAT, ids=lambda f: f.__name__)
def test_a_missing_figure_reads_n_a(format_) -> None:
    assert format_(None) == "n/a"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0 s"),
        (45, "45 s"),
        (89.4, "89 s"),
        (90, "90 s (1.5 min)"),
        (524, "524 s (8.7 min)"),
        (1012, "1012 s (16.9 min)"),
        (12345, "12345 s (205.8 min)"),
        (-488, "-488 s (-8.1 min)"),
        (-45, "-45 s"),
        (-1e-13, "0 s"),
    ],
)
def test_a_duration_gives_minutes_too_once_it_is_90_s_long(value, text) -> None:
    assert duration(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1012, "1012 s"),
        (12345, "12345 s"),
        (488.33, "488 s"),
        (524.5, "524 s"),
        (525.5, "526 s"),
        (-488, "-488 s"),
        (-0.4, "0 s"),
        (Decimal("17.6"), "18 s"),
    ],
)
def test_seconds_are_whole_without_separators_and_ties_go_to_even(value, text) -> None:
    assert seconds(value) == text


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (275, 0, "$275"),
        (1250, 0, "$1,250"),
        (1234567.4, 0, "$1,234,567"),
        (99.5, 0, "$100"),
        (Decimal("100.00"), 2, "$100.00"),
        (Decimal("1087.5"), 2, "$1,087.50"),
        (-300, 0, "$-300"),
        (-0.2, 0, "$0"),
        (0, 0, "$0"),
    ],
)
def test_money_is_whole_dollars_with_separators_unless_cents_are_asked_for(
    value, digits, text
) -> None:
    assert usd(value, digits) == text


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


def _render(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


def test_every_template_has_the_filters_without_loading_them() -> None:
    source = (
        "{{ wall|duration }}; {{ wall|seconds }}; {{ money|usd }}; {{ price|usd:2 }}; "
        "{{ busy|percent }}; {{ saving|pct }}; {{ change|signed_pct }}; {{ added|signed }}; "
        "{{ saved|hours }}; {{ payback|days }}"
    )
    text = _render(
        source,
        wall=1012,
        money=1250,
        price=Decimal("87.5"),
        busy=0.6,
        saving=48.234,
        change=-48.234,
        added=2,
        saved=12.34,
        payback=3.21,
    )
    assert text == (
        "1012 s (16.9 min); 1012 s; $1,250; $87.50; 60%; 48.2%; -48.2%; +2; 12.3 h; 3.2 days"
    )


def test_a_filter_renders_none_as_n_a_and_a_missing_variable_as_nothing() -> None:
    assert _render("[{{ value|usd }}]", value=None) == "[n/a]"
    assert _render("[{{ nothing.here|seconds }}]") == "[]"
