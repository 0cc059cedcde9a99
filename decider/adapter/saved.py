"""A saved scenario against today's workflow: the one way the page, the comparison, the PDF
and `export_pdf` analyse it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from decider.adapter.results import ScenarioResults
from decider.adapter.whatif import WhatIf, validation_problems
from decider.engine import inputs as engine_inputs
from decider.models import Scenario


class ScenarioNoLongerFits(Exception):
    """A saved scenario's inputs no longer validate against today's workflow and pools."""

    def __init__(self, row: Scenario, problems: str) -> None:
        self.row = row
        self.problems = problems
        super().__init__(
            f"“{row.name}” no longer fits its workflow: {problems}. Open it, check its inputs "
            "and save it again."
        )


@dataclass
class SavedAnalysis:
    row: Scenario
    whatif: WhatIf
    scenario: engine_inputs.Scenario  # the saved inputs mapped onto today's job ids
    results: ScenarioResults
    warnings: list[str]  # edits dropped because their jobs are gone


def analyse_saved(row: Scenario, *, whatif: WhatIf | None = None) -> SavedAnalysis:
    """Raises ScenarioNoLongerFits when the saved inputs no longer validate."""
    whatif = whatif or WhatIf.of(row.workflow)
    try:
        stored = stored_scenario(row.inputs, row.job_keys, whatif.graph, whatif.pools)
    except ValidationError as error:
        raise ScenarioNoLongerFits(row, validation_problems(error)) from error
    return SavedAnalysis(
        row=row,
        whatif=whatif,
        scenario=stored.scenario,
        results=whatif.results(stored.scenario, verdict=True),
        warnings=stored.warnings,
    )


@dataclass
class StoredScenario:
    scenario: engine_inputs.Scenario
    warnings: list[str]


def stored_scenario(
    inputs: dict[str, Any],
    job_keys: list[str],
    workflow: engine_inputs.Workflow,
    pools: list[engine_inputs.Pool],
) -> StoredScenario:
    """A saved scenario's inputs against today's workflow: job ids are mapped through the keys
    saved with it, and edits naming jobs that are gone are dropped with a warning."""
    now = {job.key: job.id for job in workflow.jobs}
    remap = {old: now[key] for old, key in enumerate(job_keys) if key in now}
    gone = sorted({key for old, key in enumerate(job_keys) if key not in now})
    data = dict(inputs)

    def ids_kept(*ids: int) -> bool:
        return all(job_id in remap for job_id in ids) or not job_keys

    def mapped(job_id: int) -> int:
        return remap.get(job_id, job_id) if job_keys else job_id

    for name in ("remove_needs", "add_needs"):
        data[name] = [
            {"job": mapped(e["job"]), "need": mapped(e["need"])}
            for e in inputs.get(name, [])
            if ids_kept(e["job"], e["need"])
        ]
    for name in ("overrides", "estimates"):
        data[name] = [
            {**item, "job": mapped(item["job"])}
            for item in inputs.get(name, [])
            if ids_kept(item["job"])
        ]
    data["milestone"] = [mapped(j) for j in inputs.get("milestone", []) if ids_kept(j)]
    data["cache_pairs"] = [
        {"test": mapped(p["test"]), "prod": mapped(p["prod"])}
        for p in inputs.get("cache_pairs", [])
        if ids_kept(p["test"], p["prod"])
    ]
    known_pools = {pool.name for pool in pools}
    for name in ("runners", "utilization", "usd_per_runner"):
        data[name] = {pool: v for pool, v in inputs.get(name, {}).items() if pool in known_pools}
    warnings = [
        f"Job '{key}' is no longer in the workflow: the scenario's edits to it were dropped."
        for key in gone
    ]
    scenario = engine_inputs.Scenario.model_validate(
        data, context={"workflow": workflow, "pools": pools}
    )
    return StoredScenario(scenario=scenario, warnings=warnings)
