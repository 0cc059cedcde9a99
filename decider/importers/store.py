"""Write parsed import records to the database, each import in one transaction.

Parsing (the other modules here) never touches the database; this module never parses.
Re-importing the same data adds nothing: workflows are updated in place by path and jobs
by key, job runs are unique on GitHub's job id (or run + job), pools on their name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from django.db import transaction

from decider.engine.formatting import count
from decider.engine.prices import Rate
from decider.importers.bulk import insert_ignoring_conflicts
from decider.importers.job_runs import BATCH_SIZE
from decider.importers.matching import match_job_runs
from decider.importers.monitor_days import days_touched, refresh_monitor_days, utc_day
from decider.importers.records import (
    JobRecord,
    JobRunRecord,
    PoolRecord,
    WorkflowRecord,
    WorkflowRunRecord,
)
from decider.importers.run_summaries import refresh_run_summaries
from decider.models import (
    Job,
    JobRun,
    PriceRate,
    Repository,
    RunnerPool,
    Team,
    Workflow,
    WorkflowRun,
)


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
        parts.append(f"{count(len(self.jobs_added), 'job')} added")
        if self.jobs_updated:
            parts.append(f"{len(self.jobs_updated)} updated")
        if self.jobs_removed:
            parts.append(f"{len(self.jobs_removed)} removed ({', '.join(self.jobs_removed)})")
        return " ".join(parts[:1]) + " " + ", ".join(parts[1:])


@dataclass
class NameCount:
    """Runs sharing one job name that could not be imported: how many, and the first one."""

    count: int
    first_location: str
    candidate_keys: list[str] = field(default_factory=list)


@dataclass
class RunStoreReport:
    """What an import did. Counts come from the database's own answer (rows it inserted),
    so two identical uploads at once report what each really added."""

    workflow: Workflow
    added: int = 0
    already_present: int = 0
    runs_added: int = 0
    unmatched: dict[str, NameCount] = field(default_factory=dict)  # by job name as given
    ambiguous: dict[str, NameCount] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def unmatched_count(self) -> int:
        return sum(name.count for name in self.unmatched.values())

    def summary(self) -> str:
        text = (
            f"{self.added} job runs added to {self.workflow.name}, "
            f"{self.already_present} already present, {self.runs_added} workflow runs added"
        )
        if self.unmatched:
            names = sorted(self.unmatched)
            text += f"; {self.unmatched_count} not matched to any job: {', '.join(names)}"
        return text

    def ambiguity_warnings(self) -> list[str]:
        return [
            f"'{name}' ({found.first_location}"
            + (f", and {found.count - 1} more runs" if found.count > 1 else "")
            + f") could be any of {', '.join(found.candidate_keys)}: not imported; "
            "rename the job or import per workflow."
            for name, found in self.ambiguous.items()
        ]

    def note(
        self, names: dict[str, NameCount], record: JobRunRecord, keys: list[str] | None = None
    ) -> None:
        """Count a run not imported under its job name: a file of a million unmatched rows
        reports one line per name, not a million records."""
        known = names.get(record.job_name)
        if known is None:
            names[record.job_name] = NameCount(1, record.source_location, keys or [])
        else:
            known.count += 1


@dataclass
class PoolStoreReport:
    """What an import of named rows (pools, rates) added and updated."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    noun: str = "pool"

    def summary(self) -> str:
        return f"{count(len(self.added), self.noun)} added, {len(self.updated)} updated"


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
        touched = list(job.runs.exclude(run=None).values_list("run_id", flat=True).distinct())
        job.delete()  # its job runs and its kept days go with it
        refresh_run_summaries(touched)
        refresh_monitor_days(workflow.pk, days_touched(touched, []))  # its pipelines changed
    for job_record in record.jobs:
        jobs_by_key[job_record.key].needs.set([jobs_by_key[key] for key in job_record.needs])
    workflow.data_changed()
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


class RunSource(Protocol):
    """Run data to store: a `RunImport` (all in memory) or a `RunUpload` (read as stored)."""

    runs: list[WorkflowRunRecord]
    warnings: list[str]

    def batches(self) -> Iterator[list[JobRunRecord]]: ...


@dataclass
class _Touched:
    """What a store of runs changed: the runs whose summaries and monitor days to recompute,
    and days beyond those runs' own (their job runs' start days, a run's day before it
    moved)."""

    runs: set[int] = field(default_factory=set)
    days: set[date | None] = field(default_factory=set)

    def moved(self, run_id: int, created_before: datetime | None) -> None:
        self.runs.add(run_id)
        self.days.add(utc_day(created_before))


def store_runs(
    workflow: Workflow,
    source: RunSource,
    progress: Callable[[int], None] | None = None,
) -> RunStoreReport:
    """Store job runs batch by batch in one transaction: a file refused part-way (a bad row
    near its end) leaves nothing behind. Rows already stored, by an earlier import or by an
    identical upload running at the same moment, are skipped by the database's unique
    constraints (insert ... on conflict do nothing), never an error."""
    report = RunStoreReport(workflow=workflow)
    job_records = job_records_for(workflow)
    job_ids = dict(workflow.jobs.values_list("key", "pk"))
    done = 0
    touched = _Touched()
    with transaction.atomic():
        detail_ids = _store_run_details(workflow, source.runs, report, touched)
        for batch in source.batches():
            match = match_job_runs(job_records, batch)
            for record in match.unmatched:
                report.note(report.unmatched, record)
            for item in match.ambiguous:
                report.note(report.ambiguous, item.record, item.candidate_keys)
            report.warnings += match.warnings
            # Only this batch's runs are kept, so memory does not grow with the file.
            run_ids = detail_ids | _store_mentioned_runs(
                workflow, match.matched, detail_ids, report, touched
            )
            rows = [_job_run_row(job_ids[key], record, run_ids) for key, record in match.matched]
            added = insert_ignoring_conflicts(JobRun, JOB_RUN_COLUMNS, rows)
            if added:  # a batch stored before changes no summary and no day
                touched.runs.update(
                    run_ids[r.github_run_id]
                    for _, r in match.matched
                    if r.github_run_id is not None
                )
                touched.days.update(utc_day(r.started_at) for _, r in match.matched)
            report.added += added
            report.already_present += len(rows) - added
            done += len(batch)
            if progress is not None:
                progress(done)
            del batch, match, rows  # before the next batch is read, not after
        # Once per import, not per batch: a run's jobs may come in several batches.
        refresh_run_summaries(touched.runs)
        days = days_touched(touched.runs, touched.days)
        refresh_monitor_days(workflow.pk, days)
        workflow.data_changed()
    report.warnings = list(source.warnings) + report.warnings + report.ambiguity_warnings()
    return report


JOB_RUN_COLUMNS = [
    "job_id",
    "run_id",
    "github_job_id",
    "created_at",
    "started_at",
    "completed_at",
    "duration_s",
    "conclusion",
    "runner_name",
    "runner_group",
    "runner_labels",
]


def _job_run_row(job_id: int, record: JobRunRecord, run_ids: dict[int, int]) -> tuple[object, ...]:
    run_id = run_ids[record.github_run_id] if record.github_run_id is not None else None
    return (
        job_id,
        run_id,
        record.github_job_id,
        record.created_at,
        record.started_at,
        record.completed_at,
        record.seconds,
        record.conclusion or "",
        record.runner_name or "",
        record.runner_group or "",
        record.runner_labels,
    )


RUN_DETAILS = ["created_at", "run_attempt", "branch", "event"]


def _store_run_details(
    workflow: Workflow,
    run_records: list[WorkflowRunRecord],
    report: RunStoreReport,
    touched: _Touched,
) -> dict[int, int]:
    """Run objects (from JSON) with their details; returns GitHub run id -> row id. New runs
    are inserted in bulk; stored ones take the details given (a later attempt's, when a run
    is given twice), in bulk too: a runs listing of 20,000 runs is a handful of statements."""
    details: dict[int, dict[str, Any]] = {}
    for record in run_records:
        given = details.setdefault(record.github_run_id, {})
        for name in RUN_DETAILS:
            value = getattr(record, name)
            if name != "run_attempt" and value is not None and value != "":
                given[name] = value
        if record.run_attempt is not None:
            given["run_attempt"] = max(record.run_attempt, given.get("run_attempt", 0))
    if not details:
        return {}
    report.runs_added += insert_ignoring_conflicts(
        WorkflowRun,
        ["workflow_id", "github_run_id", *RUN_DETAILS],
        [
            (
                workflow.pk,
                run_id,
                given.get("created_at"),
                given.get("run_attempt"),
                given.get("branch", ""),
                given.get("event", ""),
            )
            for run_id, given in sorted(details.items())
        ],
    )
    run_ids: dict[int, int] = {}
    changed: list[WorkflowRun] = []
    wanted = sorted(details)
    for start in range(0, len(wanted), BATCH_SIZE):
        chunk = wanted[start : start + BATCH_SIZE]
        for run in WorkflowRun.objects.filter(workflow=workflow, github_run_id__in=chunk):
            run_ids[run.github_run_id] = run.pk
            given = details[run.github_run_id]
            # Attempts only go up: an earlier attempt's details read later (a webhook
            # delivered out of order) do not take the run back.
            if run.run_attempt is not None and "run_attempt" in given:
                given["run_attempt"] = max(given["run_attempt"], run.run_attempt)
            if any(getattr(run, name) != value for name, value in given.items()):
                touched.moved(run.pk, run.created_at)  # its branch, trigger or day changed
                for name, value in given.items():
                    setattr(run, name, value)
                changed.append(run)
    WorkflowRun.objects.bulk_update(changed, RUN_DETAILS, batch_size=1000)
    return run_ids


def _store_mentioned_runs(
    workflow: Workflow,
    matched: list[tuple[str, JobRunRecord]],
    known: dict[int, int],
    report: RunStoreReport,
    touched: _Touched,
) -> dict[int, int]:
    """Every run id a batch mentions gets a WorkflowRun, created when the run was (at the
    latest) first queued: the earliest created_at of its jobs. Three statements per batch."""
    first_created: dict[int, datetime | None] = {}
    for _, record in matched:
        run_id = record.github_run_id
        if run_id is None:
            continue
        earliest = first_created.get(run_id)
        if record.created_at is not None and (earliest is None or record.created_at < earliest):
            first_created[run_id] = record.created_at
        else:
            first_created.setdefault(run_id, None)
    if not first_created:
        return {}
    new_ids = sorted(run_id for run_id in first_created if run_id not in known)
    report.runs_added += insert_ignoring_conflicts(
        WorkflowRun,
        ["workflow_id", "github_run_id", "created_at", "branch", "event"],
        [(workflow.pk, run_id, first_created[run_id], "", "") for run_id in new_ids],
    )
    stored = WorkflowRun.objects.filter(
        workflow=workflow, github_run_id__in=list(first_created)
    ).values_list("github_run_id", "pk", "created_at")
    ids: dict[int, int] = {}
    earlier: list[WorkflowRun] = []
    for run_id, pk, created_at in stored:
        ids[run_id] = pk
        first = first_created[run_id]
        if first is not None and (created_at is None or first < created_at):
            earlier.append(WorkflowRun(pk=pk, created_at=first))
            touched.moved(pk, created_at)
    WorkflowRun.objects.bulk_update(earlier, ["created_at"])
    return ids


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


def store_team_rates(team: Team, rates: list[Rate]) -> PoolStoreReport:
    """A team's own rates, in place by size and start day (a re-import updates, adds nothing)."""
    report = PoolStoreReport(noun="rate")
    with transaction.atomic():
        for rate in rates:
            values = rate.model_dump()
            _, created = PriceRate.objects.update_or_create(
                team=team,
                size=values.pop("size"),
                effective_from=values.pop("effective_from"),
                defaults=values,
            )
            (report.added if created else report.updated).append(rate.size)
    return report


class WorkflowChoiceError(Exception):
    """The repository's workflow for some run data cannot be chosen without the user's help."""


def workflow_for_runs(
    repository: Repository, runs: list[WorkflowRunRecord], jobs: list[JobRunRecord]
) -> Workflow:
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
    paths = {run.workflow_path for run in runs if run.workflow_path}
    by_path = [workflow for workflow in workflows if workflow.path in paths]
    if len(by_path) == 1:
        return by_path[0]
    scores = sorted(
        ((len(match_job_runs(job_records_for(w), jobs).matched), w) for w in workflows),
        key=lambda pair: -pair[0],
    )
    if scores[0][0] == 0 or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        names = ", ".join(workflow.path for workflow in workflows)
        raise WorkflowChoiceError(
            f"Cannot tell which of {repository.name}'s workflows these runs belong to "
            f"({names}): choose the workflow explicitly."
        )
    return scores[0][1]
