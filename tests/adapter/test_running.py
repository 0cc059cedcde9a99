"""The verdict's simulations are remembered one by one: an edit re-runs only those it changes."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from decider.adapter import running
from decider.engine import simulation
from decider.engine.analysis import analyze
from decider.engine.inputs import Scenario
from tests.engine.seed import seed_pools, seed_workflow

# With every money input, so which assumption matters is simulated from the first analysis.
LOADED = {"pipelines_per_hour": 4.0, "pipelines_per_month": 800.0, "loaded_usd_per_hour": 90.0}


@pytest.fixture
def simulations(monkeypatch: pytest.MonkeyPatch) -> list[simulation.SimulationInput]:
    """The simulations really run (not answered from the cache)."""
    ran: list[simulation.SimulationInput] = []

    def counted(inp: simulation.SimulationInput) -> simulation.SimulationResult:
        ran.append(inp)
        return simulation.simulate(inp)

    monkeypatch.setattr(running, "simulate", counted)
    cache.clear()
    return ran


def test_remembered_simulations_give_the_figures_of_fresh_ones(simulations) -> None:
    workflow, pools, scenario = seed_workflow(), seed_pools(), Scenario(**LOADED)
    fresh = analyze(workflow, pools, scenario)

    first = running.run_analysis(workflow, pools, scenario, with_verdict=True)
    ran = len(simulations)
    # Past the cache of whole analyses: every simulation answered from the cache.
    again = analyze(workflow, pools, scenario, simulator=running.remembered_simulation)

    assert first == fresh and again == fresh
    assert ran > 0 and len(simulations) == ran


def test_a_money_edit_runs_no_simulation_again(simulations) -> None:
    workflow, pools = seed_workflow(), seed_pools()
    running.run_analysis(workflow, pools, Scenario(**LOADED), with_verdict=True)
    ran_first = len(simulations)

    edited = Scenario(**(LOADED | {"pipelines_per_month": 1200.0, "loaded_usd_per_hour": 150.0}))
    analysis = running.run_analysis(workflow, pools, edited, with_verdict=True)

    assert ran_first > 0 and len(simulations) == ran_first
    assert analysis == analyze(workflow, pools, edited)  # its money figures are its own


def test_a_runner_edit_runs_only_the_simulations_it_changes(simulations) -> None:
    workflow, pools = seed_workflow(), seed_pools()
    running.run_analysis(workflow, pools, Scenario(**LOADED), with_verdict=True)
    ran_first = len(simulations)

    edited = Scenario(**LOADED, runners={"medium": 6})
    analysis = running.run_analysis(workflow, pools, edited, with_verdict=True)

    assert len(simulations) - ran_first < ran_first
    assert analysis == analyze(workflow, pools, edited)
