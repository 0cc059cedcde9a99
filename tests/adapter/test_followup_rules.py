"""What to do next, rule by rule (docs/followup.md): each test moves one figure across the
line its rule draws, so a changed threshold or order fails here."""

from __future__ import annotations

import dataclasses

from decider.adapter.followup_rules import (
    MIN_DAYS,
    MIN_PIPELINES,
    Evidence,
    PoolEvidence,
    recommend,
)

MEDIUM = PoolEvidence(
    "medium", p90_wait_s=30.0, runners_now=3, usd_per_runner_month=100.0, needed_at_measured_load=3
)
GOOD = Evidence(
    days_since=21.5,
    pipelines_since=189,
    pipelines_before=196,
    wall_clock_p50_before_s=1012.0,
    wall_clock_p50_since_s=524.0,
    target_wait_s=60.0,
    runner_usd_per_month_now=900.0,
    budget_usd_per_month=1350.0,
    added_usd_per_month=0.0,
    value_usd_per_month=None,
    pools=[MEDIUM],
)


def _with(**changes: object) -> Evidence:
    return dataclasses.replace(GOOD, **changes)  # type: ignore[arg-type]


def test_it_keeps_a_faster_change_within_target_and_budget() -> None:
    advice = recommend(GOOD)
    assert advice.action == "keep"
    assert advice.title == "Keep the change"
    assert (
        "The median pipeline takes 8 min 44 s since the change, against 16 min 52 s"
        in (advice.reasons[0])
    )
    assert "within the $1,350 approved" in advice.reasons[-1]


def test_it_gives_no_verdict_before_a_week() -> None:
    advice = recommend(_with(days_since=MIN_DAYS - 0.5))
    assert advice.action == "no_verdict"
    assert "Only 6 days have passed" in advice.reasons[0]
    assert recommend(_with(days_since=MIN_DAYS)).action == "keep"


def test_it_gives_no_verdict_on_too_few_pipelines() -> None:
    advice = recommend(_with(pipelines_since=MIN_PIPELINES - 1))
    assert advice.action == "no_verdict"
    assert "Only 19 successful pipelines since the change" in advice.reasons[0]
    assert recommend(_with(pipelines_since=MIN_PIPELINES)).action == "keep"


def test_thin_data_wins_over_every_other_rule() -> None:
    slower_and_queued = _with(
        days_since=2.0,
        wall_clock_p50_since_s=2000.0,
        pools=[dataclasses.replace(MEDIUM, p90_wait_s=600.0)],
    )
    assert recommend(slower_and_queued).action == "no_verdict"


def test_it_rolls_back_a_change_that_is_not_faster() -> None:
    advice = recommend(_with(wall_clock_p50_since_s=1012.0))
    assert advice.action == "roll_back"
    assert (
        "the median pipeline takes 16 min 52 s since, against 16 min 52 s before"
        in (advice.reasons[0])
    )
    assert recommend(_with(wall_clock_p50_since_s=1011.0)).action == "keep"


def test_it_does_not_judge_speed_without_enough_pipelines_before() -> None:
    advice = recommend(_with(wall_clock_p50_since_s=1500.0, pipelines_before=MIN_PIPELINES - 1))
    assert advice.action == "keep"
    assert "Too few successful pipelines before the change (19)" in advice.reasons[0]


def test_it_rolls_back_when_over_budget_and_the_value_does_not_cover_the_runners() -> None:
    over = _with(
        runner_usd_per_month_now=1600.0, added_usd_per_month=700.0, value_usd_per_month=500.0
    )
    advice = recommend(over)
    assert advice.action == "roll_back"
    assert advice.reasons == [
        "Runners cost $1,600 a month, $250 over the $1,350 approved, and the time saved is "
        "worth $500 a month, less than the $700 a month the runners added since the change "
        "cost (net -$200 a month)."
    ]
    # The value covers what was added: over budget, but kept (and said so).
    covered = recommend(dataclasses.replace(over, value_usd_per_month=700.0))
    assert covered.action == "keep"
    assert "covers what they added" in covered.reasons[-1]
    # Within budget, a thin value is no reason to roll back.
    assert recommend(dataclasses.replace(over, budget_usd_per_month=1600.0)).action == "keep"


def test_without_a_dollar_value_an_overrun_is_reported_not_rolled_back() -> None:
    advice = recommend(_with(runner_usd_per_month_now=1600.0, added_usd_per_month=700.0))
    assert advice.action == "keep"
    assert "has no $ value to weigh against it" in advice.reasons[-1]


def test_it_adds_the_runners_the_sizing_needs_at_the_measured_load() -> None:
    queued = dataclasses.replace(MEDIUM, p90_wait_s=169.0, needed_at_measured_load=6)
    advice = recommend(_with(pools=[queued]))
    assert advice.action == "add_runners"
    assert advice.additions == {"medium": 3}
    assert advice.title == "Add runners: 3 runners to medium"
    assert advice.reasons[0].startswith(
        "On medium, 1 job in 10 waited 2 min 49 s or more for a runner, 1 min 49 s over the "
        "1 min target."
    )
    assert "the pool has 3: add 3 (+$300 a month)" in advice.reasons[0]
    assert advice.reasons[-1] == (
        "With them, runners cost $1,200 a month, within the $1,350 approved."
    )
    # At the target exactly, nothing to add.
    at_target = dataclasses.replace(MEDIUM, p90_wait_s=60.0, needed_at_measured_load=6)
    assert recommend(_with(pools=[at_target])).action == "keep"


def test_adding_runners_past_the_budget_asks_for_approval() -> None:
    queued = dataclasses.replace(MEDIUM, p90_wait_s=169.0, needed_at_measured_load=9)
    advice = recommend(_with(pools=[queued]))
    assert advice.reasons[-1] == (
        "With them, runners cost $1,500 a month, $150 over the $1,350 approved: this needs "
        "the budget holder's approval."
    )


def test_a_pool_over_target_the_model_thinks_fine_is_named_with_its_overrun() -> None:
    queued = dataclasses.replace(MEDIUM, p90_wait_s=100.0, needed_at_measured_load=3)
    advice = recommend(_with(pools=[queued]))
    assert advice.action == "add_runners"
    assert advice.additions == {}
    assert advice.title == "Add runners"
    assert "40 s over the 1 min target" in advice.reasons[0]
    assert "add one at a time" in advice.reasons[0]


def test_a_slower_change_is_rolled_back_even_when_a_pool_queues() -> None:
    queued = dataclasses.replace(MEDIUM, p90_wait_s=169.0, needed_at_measured_load=6)
    advice = recommend(_with(wall_clock_p50_since_s=1100.0, pools=[queued]))
    assert advice.action == "roll_back"
