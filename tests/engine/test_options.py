"""The options a budget holder weighs (engine/options.py, docs/plan.md rule 11)."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest

from decider.engine.analysis import analyze
from decider.engine.github_prices import github_price_book
from decider.engine.inputs import Scenario
from decider.engine.options import Option, efficient, rate_on, recommendation
from decider.engine.presets import apply_preset
from decider.engine.prices import Rate, billed_minutes, pipeline_minutes
from decider.engine.simulation import SimJob, SimPool, SimulationInput, simulate
from tests.engine.seed import seed_pools, seed_workflow


def _scenario(**settings: object) -> Scenario:
    base = Scenario.model_validate(
        {"pipelines_per_month": 900, "pipelines_per_hour": 6, **settings}
    )
    return apply_preset(seed_workflow(), base, "parallel")


def _option(kind: str, usd: float, wall: float, meets: bool = True) -> Option:
    return Option(
        kind=kind,  # type: ignore[arg-type]
        pool="small",
        name=f"{kind} {usd}",
        runners=1,
        usd_per_month=usd,
        p90_wall_clock_s=wall,
        p90_wait_s=0.0 if meets else 600.0,
        meets_target=meets,
    )


def test_each_job_is_billed_in_whole_minutes_rounded_up() -> None:
    assert [billed_minutes(s) for s in (0, 1, 60, 61, 119.5)] == [0, 1, 1, 2, 2]
    # Rounded per job, then added: two 61 s jobs bill 4 minutes, not 3.
    assert pipeline_minutes([61, 61]) == 4


def test_the_price_date_picks_the_rate_in_force_and_no_date_the_current_one() -> None:
    book = github_price_book()
    assert rate_on(book, "linux-2-core", date(2025, 12, 31)).usd_per_minute == 0.008
    assert rate_on(book, "linux-2-core", date(2026, 1, 1)).usd_per_minute == 0.006
    assert rate_on(book, "linux-2-core", None).usd_per_minute == 0.006


def test_hosted_minutes_are_priced_at_the_scenarios_date_and_the_teams_own_rate() -> None:
    workflow, pools = seed_workflow(), seed_pools()
    new = analyze(workflow, pools, _scenario(price_date=date(2026, 6, 1))).options
    old = analyze(workflow, pools, _scenario(price_date=date(2025, 6, 1))).options
    own = github_price_book().overridden_by(
        [Rate(size="linux-2-core", usd_per_minute=0.001, effective_from=date(2020, 1, 1))]
    )
    team = analyze(workflow, pools, _scenario(price_date=date(2026, 6, 1)), prices=own).options
    assert new and old and team
    assert (new.hosted_usd_per_minute, old.hosted_usd_per_minute) == (0.006, 0.008)
    assert team.hosted_usd_per_minute == 0.001

    def hosted(options):  # type: ignore[no-untyped-def]
        return next(o for p in options.pools for o in p.options if o.kind == "hosted")

    moved = hosted(new)
    runner_cost = (
        moved.runners * next(p for p in pools if p.name == moved.pool).monthly_usd_per_runner
    )
    minutes = moved.hosted_minutes_per_month
    assert minutes is not None and minutes == int(minutes)  # whole minutes per job
    assert moved.usd_per_month == pytest.approx(runner_cost + minutes * 0.006)
    assert hosted(old).usd_per_month == pytest.approx(runner_cost + minutes * 0.008)


def test_the_platform_charge_counts_only_when_asked() -> None:
    workflow, pools = seed_workflow(), seed_pools()
    day = date(2026, 6, 1)
    off = analyze(workflow, pools, _scenario(price_date=day)).options
    on = analyze(workflow, pools, _scenario(price_date=day, platform_charge=True)).options
    before = analyze(
        workflow, pools, _scenario(price_date=date(2026, 2, 1), platform_charge=True)
    ).options
    assert off and on and before
    assert off.platform_charge_usd_per_minute is None
    assert on.platform_charge_usd_per_minute == 0.002
    assert before.platform_charge_usd_per_minute is None  # not in force before 1 March 2026

    def runners(options):  # type: ignore[no-untyped-def]
        return {
            (o.pool, o.runners): o.usd_per_month
            for p in options.pools
            for o in p.options
            if o.kind == "self_hosted"
        }

    charged, plain = runners(on), runners(off)
    assert all(charged[key] > plain[key] for key in plain)


def test_more_runners_never_raise_the_p90_wait_at_the_same_load() -> None:
    options = analyze(seed_workflow(), seed_pools(), _scenario()).options
    assert options and options.pools
    for pool in options.pools:
        waits = [
            (o.runners, o.p90_wait_s)
            for o in pool.options
            if o.kind == "self_hosted" and o.p90_wait_s is not None
        ]
        waits.sort()
        assert len(waits) >= 3
        assert all(later <= earlier + 1e-9 for (_, earlier), (_, later) in pairwise(waits))


def test_the_efficient_set_is_non_dominated_and_dominates_the_rest() -> None:
    options = analyze(seed_workflow(), seed_pools(), _scenario()).options
    assert options
    for pool in options.pools:
        placed = [o for o in pool.options if o.usd_per_month is not None and o.p90_wall_clock_s]
        chosen = [o for o in placed if o.efficient]
        assert chosen

        def beats(a: Option, b: Option) -> bool:
            cheaper = (a.usd_per_month or 0) <= (b.usd_per_month or 0)
            faster = (a.p90_wall_clock_s or 0) <= (b.p90_wall_clock_s or 0)
            strictly = (a.usd_per_month or 0) < (b.usd_per_month or 0) or (
                a.p90_wall_clock_s or 0
            ) < (b.p90_wall_clock_s or 0)
            return cheaper and faster and strictly

        assert not any(beats(a, b) for a in placed for b in chosen)
        assert all(any(beats(a, b) for a in placed) for b in placed if not b.efficient)


def test_the_recommendation_is_the_cheapest_that_meets_the_target() -> None:
    options = analyze(seed_workflow(), seed_pools(), _scenario()).options
    assert options
    for pool in options.pools:
        meeting = [o for o in pool.options if o.meets_target and o.usd_per_month is not None]
        assert pool.recommended is not None
        assert pool.recommended.usd_per_month == min(o.usd_per_month or 0 for o in meeting)
        assert pool.next_best is None or pool.next_best.kind != pool.recommended.kind


def test_marking_and_choosing_on_a_made_up_list() -> None:
    found = [
        _option("self_hosted", 100, 900, meets=False),
        _option("self_hosted", 200, 600),
        _option("hosted", 250, 500),
        _option("overflow", 300, 650),  # dearer and slower than 200/600: dominated
    ]
    marked = efficient(found)
    assert [o.efficient for o in marked] == [True, True, True, False]
    best, runner_up = recommendation(marked)
    assert best is not None and best.usd_per_month == 200
    assert runner_up is not None and runner_up.kind == "hosted"


def test_overflow_sends_the_jobs_that_would_wait_too_long_to_hosted_runners() -> None:
    job = SimJob(index=0, duration_s=600, pool="one")
    base = {"jobs": [job], "pipelines_at_once": 4, "pipelines": 40, "seed": 1}
    pool = SimPool(name="one", runners=1, baseline_utilization=0, mean_background_job_s=0)
    plain = simulate(SimulationInput(pools=[pool], **base))
    overflowing = simulate(
        SimulationInput(pools=[pool.model_copy(update={"overflow_after_s": 60})], **base)
    )
    assert plain.pools[0].overflowed_jobs == 0 and plain.pools[0].p90_wait_s > 60
    stats = overflowing.pools[0]
    # Four arrive together on one runner: three would wait 10 min or more, so they overflow.
    assert stats.overflowed_jobs == 30 and stats.pipeline_jobs == 40
    assert stats.overflowed_billed_minutes == 30 * 10
    assert overflowing.pipeline_wall_clock_s
    assert overflowing.pipeline_wall_clock_s.p90 == pytest.approx(600)


def test_no_data_means_no_options_in_plain_words() -> None:
    workflow = seed_workflow()
    for job in workflow.jobs:
        job.samples = []
    options = analyze(workflow, seed_pools(), _scenario()).options
    assert options and options.missing and options.missing.startswith("No options to weigh")
    assert not options.pools
