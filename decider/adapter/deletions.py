"""Deleting workflows, repositories and pools without losing a saved scenario's figures.

A version saved with a snapshot needs nothing else: its figures come from the snapshot. A
version saved before snapshots were kept computes from today's workflow and pools, so
deleting them would change or lose its figures. Inside the deleting transaction, just before
the delete, each such version is given a snapshot of the data it computes from now, with its
inputs mapped onto today's jobs as `analyse_saved` maps them: it then shows exactly the
figures it showed a moment before, for good. Scenarios of a deleted workflow stay, with the
workflow's names and the date it was deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from pydantic import ValidationError

from decider.adapter.saved import stored_scenario
from decider.adapter.snapshots import take_snapshot
from decider.adapter.whatif import WhatIf
from decider.engine.formatting import count
from decider.models import Repository, RunnerPool, Scenario, ScenarioVersion, Workflow


@dataclass(frozen=True)
class Kept:
    """What a deletion keeps: the saved scenarios it touches, and how many of their versions
    are given a snapshot of today's data (saved before snapshots were kept)."""

    scenarios: int
    versions: int
    given_snapshots: int


def kept_by_deleting(scenarios: QuerySet[Scenario]) -> Kept:
    """What deleting the data `scenarios` compute from would keep (for the confirmation)."""
    versions = ScenarioVersion.objects.filter(scenario__in=scenarios)
    return Kept(
        scenarios=scenarios.count(),
        versions=versions.count(),
        given_snapshots=versions.filter(snapshot__isnull=True).count(),
    )


def kept_sentence(kept: int) -> str:
    """' 2 saved scenarios of it stay, with the same figures.' ('' when none)."""
    if not kept:
        return ""
    stay = "stays" if kept == 1 else "stay"
    return f" {count(kept, 'saved scenario')} of it {stay}, with the same figures."


class _Today:
    """Each workflow's data and its snapshot, read and taken once per deletion."""

    def __init__(self) -> None:
        self._data: dict[int, tuple[WhatIf, dict[str, Any]]] = {}

    def frozen(
        self, workflow: Workflow, inputs: dict[str, Any], job_keys: list[str]
    ) -> dict[str, Any]:
        """The fields that make a version without a snapshot compute from today's data of
        `workflow` for good."""
        if workflow.pk not in self._data:
            today = WhatIf.of(workflow)
            self._data[workflow.pk] = (today, take_snapshot(today))
        today, snapshot = self._data[workflow.pk]
        try:
            stored = stored_scenario(inputs, job_keys, today.graph, today.pools)
        except ValidationError:
            # It does not fit today's data either: kept as it is, with the data it fails on.
            return {"snapshot": snapshot}
        return {
            "snapshot": snapshot,
            "inputs": stored.scenario.model_dump(mode="json"),
            "job_keys": today.job_keys(),
        }


def give_snapshots(scenarios: QuerySet[Scenario]) -> int:
    """Every version of `scenarios` saved before snapshots gets one of today's data; how many.
    Call inside the transaction that deletes, before deleting. (Versions are otherwise never
    changed once written: this changes where their figures are read from, not the figures.)"""
    today = _Today()
    with_workflow = scenarios.filter(workflow__isnull=False)
    legacy = ScenarioVersion.objects.filter(
        scenario__in=with_workflow, snapshot__isnull=True
    ).select_related("scenario__workflow__repository__team")
    for version in legacy:
        assert version.scenario.workflow is not None
        fields = today.frozen(version.scenario.workflow, version.inputs, version.job_keys)
        ScenarioVersion.objects.filter(pk=version.pk).update(**fields)
    # A row holds its latest version's content: the same, with updated_at left as it is.
    for row in with_workflow.filter(snapshot__isnull=True).select_related(
        "workflow__repository__team"
    ):
        assert row.workflow is not None
        fields = today.frozen(row.workflow, row.inputs, row.job_keys)
        Scenario.objects.filter(pk=row.pk, version=row.version, snapshot__isnull=True).update(
            **fields
        )
    return len(legacy)


def _detach(workflows: QuerySet[Workflow]) -> int:
    """Keep the figures and the names of every scenario of `workflows`; how many there are."""
    scenarios = Scenario.objects.filter(workflow__in=workflows)
    give_snapshots(scenarios)
    now = timezone.now()
    count = 0
    for workflow in workflows.select_related("repository"):
        count += Scenario.objects.filter(workflow=workflow).update(
            workflow_deleted_at=now, **Scenario.names_of(workflow)
        )
    return count


def delete_workflow(workflow: Workflow) -> int:
    """Delete the workflow with its jobs and runs; its saved scenarios stay, with the same
    figures. Returns how many saved scenarios stayed."""
    with transaction.atomic():
        kept = _detach(Workflow.objects.filter(pk=workflow.pk))
        Workflow.objects.filter(pk=workflow.pk).delete()
    return kept


def delete_repository(repository: Repository) -> int:
    """Delete the repository and its workflows; every saved scenario of them stays."""
    with transaction.atomic():
        kept = _detach(Workflow.objects.filter(repository=repository))
        Repository.objects.filter(pk=repository.pk).delete()
    return kept


def delete_pool(pool: RunnerPool) -> int:
    """Delete the pool; versions of the team's scenarios that compute from today's pools get a
    snapshot first. Returns how many versions were given one."""
    with transaction.atomic():
        given = give_snapshots(Scenario.objects.filter(team_id=pool.team_id))
        RunnerPool.objects.filter(pk=pool.pk).delete()
    return given
