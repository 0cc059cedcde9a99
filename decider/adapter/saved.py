"""A saved scenario against today's workflow: the one way the page, the comparison, the PDF,
`export_pdf` and `analyze --scenario` analyse it.

A scenario whose workflow was deleted has no "today": it is shown from its snapshot alone,
says so first (`Scenario.deleted_workflow_notice`), and cannot be edited or recalculated."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from pydantic import ValidationError

from decider.adapter.prices import team_price_book
from decider.adapter.results import KeyFigures, ScenarioResults, key_figures
from decider.adapter.snapshots import data_changes, whatif_from_snapshot
from decider.adapter.whatif import WhatIf, validation_problems
from decider.engine import inputs as engine_inputs
from decider.models import Scenario, ScenarioVersion


class ScenarioNoLongerFits(Exception):
    """A saved scenario's inputs no longer validate against today's workflow and pools."""

    def __init__(self, row: Scenario, problems: str) -> None:
        self.row = row
        self.problems = problems
        super().__init__(
            f"“{row.name}” no longer fits its workflow: {problems}. Open it, check its inputs "
            "and save it again."
        )


NO_SNAPSHOT_LEFT = (
    "its workflow was deleted, and this version was saved before decider kept the data its "
    "figures come from"
)
LEGACY_NOTICE = (
    "This version was saved before decider kept snapshots: its figures use today's data. "
    "Save it again to keep them."
)


@dataclass
class SavedAnalysis:
    row: Scenario  # the scenario (its fields are the latest version)
    version: Scenario | ScenarioVersion  # the version analysed: the row itself when latest
    computed_from: WhatIf  # the version's snapshot (today's data for versions before them)
    scenario: engine_inputs.Scenario  # the version's inputs, on computed_from's job ids
    results: ScenarioResults
    today: WhatIf | None  # None: the workflow was deleted
    # The inputs mapped onto today's jobs, for the what-if form; None when they no longer fit
    # (or the workflow is gone).
    editable: engine_inputs.Scenario | None
    changes: list[str]  # how today's data differs from the version's, in words

    @property
    def workflow_deleted(self) -> bool:
        return self.today is None

    @property
    def notices(self) -> list[str]:
        """What a reader must know first about where the figures come from."""
        return [self.row.deleted_workflow_notice] if self.workflow_deleted else []

    @property
    def number(self) -> int:
        return (
            self.version.number if isinstance(self.version, ScenarioVersion) else self.row.version
        )

    @property
    def is_latest(self) -> bool:
        return self.number == self.row.version

    @property
    def from_snapshot(self) -> bool:
        return self.version.snapshot is not None

    @property
    def can_refresh(self) -> bool:
        """Today's data can be applied: the inputs still fit today's jobs and pools."""
        return self.editable is not None

    @property
    def name(self) -> str:
        return self.version.name

    @property
    def note(self) -> str:
        return self.version.note

    @property
    def saved_at(self) -> datetime:
        if isinstance(self.version, ScenarioVersion):
            return self.version.saved_at
        return self.row.updated_at

    @property
    def saved_by(self) -> User | None:
        if isinstance(self.version, ScenarioVersion):
            return self.version.saved_by
        return self.row.updated_by

    @property
    def inputs_json(self) -> str:
        return json.dumps(self.version.inputs, indent=2, sort_keys=True)


def _job_keys(graph: engine_inputs.Workflow) -> list[str]:
    return [job.key for job in sorted(graph.jobs, key=lambda job: job.id)]


def todays_data(row: Scenario) -> WhatIf | None:
    """The scenario's workflow's data as it is now; None when the workflow was deleted."""
    return WhatIf.of(row.workflow) if row.workflow is not None else None


def analyse_saved(
    row: Scenario,
    version: ScenarioVersion | None = None,
    *,
    today: WhatIf | None = None,
    against_today: bool = True,
) -> SavedAnalysis:
    """A saved version (the latest unless given) as its figures were when it was saved.
    `today`: the workflow's data as it is now, when the caller already read it.
    `against_today=False`: a version with a snapshot is analysed from it alone, without
    reading today's data (every stored run) to say what changed since; it is then not
    editable and lists no changes. The figures are the same.

    Raises ScenarioNoLongerFits when its inputs do not validate against its own data.
    """
    content: Scenario | ScenarioVersion = version or row
    if today is None and (against_today or content.snapshot is None):
        today = todays_data(row)
    if today is None and content.snapshot is None:
        raise ScenarioNoLongerFits(row, NO_SNAPSHOT_LEFT)
    if content.snapshot is None:
        assert today is not None
        try:
            stored = stored_scenario(content.inputs, content.job_keys, today.graph, today.pools)
        except ValidationError as error:
            raise ScenarioNoLongerFits(row, validation_problems(error)) from error
        return SavedAnalysis(
            row=row,
            version=content,
            computed_from=today,
            scenario=stored.scenario,
            results=today.results(stored.scenario, verdict=True),
            today=today,
            editable=stored.scenario,
            changes=[LEGACY_NOTICE, *stored.warnings],
        )
    # A snapshot keeps the graph, runs and pools; prices are the team's book as it is now
    # (each rate is dated, and the scenario's price date chooses among them), read with
    # today's data when there is some.
    prices = today.prices if today is not None else team_price_book(row.team)
    then = replace(whatif_from_snapshot(content.snapshot), prices=prices)
    try:
        scenario = engine_inputs.Scenario.model_validate(
            content.inputs, context={"workflow": then.graph, "pools": then.pools}
        )
    except ValidationError as error:
        raise ScenarioNoLongerFits(row, validation_problems(error)) from error
    return SavedAnalysis(
        row=row,
        version=content,
        computed_from=then,
        scenario=scenario,
        results=then.results(scenario, verdict=True),
        today=today,
        editable=_editable(content, then, today),
        changes=data_changes(then, today) if today is not None else [],
    )


def _editable(
    content: Scenario | ScenarioVersion, then: WhatIf, today: WhatIf | None
) -> engine_inputs.Scenario | None:
    """The version's inputs on today's jobs and pools; None when they no longer fit them or
    there is no today (the workflow was deleted)."""
    if today is None:
        return None
    try:
        return stored_scenario(
            content.inputs, _job_keys(then.graph), today.graph, today.pools
        ).scenario
    except ValidationError:
        return None


def analyse_saved_rows(rows: list[Scenario]) -> list[SavedAnalysis]:
    """`analyse_saved` for each row, reading each workflow's data once (a comparison of four
    scenarios of one workflow reads it once, not four times).

    Raises ScenarioNoLongerFits for the first row that no longer fits."""
    todays: dict[int | None, WhatIf | None] = {}
    analyses = []
    for row in rows:
        if row.workflow_id not in todays:
            todays[row.workflow_id] = todays_data(row)
        analyses.append(analyse_saved(row, today=todays[row.workflow_id]))
    return analyses


@dataclass
class ListedScenario:
    row: Scenario
    figures: KeyFigures | None  # None: past the list's limit, or it no longer fits
    no_longer_fits: bool = False


def listed_scenarios(
    rows: list[Scenario], limit: int, todays: dict[int | None, WhatIf | None] | None = None
) -> list[ListedScenario]:
    """Every row, the first `limit` with their key figures: each needs an analysis (cached,
    but a simulation the first time), so a long list does not analyse them all.
    `todays`: workflows' data already read, by workflow id."""
    listed = []
    # Scenarios of one workflow share its data: read it once.
    workflows: dict[int | None, WhatIf | None] = dict(todays or {})
    for index, row in enumerate(rows):
        if index >= limit:
            listed.append(ListedScenario(row, None))
            continue
        if row.workflow_id not in workflows:
            workflows[row.workflow_id] = todays_data(row)
        today = workflows[row.workflow_id]
        try:
            analysed = analyse_saved(row, today=today)
            listed.append(ListedScenario(row, key_figures(analysed.results)))
        except ScenarioNoLongerFits:
            listed.append(ListedScenario(row, None, no_longer_fits=True))
    return listed


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
