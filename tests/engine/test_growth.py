"""When growth breaks it (engine/growth.py): month-by-month runner needs as pipelines grow,
started from Erlang C and confirmed by the simulation, and the month a set of runners stops
meeting the queue-wait target."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decider.engine import growth as growth_module
from decider.engine.analysis import Analysis, analyze
from decider.engine.inputs import Pool, Scenario
from decider.engine.pool_simulation import GraphCase, SimulationSetup
from decider.engine.pools import Placement
from decider.engine.presets import apply_preset
from decider.engine.queueing import erlang_c_wait_percentile
from decider.engine.simulation import Percentiles, PoolStats, SimulationInput, SimulationResult
from decider.engine.sizing import erlang_estimate, lower_bound, size_pools
from tests.engine.seed import seed_pools, seed_workflow

RUNNERS_PER_PIPELINE_AN_HOUR = 10


def need_at(rate: float) -> int:
    return math.ceil(rate * RUNNERS_PER_PIPELINE_AN_HOUR)


class WaitsUnderLoad:
    """A known queue: a pool's pipeline jobs wait 120 s at p90 with fewer than ten runners per
    pipeline an hour, none from there. So every month's need is known by construction."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self, inp: SimulationInput) -> SimulationResult:
        self.runs += 1
        rate = inp.pipelines_per_hour or 0.0
        wall = Percentiles(p50=600, p90=600, p99=600, mean=600)
        return SimulationResult(
            pipeline_wall_clock_s=wall,
            milestone_wall_clock_s=None,
            pipeline_queue_delay_s=Percentiles(p50=0, p90=0, p99=0, mean=0),
            pools=[
                PoolStats(
                    name=pool.name,
                    mean_wait_s=0,
                    p90_wait_s=0,
                    utilization=0.5,
                    pipeline_p90_wait_s=0.0 if pool.runners >= need_at(rate) else 120.0,
                )
                for pool in inp.pools
            ],
        )


def _analysis(simulator: object = None, **inputs: float) -> Analysis:
    workflow = seed_workflow()
    scenario = apply_preset(workflow, Scenario(**inputs), "parallel")  # type: ignore[arg-type]
    return analyze(workflow, seed_pools(), scenario, simulator=simulator or WaitsUnderLoad())  # type: ignore[arg-type]


def test_each_months_need_is_the_fewest_that_meet_the_target_as_pipelines_grow() -> None:
    result = _analysis(pipelines_per_hour=2, growth_pct_per_month=10).growth
    assert result is not None and result.missing is None
    assert [month.month for month in result.months] == list(range(13))
    for month in result.months:
        assert month.pipelines_per_hour == pytest.approx(2 * 1.1**month.month)
        assert set(month.runners.values()) == {need_at(month.pipelines_per_hour)}
        assert month.simulated
    plan = next(row for row in result.breaking if row.name == "The plan's runners")
    # The plan sizes month 0: 20 runners a pool; 2 x 1.1^1 = 2.2 pipelines an hour need 22.
    assert set(plan.runners.values()) == {20}
    assert plan.breaks_in_month == 1
    today = next(row for row in result.breaking if row.name == "Today's runners")
    assert today.breaks_in_month == 0  # the seed's 4 small and 3 medium are short already
    assert "today's runners are short already; the plan's runners stop meeting it in month 1" in (
        result.summary
    )


def test_runners_that_cover_the_whole_year_never_break() -> None:
    # Typed counts are kept (topped up to the need): 60 runners hold until 2 x 1.1^m > 6.
    result = _analysis(
        pipelines_per_hour=2, growth_pct_per_month=10, runners={"small": 60, "medium": 60}
    ).growth
    assert result is not None
    plan = next(row for row in result.breaking if row.name == "The plan's runners")
    assert plan.breaks_in_month == next(
        month.month for month in result.months if need_at(month.pipelines_per_hour) > 60
    )
    held = _analysis(
        pipelines_per_hour=2, growth_pct_per_month=1, runners={"small": 60, "medium": 60}
    ).growth
    assert held is not None
    assert next(r for r in held.breaking if r.name == "The plan's runners").breaks_in_month is None
    assert "still meet the target after 12 months" in held.summary


def test_months_past_the_growth_budget_keep_their_estimate_and_say_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(growth_module, "GROWTH_WORK_BUDGET", 1)
    result = _analysis(pipelines_per_hour=2, growth_pct_per_month=10).growth
    assert result is not None
    assert result.months[0].simulated  # the plan's own sizing
    assert not any(month.simulated for month in result.months[1:])
    needs = [sum(month.runners.values()) for month in result.months]
    assert needs == sorted(needs)  # a need never falls as the load grows


@pytest.mark.parametrize(
    ("inputs", "missing"),
    [
        ({"pipelines_per_hour": 2}, "Give a monthly growth of pipelines"),
        ({"growth_pct_per_month": 10}, "Growth needs pipelines per hour"),
        ({"pipelines_at_once": 3, "growth_pct_per_month": 10}, "Growth needs pipelines per hour"),
    ],
)
def test_without_a_rate_or_a_growth_there_is_no_projection_said_plainly(
    inputs: dict[str, float], missing: str
) -> None:
    result = _analysis(**inputs).growth
    assert result is not None and result.months == [] and result.missing is not None
    assert result.missing.startswith(missing)


@given(
    utilization=st.floats(0, 0.9),
    runners=st.integers(1, 40),
    job_s=st.floats(10, 3600),
    target=st.sampled_from([0.0, 30.0, 60.0, 600.0]),
)
def test_the_erlang_estimate_is_the_fewest_runners_within_the_target(
    utilization: float, runners: int, job_s: float, target: float
) -> None:
    """With only other work on a pool, the estimate is Erlang C's answer exactly: the fewest
    runners whose p90 wait is within the target."""
    pool = Pool(name="p", labels=["p"], runners=runners, baseline_utilization=utilization)
    setup = SimulationSetup(
        pools=(pool,),
        background_s={"p": job_s},
        scenario=Scenario(target_queue_wait_s=target),
        seed=1,
        simulator=WaitsUnderLoad(),
    )
    empty = GraphCase(
        needs={}, seconds={}, placements={}, unconstrained_wall_clock_s=0, peak_runners={}
    )
    estimate = erlang_estimate(setup, empty, "p")
    arrivals = utilization * runners / job_s
    if arrivals == 0:
        assert estimate == 1
        return
    assert erlang_c_wait_percentile(estimate, arrivals, 1 / job_s, 0.9) <= target
    if estimate > 1 and estimate - 1 > utilization * runners:
        assert erlang_c_wait_percentile(estimate - 1, arrivals, 1 / job_s, 0.9) > target


class RecordsRunners(WaitsUnderLoad):
    """WaitsUnderLoad that notes the runner counts of each simulation, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: list[int] = []

    def __call__(self, inp: SimulationInput) -> SimulationResult:
        self.counts.append(inp.pools[0].runners)
        return super().__call__(inp)


def test_the_runner_search_starts_where_erlang_c_puts_the_need() -> None:
    """Issue 12, "size from a wait target": the plan's search starts from Erlang C's count
    (here far above the stability bound) and the simulation confirms or moves it."""
    pool = Pool(name="p", labels=["p"], runners=40, baseline_utilization=0.5)
    simulator = RecordsRunners()
    setup = SimulationSetup(
        pools=(pool,),
        background_s={"p": 600.0},
        scenario=Scenario(pipelines_per_hour=3, target_queue_wait_s=5),
        seed=1,
        simulator=simulator,
    )
    case = GraphCase(
        needs={0: []},
        seconds={0: 300.0},
        placements={0: Placement(group="p", pools=["p"])},
        unconstrained_wall_clock_s=300,
        peak_runners={"p": 1},
    )
    start = erlang_estimate(setup, case, "p")
    assert start > lower_bound(setup, case, "p") + 2  # a 5 s p90 target needs headroom
    (sized,), rounds = size_pools(setup, case, ["p"])
    assert simulator.counts[0] == start
    # The known queue meets the target from 30 runners (3 pipelines an hour x 10).
    assert sized.needed == max(need_at(3), sized.lower_bound)
    assert rounds == len(simulator.counts)
