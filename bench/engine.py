"""Benchmark: the engine's schedules and the Monte Carlo, timed in one run.

Machines differ, so every time is also printed as a ratio to a fixed pure-Python workload
measured in the same run. Targets: the seed scenario < 1 ms, a 1000-job graph < 50 ms
(unconstrained and constrained), the demo's verdict (analyze() with every simulation the plan
runs) < 1 s, a 100-job Gantt chart < 10 ms (bench/charts.py).
Run from the repository root: `python bench/engine.py`.
"""

import importlib.util
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Run as a script, the repository root is not on sys.path.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from decider.engine.analysis import analyze  # noqa: E402
from decider.engine.constrained import constrained_schedule  # noqa: E402
from decider.engine.durations import current_durations  # noqa: E402
from decider.engine.inputs import Scenario, current_needs, edited_needs  # noqa: E402
from decider.engine.pool_simulation import background_job_lengths, simulation_input  # noqa: E402
from decider.engine.pools import Placement, placements  # noqa: E402
from decider.engine.presets import apply_preset  # noqa: E402
from decider.engine.schedule import unconstrained_schedule  # noqa: E402
from decider.engine.simulation import simulate  # noqa: E402
from tests.engine.seed import seed_pools, seed_workflow  # noqa: E402

DAG_JOBS = 1000
DAG_SEED = 1000
MONTE_CARLO_PIPELINES = 10_000


def best_of(function: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` runs, in seconds: the least disturbed by the rest of the machine."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def baseline_workload() -> int:
    """A fixed pure-Python workload (a loop, a dict, a sort) that times are scaled by."""
    values = [(index * 7919) % 10007 for index in range(20_000)]
    table = {value: index for index, value in enumerate(values)}
    return sum(sorted(values)[::7]) + len(table)


def random_dag(
    count: int, seed: int
) -> tuple[dict[int, list[int]], dict[int, float], dict[int, Placement]]:
    rng = random.Random(seed)
    needs: dict[int, list[int]] = {}
    for job in range(count):
        window = range(max(0, job - 50), job)
        needs[job] = sorted(rng.sample(window, min(len(window), rng.randint(0, 3))))
    durations = {job: float(rng.randint(10, 600)) for job in needs}
    pools = ["small", "medium", "large"]
    placed = {
        job: Placement(group=pool, pools=[pool])
        for job, pool in ((job, rng.choice(pools)) for job in needs)
    }
    return needs, durations, placed


def options_time(run: Callable[[], object], repeats: int = 3) -> float:
    """The best time of the options search alone, measured around `analysis.options` while
    `run` analyses a scenario (it needs the verdict's plan, so it cannot run on its own)."""
    import decider.engine.analysis as analysis_module

    searched = analysis_module.options
    spent: list[float] = []

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        result = searched(*args, **kwargs)
        spent.append(time.perf_counter() - started)
        return result

    analysis_module.options = timed
    try:
        for _ in range(repeats):
            run()
    finally:
        analysis_module.options = searched
    return min(spent)


def line(label: str, seconds: float, baseline_s: float, target_ms: float | None = None) -> str:
    target = ""
    if target_ms is not None:
        target = f", target < {target_ms:g} ms: {'ok' if seconds * 1000 < target_ms else 'MISSED'}"
    return f"{label}: {seconds * 1000:.3f} ms = {seconds / baseline_s:.3f} x baseline{target}"


def main() -> list[str]:
    baseline_s = best_of(baseline_workload, 20)
    lines = [f"baseline (fixed pure-Python workload): {baseline_s * 1000:.3f} ms"]

    workflow, pools = seed_workflow(), seed_pools(medium=2)
    scenario = apply_preset(workflow, Scenario(milestone=[6, 7, 8, 9]), "parallel")
    seconds = current_durations(workflow, scenario).seconds
    placed = placements(workflow, pools)
    groups = {job: placement.group for job, placement in placed.items()}
    runners = {pool.name: pool.runners for pool in pools}
    before, after = current_needs(workflow), edited_needs(workflow, scenario)

    def seed_schedules() -> None:
        for needs in (before, after):
            unconstrained_schedule(needs, seconds, groups, scenario.milestone)
            constrained_schedule(needs, seconds, placed, runners, scenario.milestone)

    lines.append(
        line(
            "seed scenario (current + proposed, unconstrained + constrained)",
            best_of(seed_schedules, 50) / 2,
            baseline_s,
            target_ms=1,
        )
    )
    lines.append(
        line(
            "seed analyze() without simulation (schedules, safety, evidence, explanations)",
            best_of(lambda: analyze(workflow, pools, scenario, simulator=None), 10),
            baseline_s,
        )
    )

    lines.append(
        line(
            "demo verdict: seed analyze() with the simulations of the plan",
            best_of(lambda: analyze(workflow, pools, scenario), 3),
            baseline_s,
            target_ms=1000,
        )
    )

    weighed = scenario.model_copy(
        update={
            "pipelines_per_month": 900,
            "loaded_usd_per_hour": 100,
            "pipelines_per_hour": 2,
            "growth_pct_per_month": 10,
        }
    )
    lines.append(
        line(
            "demo verdict with money, busy-hour rate and growth (adds which assumption matters "
            "and when growth breaks it)",
            best_of(lambda: analyze(workflow, pools, weighed), 3),
            baseline_s,
            target_ms=5000,
        )
    )

    lines.append(
        line(
            "options search on the demo (every pool's options: runner counts, hosted, overflow, "
            "bigger runners), inside the verdict above",
            options_time(lambda: analyze(workflow, pools, weighed)),
            baseline_s,
            target_ms=1000,
        )
    )

    needs, durations, dag_placed = random_dag(DAG_JOBS, DAG_SEED)
    dag_groups = {job: placement.group for job, placement in dag_placed.items()}
    dag_runners = {"small": 4, "medium": 3, "large": 2}
    lines.append(
        line(
            f"{DAG_JOBS}-job random DAG, unconstrained",
            best_of(lambda: unconstrained_schedule(needs, durations, dag_groups), 5),
            baseline_s,
            target_ms=50,
        )
    )
    lines.append(
        line(
            f"{DAG_JOBS}-job random DAG, constrained (4/3/2 runners)",
            best_of(lambda: constrained_schedule(needs, durations, dag_placed, dag_runners), 5),
            baseline_s,
            target_ms=50,
        )
    )

    background_s, _ = background_job_lengths(workflow, pools, placed, include_failed_runs=False)
    many = scenario.model_copy(
        update={"simulated_pipelines": MONTE_CARLO_PIPELINES, "pipelines_per_hour": 3.0}
    )
    inp = simulation_input(after, seconds, placed, pools, background_s, many, seed=1)
    lines.append(
        line(
            f"Monte Carlo, {MONTE_CARLO_PIPELINES:,} proposed seed pipelines at 3/h",
            best_of(lambda: simulate(inp), 1),
            baseline_s,
        )
    )

    import charts  # bench/ is on sys.path when this runs as a script

    lines += charts.run()

    simpy_bench = ROOT / "bench" / "engine_simulation.py"
    if simpy_bench.exists():
        spec = importlib.util.spec_from_file_location("engine_simulation", simpy_bench)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        lines += module.run()
    else:
        lines.append("simulation vs SimPy: bench/engine_simulation.py is not there yet")
    return lines


if __name__ == "__main__":
    started = time.perf_counter()
    for printed in main():
        print(printed)
    print(f"total bench time: {time.perf_counter() - started:.1f} s")
