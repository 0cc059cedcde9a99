"""One way to run the engine for a page, a PDF or a comparison, with the verdict cached."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from decider.engine import inputs as engine_inputs
from decider.engine.analysis import Analysis, analyze
from decider.engine.prices import PriceBook
from decider.engine.simulation import SimulationInput, SimulationResult, simulate

# The verdict's Monte Carlo takes a few hundred ms; the same inputs give the same answer
# (seeded), so a what-if the user returns to is answered from the cache.
ANALYSIS_CACHE_SECONDS = 3600


def remembered_simulation(simulation: SimulationInput) -> SimulationResult:
    """One of a verdict's simulations, from the cache when the same one ran before.

    A verdict runs tens of simulations (today's pools, the runner search of each graph, the
    runner charts), and most of them do not change from one edit to the next: a money input
    changes none (no simulation reads it), a pool's runner count leaves the other pools'
    searches as they were. Each is seeded, so the same input gives the same result. The
    verdict's work budget still counts every simulation, cached or not, so a verdict is
    refused or given the same way whatever the cache holds."""
    key = f"simulation:{hashlib.sha256(simulation.model_dump_json().encode()).hexdigest()}"
    cached = cache.get(key)
    if cached is not None:
        return SimulationResult.model_validate_json(cached)
    result = simulate(simulation)
    cache.set(key, result.model_dump_json(), ANALYSIS_CACHE_SECONDS)
    return result


def run_analysis(
    workflow: engine_inputs.Workflow,
    pools: list[engine_inputs.Pool],
    scenario: engine_inputs.Scenario,
    *,
    with_verdict: bool,
    seed: int = 0,
    runs_key: str = "",
    prices: PriceBook | None = None,
) -> Analysis:
    """`runs_key`: what identifies the workflow's measured runs (`StoredRuns.key`), so the
    cache key need not hash every run: dumping 100k runs for each cached verdict would cost
    more than the verdict. Without it (a snapshot, files) the runs themselves are hashed."""
    if not with_verdict:
        return analyze(workflow, pools, scenario, seed=seed, simulator=None)
    digest = hashlib.sha256()
    if runs_key:
        digest.update(runs_key.encode())
        digest.update(workflow.model_dump_json(exclude={"jobs": {"__all__": {"samples"}}}).encode())
    else:
        digest.update(workflow.model_dump_json().encode())
    for part in (*pools, scenario, *([prices] if prices is not None else [])):
        digest.update(part.model_dump_json().encode())
    key = f"analysis:{seed}:{digest.hexdigest()}"
    cached = cache.get(key)
    if cached is not None:
        return Analysis.model_validate_json(cached)
    analysis = analyze(
        workflow, pools, scenario, seed=seed, simulator=remembered_simulation, prices=prices
    )
    cache.set(key, analysis.model_dump_json(), ANALYSIS_CACHE_SECONDS)
    return analysis
