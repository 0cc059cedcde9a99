"""The price book's arithmetic (engine/prices.py): minutes rounded up per job, the rate in force
on the scenario's date, a team's own rows over GitHub's, and the postponed platform charge."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from decider.engine.github_prices import github_price_book
from decider.engine.prices import (
    PLATFORM_CHARGE,
    PriceBook,
    Rate,
    billed_minutes,
    monthly_usd,
    pipeline_minutes,
    pipeline_usd,
    platform_charge_usd,
)

BOOK = github_price_book()
IN_2025 = date(2025, 12, 31)
IN_2026 = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [(0, 0), (0.4, 1), (1, 1), (59.9, 1), (60, 1), (60.001, 2), (61, 2), (120, 2), (3600, 60)],
)
def test_each_job_is_billed_in_whole_minutes_rounded_up(seconds: float, minutes: int) -> None:
    assert billed_minutes(seconds) == minutes


def test_a_sum_a_hair_above_a_whole_minute_is_that_minute() -> None:
    assert billed_minutes(0.1 * 1200) == 2  # 120.00000000000001 s


def test_a_pipeline_rounds_each_job_on_its_own() -> None:
    # Three 61 s jobs are 3 minutes 3 s of work but bill 6 minutes: 2 + 2 + 2.
    assert pipeline_minutes([61, 61, 61]) == 6
    linux = BOOK.rate("linux-2-core", IN_2026)
    assert linux is not None
    assert pipeline_usd([61, 61, 61], linux) == pytest.approx(6 * 0.006)
    assert monthly_usd([61, 61, 61], linux, 1000) == pytest.approx(36.0)


@pytest.mark.parametrize(
    ("size", "before", "after"),
    [
        ("linux-2-core", 0.008, 0.006),
        ("windows-2-core", 0.016, 0.010),
        ("macos-3-4-core", 0.080, 0.062),
        ("linux-1-core", 0.002, 0.002),
    ],
)
def test_the_scenarios_date_picks_the_rate_in_force(size: str, before: float, after: float) -> None:
    old, new = BOOK.rate(size, IN_2025), BOOK.rate(size, IN_2026)
    assert old is not None and new is not None
    assert (old.usd_per_minute, new.usd_per_minute) == (before, after)


def test_the_2026_table_is_the_one_github_publishes() -> None:
    on = date(2026, 12, 5)
    figures = {rate.size: rate.usd_per_minute for rate in BOOK.in_force(on)}
    assert figures == {
        "linux-1-core": 0.002,
        "linux-2-core": 0.006,
        "windows-2-core": 0.010,
        "macos-3-4-core": 0.062,
        "linux-4-core": 0.012,
        "linux-8-core": 0.022,
        "linux-16-core": 0.042,
        "linux-32-core": 0.082,
        "linux-64-core": 0.162,
        "linux-96-core": 0.252,
        "linux-arm64-2-core": 0.005,
        "linux-arm64-4-core": 0.008,
        "linux-arm64-8-core": 0.014,
        "linux-arm64-16-core": 0.026,
        "linux-arm64-32-core": 0.050,
        "linux-arm64-64-core": 0.098,
        "linux-gpu-4-core": 0.052,
        "macos-12-core": 0.077,
        PLATFORM_CHARGE: 0.002,
    }
    assert all(rate.source for rate in BOOK.rates)


def test_a_size_without_a_rate_that_day_has_none() -> None:
    assert BOOK.rate("linux-arm64-2-core", IN_2025) is None  # no source for its old rate
    assert BOOK.rate("no-such-size", IN_2026) is None


def test_a_teams_rate_replaces_the_books_on_the_days_it_covers() -> None:
    negotiated = Rate(
        size="linux-2-core",
        usd_per_minute=0.004,
        effective_from=date(2026, 6, 1),
        effective_to=date(2027, 1, 1),
        source="our enterprise agreement",
    )
    book = BOOK.overridden_by([negotiated])
    figure = {
        on: rate.usd_per_minute
        for on in (IN_2025, IN_2026, date(2026, 6, 1), date(2026, 12, 31), date(2027, 1, 1))
        if (rate := book.rate("linux-2-core", on)) is not None
    }
    assert figure == {
        IN_2025: 0.008,
        IN_2026: 0.006,
        date(2026, 6, 1): 0.004,
        date(2026, 12, 31): 0.004,
        date(2027, 1, 1): 0.006,
    }
    # Other sizes keep the book's rows.
    assert book.rate("windows-2-core", IN_2026) == BOOK.rate("windows-2-core", IN_2026)


def test_a_vendor_row_is_priced_like_any_other() -> None:
    vendor = Rate(
        size="acme-linux-4",
        label="Acme 4 vCPU",
        kind="vendor",
        vendor="Acme runners",
        usd_per_minute=0.004,
        effective_from=date(2026, 1, 1),
        source="Acme's price page, read 2026-11-30",
    )
    book = BOOK.overridden_by([vendor])
    rate = book.rate("acme-linux-4", date(2026, 12, 5))
    assert rate is not None and pipeline_usd([600, 30], rate) == pytest.approx(11 * 0.004)


def test_the_platform_charge_is_off_unless_counted_and_not_before_its_date() -> None:
    self_hosted = [600, 61]  # 10 + 2 minutes
    on = date(2026, 12, 5)
    assert platform_charge_usd(self_hosted, BOOK, on) == 0
    assert platform_charge_usd(self_hosted, BOOK, on, counted=True) == pytest.approx(12 * 0.002)
    assert platform_charge_usd(self_hosted, BOOK, date(2026, 2, 28), counted=True) == 0


def test_a_rate_must_end_after_it_starts_and_have_a_sane_price() -> None:
    with pytest.raises(ValidationError, match="effective_to"):
        Rate(
            size="x",
            usd_per_minute=0.01,
            effective_from=date(2026, 1, 1),
            effective_to=date(2026, 1, 1),
        )
    with pytest.raises(ValidationError):
        Rate(size="x", usd_per_minute=-0.01, effective_from=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        Rate(size="x", usd_per_minute=1e300, effective_from=date(2026, 1, 1))


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(
    spans=st.lists(st.tuples(days, st.integers(1, 800), st.integers(1, 50)), max_size=4),
    on=days,
)
def test_overrides_leave_exactly_one_rate_a_day_whoever_set_it(
    spans: list[tuple[date, int, int]], on: date
) -> None:
    """Whatever a team's rows cover, each day has the team's rate where one is in force and the
    book's otherwise; no day gets both, and no day of the book's is lost."""
    team = [
        Rate(
            size="linux-2-core",
            usd_per_minute=cents / 1000,
            effective_from=start,
            effective_to=start + timedelta(days=length),
        )
        for start, length, cents in spans
    ]
    book = BOOK.overridden_by(team)
    in_force = [rate for rate in book.rates if rate.size == "linux-2-core" and rate.in_force(on)]
    mine = [rate for rate in team if rate.in_force(on)]
    if mine:
        assert all(rate in team for rate in in_force)
        chosen = book.rate("linux-2-core", on)
        assert chosen is not None and chosen in mine
    else:
        kept, original = book.rate("linux-2-core", on), BOOK.rate("linux-2-core", on)
        assert (kept and kept.usd_per_minute) == (original and original.usd_per_minute)
        assert len(in_force) == (original is not None)


def test_an_empty_book_prices_nothing() -> None:
    assert PriceBook(rates=[]).in_force(IN_2026) == []
