"""Write parsed import records to the database, each import in one transaction.

Parsing (the other modules here) never touches the database; this module never parses.
Re-importing the same data adds nothing: workflows are updated in place by path and jobs
by key, job runs are unique on GitHub's job id (or run + job), pools on their name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from decider.importers.matching import match_job_runs
from decider.importers.records import (
    JobRecord,
    JobRunRecord,
    PoolRecord,
    RunImport,
    WorkflowRecord,
    WorkflowRunRecord,
)
from decider.models import Job, JobRun, Repository, RunnerPool, Team, Workflow, WorkflowRun


@dataclass
class WorkflowStoreReport:
    workflow: Workflow
    created: bool
    jobs_added: list[str] = field(default_factory=list)
    jobs_updated: list[str] = field(default_factory=list)
    jobs_removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "imported" if self.created else "updated"
        parts = [f"{self.workflow.name} ({self.workflow.path}) {verb}:"]
        parts.append(f"{len(self.jobs_added)} jobs added")
        if self.jobs_updated:
            parts.append(f"{len(self.jobs_updated)} updated")
        if self.jobs_removed:
            parts.append(f"{len(self.jobs_removed)} removed ({', '.join(self.jobs_removed)})")
        return " ".join(parts[:1]) + " " + ", ".join(parts[1:])


@dataclass
class RunStoreReport:
    workflow: Workflow
    added: int = 0
    already_present: int = 0
    runs_added: int = 0
    unmatched: list[JobRunRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.added} job runs added to {self.workflow.name}, "
            f"{self.already_present} already present, {self.runs_added} workflow runs added"
        )
        if self.unmatched:
            names = sorted({record.job_name for record in self.unmatched})
            text += f"; {len(self.unmatched)} not matched to any job: {', '.join(names)}"
        return text


@dataclass
class PoolStoreReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.added)} pools added, {len(self.updated)} updated"


def store_workflows(
    repository: Repository, records: list[WorkflowRecord]
) -> list[WorkflowStoreReport]:
    with transaction.atomic():
        return [_store_workflow(repository, record) for record in records]


def _store_workflow(repository: Repository, record: WorkflowRecord) -> WorkflowStoreReport:
    workflow, created = Workflow.objects.update_or_create(
        repository=repository,
        path=record.path,
        defaults={
            "name": record.name,
            "source": record.source,
            "triggers": record.triggers,
            "trigger_notes": record.trigger_notes,
            "warnings": record.warnings,
        },
    )
    report = WorkflowStoreReport(workflow=workflow, created=created, warnings=list(record.warnings))
    existing = {job.key: job for job in workflow.jobs.all()}
    jobs_by_key: dict[str, Job] = {}
    for job_record in record.jobs:
        job = existing.pop(job_record.key, None)
        if job is None:
            job = Job(workflow=workflow, key=job_record.key)
            report.jobs_added.append(job_record.key)
        else:
            report.jobs_updated.append(job_record.key)
        _copy_job_fields(job, job_record)
        job.save()
        jobs_by_key[job_record.key] = job
    for key, job in existing.items():
        report.jobs_removed.append(key)
        job.delete()
    for job_record in record.jobs:
        jobs_by_key[job_record.key].needs.set([jobs_by_key[key] for key in job_record.needs])
    return report


def _copy_job_fields(job: Job, record: JobRecord) -> None:
    job.yaml_id = record.yaml_id
    job.name = record.name
    job.runs_on = record.runs_on
    job.runs_on_group = record.runs_on_group or ""
    job.matrix_values = record.matrix_values
    job.flags = list(record.flags)
    job.kind = record.kind
    job.caller_key = record.caller_key or ""
    job.line = record.line
    job.order = record.order
    job.condition = record.condition
    job.runs_when = {
        trigger: when.model_dump(mode="json") for trigger, when in record.runs_when.items()
    }
    job.timeout_minutes = record.timeout_minutes
    job.continue_on_error = record.continue_on_error


def job_records_for(workflow: Workflow) -> list[JobRecord]:
    """The stored jobs as the records the matcher and the engine adapter understand."""
    jobs = workflow.jobs.prefetch_related("needs").order_by("order")
    return [
        JobRecord(
            key=job.key,
            yaml_id=job.yaml_id,
            name=job.name,
            runs_on=job.runs_on,
            runs_on_group=job.runs_on_group or None,
            needs=[need.key for need in job.needs.all()],
            matrix_values=job.matrix_values,
            flags=job.flags,
            kind=job.kind,
            caller_key=job.caller_key or None,
            line=job.line,
            order=job.order,
            condition=job.condition,
            runs_when=job.runs_when,
            timeout_minutes=job.timeout_minutes,
            continue_on_error=job.continue_on_error,
        )
        for job in jobs
    ]


PROGRESS_EVERY = 1000


def store_runs(
    workflow: Workflow,
    run_import: RunImport,
    progress: Callable[[int, int], None] | None = None,
) -> RunStoreReport:
    report = RunStoreReport(workflow=workflow, warnings=list(run_import.warnings))
    match = match_job_runs(job_records_for(workflow), run_import.jobs)
    report.unmatched = list(match.unmatched)
    report.warnings += match.warnings
    report.warnings += [
        f"'{item.record.job_name}' ({item.record.source_location}) could be any of "
        f"{', '.join(item.candidate_keys)}: not imported; rename the job or import per workflow."
        for item in match.ambiguous
    ]
    with transaction.atomic():
        runs = _store_workflow_runs(workflow, run_import.runs, match.matched, report)
        jobs = {job.key: job for job in workflow.jobs.all()}
        # One query for what is already stored, rather than one per record.
        stored = {
            _identity(job_id, run_id, github_job_id, started_at)
            for job_id, run_id, github_job_id, started_at in JobRun.objects.filter(
                job__workflow=workflow
            ).values_list("job_id", "run_id", "github_job_id", "started_at")
        }
        new_rows = []
        for done, (key, record) in enumerate(match.matched, start=1):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, len(match.matched))
            run = runs.get(record.github_run_id) if record.github_run_id is not None else None
            identity = _identity(
                jobs[key].pk, run.pk if run else None, record.github_job_id, record.started_at
            )
            if identity in stored:
                report.already_present += 1
                continue
            stored.add(identity)
            new_rows.append(
                JobRun(
                    job=jobs[key],
                    run=run,
                    github_job_id=record.github_job_id,
                    created_at=record.created_at,
                    started_at=record.started_at,
                    completed_at=record.completed_at,
                    duration_s=record.seconds,
                    conclusion=record.conclusion or "",
                    runner_name=record.runner_name or "",
                    runner_labels=record.runner_labels,
                )
            )
        JobRun.objects.bulk_create(new_rows, batch_size=PROGRESS_EVERY)
        report.added = len(new_rows)
    return report


def _store_workflow_runs(
    workflow: Workflow,
    run_records: list[WorkflowRunRecord],
    matched: list[tuple[str, JobRunRecord]],
    report: RunStoreReport,
) -> dict[int, WorkflowRun]:
    """Every run id the data mentions gets a WorkflowRun; run objects add their details."""
    details = {record.github_run_id: record for record in run_records}
    run_ids = set(details) | {
        record.github_run_id for _, record in matched if record.github_run_id is not None
    }
    first_created: dict[int, datetime] = {}
    for _, record in matched:
        if record.github_run_id is not None and record.created_at is not None:
            known = first_created.get(record.github_run_id)
            if known is None or record.created_at < known:
                first_created[record.github_run_id] = record.created_at
    runs: dict[int, WorkflowRun] = {}
    for run_id in sorted(run_ids):
        detail = details.get(run_id)
        defaults: dict[str, Any] = {"created_at": first_created.get(run_id)}
        if detail is not None:
            defaults = {
                "created_at": detail.created_at or first_created.get(run_id),
                "run_attempt": detail.run_attempt,
                "branch": detail.branch,
                "event": detail.event,
            }
        run, created = WorkflowRun.objects.get_or_create(
            workflow=workflow, github_run_id=run_id, defaults=defaults
        )
        if not created and detail is not None:
            for name, value in defaults.items():
                if value is not None and value != "":
                    setattr(run, name, value)
            run.save()
        report.runs_added += int(created)
        runs[run_id] = run
    return runs


def _identity(
    job_id: int, run_id: int | None, github_job_id: int | None, started_at: datetime | None
) -> tuple[object, ...]:
    """What makes a job run the same one again, as the table's unique constraints say:
    GitHub's job id when there is one, else the run, else the start time."""
    if github_job_id is not None:
        return ("github job", job_id, github_job_id)
    if run_id is not None:
        return ("run", job_id, run_id)
    return ("start", job_id, started_at)


def store_pools(team: Team, records: list[PoolRecord]) -> PoolStoreReport:
    report = PoolStoreReport()
    with transaction.atomic():
        for record in records:
            _, created = RunnerPool.objects.update_or_create(
                team=team,
                name=record.name,
                defaults={
                    "labels": record.labels,
                    "runners": record.runners,
                    "monthly_cost_usd_per_runner": record.monthly_cost_usd_per_runner,
                    "baseline_utilization": record.baseline_utilization,
                },
            )
            (report.added if created else report.updated).append(record.name)
    return report


class WorkflowChoiceError(Exception):
    """The repository's workflow for some run data cannot be chosen without the user's help."""


def workflow_for_runs(repository: Repository, run_import: RunImport) -> Workflow:
    """The repository's workflow the run data belongs to.

    One workflow: that one. Several: the one whose path the run objects name, else the one
    whose jobs match most of the job names; a tie is the user's to settle.
    """
    workflows = list(repository.workflows.all())
    if not workflows:
        raise WorkflowChoiceError(
            f"{repository.name} has no workflow yet: import the workflow YAML first."
        )
    if len(workflows) == 1:
        return workflows[0]
    paths = {run.workflow_path for run in run_import.runs if run.workflow_path}
    by_path = [workflow for workflow in workflows if workflow.path in paths]
    if len(by_path) == 1:
        return by_path[0]
    scores = sorted(
        ((len(match_job_runs(job_records_for(w), run_import.jobs).matched), w) for w in workflows),
        key=lambda pair: -pair[0],
    )
    if scores[0][0] == 0 or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        names = ", ".join(workflow.path for workflow in workflows)
        raise WorkflowChoiceError(
            f"Cannot tell which of {repository.name}'s workflows these runs belong to "
            f"({names}): choose the workflow explicitly."
        )
    return scores[0][1]
