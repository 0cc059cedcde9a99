"""The work budget (engine/limits.py): every simulation estimates its work before it starts,
and what would pass the budget is refused in plain words instead of stalling a worker."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from decider.charts import marginal_charts
from decider.engine.analysis import analyze
from decider.engine.inputs import Job, Pool, Sample, Scenario, Workflow
from decider.engine.limits import VERDICT_WORK_BUDGET
from decider.engine.plan import FEWEST_SIMULATED_PIPELINES
from decider.engine.pool_simulation import BudgetedSimulator
from decider.engine.simulation import (
    SimJob,
    SimPool,
    SimulationInput,
    SimulationResult,
    WorkBudgetExceeded,
    estimated_work,
    simulate,
)
from tests.engine.fakes import AlwaysWaiting
from tests.engine.seed import seed_pools, seed_workflow

ROOT = Path(__file__).resolve().parent.parent.parent


def _one_pool(runners: int, utilization: float, per_hour: float, pipelines: int) -> SimulationInput:
    return SimulationInput(
        pools=[
            SimPool(
                name="p",
                runners=runners,
                baseline_utilization=utilization,
                mean_background_job_s=300,
            )
        ],
        jobs=[
            SimJob(index=0, duration_s=600, pool="p"),
            SimJob(index=1, duration_s=300, needs=[0]),
        ],
        pipelines_per_hour=per_hour,
        pipelines=pipelines,
        seed=1,
    )


def test_the_estimate_is_close_to_what_a_run_follows() -> None:
    inp = _one_pool(runners=4, utilization=0.5, per_hour=6, pipelines=400)
    work = estimated_work(inp)
    result = simulate(inp)
    followed = result.pools[0].jobs_counted + 400  # every wait counted, plus the hosted jobs
    assert work.pipeline_jobs == 800
    assert 0.8 * followed <= work.pipeline_jobs + work.background_jobs <= 1.5 * followed
    assert work.total == 2 * work.pipeline_jobs + work.background_jobs


def test_a_simulation_past_the_budget_is_refused_before_it_starts() -> None:
    inp = _one_pool(runners=1000, utilization=0.99, per_hour=0.01, pipelines=100_000)
    started = time.perf_counter()
    with pytest.raises(WorkBudgetExceeded, match="one simulation may take; mostly other work"):
        simulate(inp)
    assert time.perf_counter() - started < 0.5


def test_a_rare_pipeline_on_busy_pools_gets_no_verdict_and_says_what_to_change() -> None:
    simulator = AlwaysWaiting(0)
    started = time.perf_counter()
    analysis = analyze(
        seed_workflow(), seed_pools(), Scenario(pipelines_per_hour=0.0005), simulator=simulator
    )
    assert time.perf_counter() - started < 1
    assert simulator.runs == 0
    assert analysis.plan.no_verdict is not None
    assert analysis.plan.no_verdict.startswith(
        "No verdict and no money figures: this what-if is too big to simulate here"
    )
    assert "Raise pipelines per hour" in analysis.plan.no_verdict
    assert analysis.decision is not None and analysis.decision.verdict == "undecided"


def test_a_verdict_stops_at_its_total_budget() -> None:
    simulator = BudgetedSimulator(AlwaysWaiting(10_000), budget=3 * 10_000)
    inp = _one_pool(runners=4, utilization=0.5, per_hour=6, pipelines=400)
    work = estimated_work(inp).total
    simulator.budget = 2 * work + 1
    simulator(inp)
    simulator(inp)
    with pytest.raises(
        WorkBudgetExceeded, match="its simulations would take the work of more than"
    ):
        simulator(inp)


def test_a_runner_search_that_runs_out_of_budget_stops_and_says_so() -> None:
    # Each simulation fits the budget, but a queue that never meets the target would make the
    # search go round after round: it stops while the plan's last runs still fit.
    simulator = AlwaysWaiting(10_000)
    analysis = analyze(
        seed_workflow(),
        seed_pools(),
        # The fewest pipelines a verdict simulates, rarely: each run is long, none is shortened.
        Scenario(pipelines_per_hour=0.0025, simulated_pipelines=40),
        simulator=simulator,
    )
    plan = analysis.plan
    assert plan.no_verdict is None
    # Six for the search and the plan; the runner charts take what the budget has left.
    charted = sum(1 for pool in plan.pools for step in pool.marginal if step.p90_wait_s is not None)
    assert 6 + charted == plan.simulations_run
    assert analysis.options is not None  # the options' runs have a budget of their own
    assert simulator.runs == plan.simulations_run + analysis.options.simulations_run
    # The charts' runs stopped at the budget too: no series reaches two above its
    # recommendation, and one cut short of the recommended count is not drawn.
    assert all(
        pool.marginal[-1].runners < pool.recommended_runners + 2
        for pool in plan.pools
        if pool.marginal
    )
    short = [
        p.name for p in plan.pools if p.marginal and p.marginal[-1].runners < p.recommended_runners
    ]
    assert short and not {name for name, _ in marginal_charts(plan)} & set(short)
    stopped = {
        pool.name
        for pool in plan.pools
        if pool.sizing_today and pool.sizing_today.stopped_by_budget
    }
    assert stopped == {"small", "medium"}
    assert analysis.decision is not None and analysis.decision.verdict == "undecided"
    assert analysis.decision.reason.startswith(
        "The runner search for small, medium stopped at the work budget one request may use"
    )


class CountingPipelines(AlwaysWaiting):
    """Records how many pipelines each simulation was asked to run."""

    def __init__(self, wait_s: float) -> None:
        super().__init__(wait_s)
        self.pipelines: set[int] = set()

    def __call__(self, inp: SimulationInput) -> SimulationResult:
        self.pipelines.add(inp.pipelines)
        return super().__call__(inp)


def _wide_workflow(jobs: int) -> Workflow:
    """`jobs` measured jobs in one pool, each needing up to three of the ten before it."""
    return Workflow(
        jobs=[
            Job(
                id=n,
                key=f"job-{n}",
                runs_on=["linux"],
                needs=[need for need in range(max(0, n - 10), n) if need % 4 == n % 4][:3],
                samples=[Sample(duration_s=60 + (n * 37) % 500)],
            )
            for n in range(jobs)
        ]
    )


def test_a_500_job_workflow_gets_a_verdict_from_fewer_simulated_pipelines() -> None:
    # At the asked 400 pipelines one run of it is about 400,000 simulated jobs: a verdict's
    # two dozen runs would pass its budget, and it used to be refused. Now each run is
    # shortened to its share of the budget, and the verdict says so.
    pools = [Pool(name="linux", labels=["linux"], runners=40, baseline_utilization=0.3)]
    simulator = CountingPipelines(0)
    analysis = analyze(
        _wide_workflow(500), pools, Scenario(pipelines_per_hour=2), simulator=simulator
    )
    plan, decision = analysis.plan, analysis.decision
    assert plan.no_verdict is None and decision is not None
    assert decision.verdict != "undecided"
    assert plan.simulated_pipelines is not None
    assert FEWEST_SIMULATED_PIPELINES <= plan.simulated_pipelines < 400
    assert simulator.pipelines == {plan.simulated_pipelines}
    assert decision.simulation is not None
    assert decision.simulation.pipelines == plan.simulated_pipelines
    assert (
        f"its queues were simulated with {plan.simulated_pipelines} pipelines instead of 400"
        in " ".join(decision.warnings)
    )


def test_a_workflow_that_fits_is_simulated_at_the_asked_length() -> None:
    simulator = CountingPipelines(0)
    analysis = analyze(seed_workflow(), seed_pools(), Scenario(), simulator=simulator)
    assert simulator.pipelines == {400} and analysis.plan.simulated_pipelines == 400
    assert analysis.decision is not None
    assert not any("pipelines instead of" in warning for warning in analysis.decision.warnings)


# The worst inputs, and the largest ones the limits allow, each in a fresh process:
# none may take a worker past 500 MB, and each answers within seconds.
WORST = {
    "issue: 10^8 runners": {"runners": {"medium": 10**8}},
    "issue: 10^9 runners": {"runners": {"medium": 10**9}},
    "issue: 10^6 pipelines at once": {"pipelines_at_once": 10**6},
    "issue: 10^9 pipelines per hour": {"pipelines_per_hour": 10**9},
    "limit: 1000 runners, 99% busy, rare pipelines": {
        "runners": {"small": 1000, "medium": 1000, "cpu-optimized": 1000},
        "utilization": {"small": 0.99, "medium": 0.99, "cpu-optimized": 0.99},
        "pipelines_per_hour": 0.01,
    },
    "limit: 50 pipelines at once on one runner each": {
        "runners": {"small": 1, "medium": 1, "cpu-optimized": 1},
        "utilization": {"small": 0.9, "medium": 0.9, "cpu-optimized": 0.9},
        "pipelines_at_once": 50,
        "target_queue_wait_s": 0,
    },
    "limit: about the whole budget (13 simulations of 360,000 jobs)": {
        "pipelines_per_hour": 0.04,
    },
    "limit: 1000 pipelines per hour, strict target": {
        "pipelines_per_hour": 1000,
        "target_queue_wait_s": 0,
    },
}

PROBE = """
import json, resource, sys, time
from pydantic import ValidationError
from decider.engine.analysis import analyze
from decider.engine.inputs import Scenario
from tests.engine.seed import seed_pools, seed_workflow
workflow, pools = seed_workflow(), seed_pools()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.process_time()
try:
    scenario = Scenario.model_validate(json.loads(sys.argv[1]))
    outcome = analyze(workflow, pools, scenario).plan.no_verdict or "verdict"
except ValidationError:
    outcome = "refused"
grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
cpu_s = time.process_time() - started
print(json.dumps({"outcome": outcome, "grown_mb": grown_mb, "cpu_s": cpu_s}))
"""


@pytest.mark.parametrize("name", list(WORST))
def test_no_input_takes_a_worker_past_500_mb(name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(WORST[name])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    measured = json.loads(done.stdout)
    assert measured["grown_mb"] < 500, measured
    # A verdict may use up to VERDICT_WORK_BUDGET simulated jobs: about 5 s of CPU here.
    assert measured["cpu_s"] < VERDICT_WORK_BUDGET / 250_000, measured
    if name.startswith("issue"):
        assert measured["outcome"] == "refused"
