"""A workflow's what-if as of today: its graph with the measured runs, its team's pools, and
the scenarios the page starts from (blank, or one of the presets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from pydantic import ValidationError

from decider.adapter.inputs import engine_pools, graph_of, stored_runs
from decider.adapter.measured import MeasuredDefaults, measured_defaults
from decider.adapter.prices import team_price_book
from decider.adapter.results import ScenarioResults, build_results
from decider.adapter.running import run_analysis
from decider.engine import inputs as engine_inputs
from decider.engine.github_prices import github_price_book
from decider.engine.presets import APPLY, PRESETS, PresetInfo, apply_preset
from decider.engine.prices import PriceBook
from decider.models import Workflow


def preset_list() -> list[PresetInfo]:
    """The presets a page offers, in the order the founding analysis lists them."""
    return list(PRESETS.values())


def validation_problems(error: ValidationError) -> str:
    """The engine's validation messages in plain words (no pydantic codes or links)."""
    return "; ".join(detail["msg"].removeprefix("Value error, ") for detail in error.errors())


@dataclass(frozen=True)
class WhatIf:
    graph: engine_inputs.Workflow
    pools: list[engine_inputs.Pool]
    runs_key: str = ""  # identifies the measured runs when read from the database
    workflow: Workflow | None = None  # None: rebuilt from a snapshot, so nothing is measured
    # The team's price book (GitHub's rows with the team's over them), for the options.
    prices: PriceBook = field(default_factory=github_price_book)

    @classmethod
    def of(cls, workflow: Workflow) -> WhatIf:
        stored = stored_runs(workflow)
        rows = list(workflow.jobs.prefetch_related("needs").order_by("order"))
        return cls(
            graph=graph_of(workflow, rows, stored.samples),
            pools=engine_pools(workflow.repository.team),
            runs_key=stored.key,
            workflow=workflow,
            prices=team_price_book(workflow.repository.team),
        )

    @cached_property
    def measured(self) -> MeasuredDefaults:
        """The load the data measures (read once per what-if, only when asked for)."""
        if self.workflow is None:
            return MeasuredDefaults()
        return measured_defaults(self.workflow.repository.team, self.workflow.pk)

    def job_keys(self) -> list[str]:
        """Saved with a scenario, so a re-import that reorders jobs can be mapped back."""
        return [job.key for job in self.graph.jobs]

    def starting_point(self, preset: str = "") -> tuple[engine_inputs.Scenario, str]:
        """A new scenario and its suggested name: the current graph, or a preset applied, on
        the measured load where there is one (each value still the user's to change)."""
        measured = self.measured
        pool_names = {pool.name for pool in self.pools}
        base = engine_inputs.Scenario(
            utilization={p: u for p, u in measured.utilization.items() if p in pool_names},
            background_job_s={
                p: s for p, s in measured.background_job_s.items() if p in pool_names
            },
            pipelines_per_hour=measured.pipelines_per_hour,
            measured=[m for m in measured.inputs() if m.pool is None or m.pool in pool_names],
        )
        if preset in APPLY:
            return apply_preset(self.graph, base, preset), PRESETS[preset].title
        return base, "New scenario"

    def results(self, scenario: engine_inputs.Scenario, *, verdict: bool) -> ScenarioResults:
        """The page's figures; the verdict (a simulation) only when asked for."""
        return build_results(
            run_analysis(
                self.graph,
                self.pools,
                scenario,
                with_verdict=verdict,
                runs_key=self.runs_key,
                prices=self.prices,
            )
        )
