"""GitHub webhook deliveries: kept as received, then read into job runs by a task.

Receiving (`receive`) only stores the delivery, so GitHub gets its answer well within its
10 s; `process_delivery` (run by the `process_webhook_delivery` task on whatever backend the
project configures) reads it through the same JSON importer and store as an upload.

Order does not matter. GitHub may deliver a job's `completed` before its `in_progress`, or
twice. The deliveries of one job (GitHub gives each attempt of a job its own id) are read
together, and the stored job run is the one the latest state describes (`_state_key`), so any
order of the same deliveries leaves the same rows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from decider.importers.github_json import parse_json_runs
from decider.importers.monitor_days import refresh_monitor_days, utc_day
from decider.importers.problems import ImportRefused
from decider.importers.records import JobRunRecord, RunImport, WorkflowRunRecord
from decider.importers.run_summaries import refresh_run_summaries
from decider.importers.store import WorkflowChoiceError, store_runs, workflow_for_runs
from decider.models import JobRun, Repository, WebhookDelivery, WebhookEndpoint, Workflow

logger = logging.getLogger(__name__)

READ_EVENTS = ("workflow_job", "workflow_run")
# How far along a job is, whatever the action's name (GitHub's `waiting` job has action
# `queued` in one of its own examples): a later status is a later state.
_STATUS_RANK = {"queued": 0, "waiting": 0, "pending": 0, "requested": 0, "in_progress": 1}
_COMPLETED_RANK = 2
# Two deliveries that finish the same job at the same moment but disagree on how it ended
# (GitHub's own examples do): the worse ending wins, whatever the order, so a run GitHub once
# reported as failed is never counted as a clean run.
_CONCLUSION_RANK = {"success": 0, "neutral": 1, "skipped": 2}


def repository_named(endpoint: WebhookEndpoint, payload: Mapping[str, Any]) -> Repository | None:
    """The endpoint's repository the delivery is about; never another team's."""
    repository = payload.get("repository")
    full_name = repository.get("full_name") if isinstance(repository, dict) else None
    if not isinstance(full_name, str):
        return None
    if endpoint.repository_id is not None:
        own = endpoint.repository
        return own if own is not None and own.name.lower() == full_name.lower() else None
    return Repository.objects.filter(team_id=endpoint.team_id, name__iexact=full_name).first()


def receive(
    endpoint: WebhookEndpoint, delivery_id: str, event: str, payload: Mapping[str, Any]
) -> tuple[WebhookDelivery, bool]:
    """Store a checked delivery once per delivery id; the task reads it after the commit.
    Returns the delivery and whether it is new."""
    job = payload.get("workflow_job") if event == "workflow_job" else None
    job_id = job.get("id") if isinstance(job, dict) else None
    action = payload.get("action")
    repository = repository_named(endpoint, payload)
    outcome = ""
    if repository is None:
        outcome = _no_repository(endpoint, payload)
    with transaction.atomic():
        delivery, created = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint,
            delivery_id=delivery_id,
            defaults={
                "event": event,
                "action": action[:100] if isinstance(action, str) else "",
                "repository": repository,
                "payload": payload if event in (*READ_EVENTS, "ping") else {},
                "github_job_id": job_id if isinstance(job_id, int) and job_id < 2**63 else None,
                "outcome": outcome,
                "processed_at": timezone.now() if outcome else None,
            },
        )
        if created and not outcome:
            transaction.on_commit(lambda: process_webhook_delivery.enqueue(delivery.pk))
    return delivery, created


def _no_repository(endpoint: WebhookEndpoint, payload: Mapping[str, Any]) -> str:
    repository = payload.get("repository")
    full_name = repository.get("full_name") if isinstance(repository, dict) else None
    if not isinstance(full_name, str):
        return "Kept, not read: the delivery names no repository."
    if endpoint.repository is not None:
        return (
            f"Kept, not read: it is about {full_name[:200]}, but this webhook secret belongs "
            f"to {endpoint.repository.name}."
        )
    return f"Kept, not read: {endpoint.team.name} has no repository {full_name[:200]}."


# A delivery about a repository or workflow decider did not have yet is kept with an outcome
# starting with one of these; importing the workflow (or adding the repository) reads it again.
WAITING = "Kept, not used:"
# The most deliveries one import reads again (newest first): bounded work per import; older
# ones are GitHub's to send again (Redeliver) if they matter.
MAX_REREAD = 5_000


def adopt_waiting_deliveries(repository: Repository) -> int:
    """A repository just added takes the deliveries its team's webhook kept for its name, so
    they are read once its workflow is imported. Returns how many it took."""
    waiting = WebhookDelivery.objects.filter(
        repository=None,
        endpoint__team_id=repository.team_id,
        endpoint__repository=None,
        event__in=READ_EVENTS,
        payload__repository__full_name__iexact=repository.name,
    )
    return waiting.update(
        repository=repository,
        outcome=f"{WAITING} {repository.name} has no imported workflow yet.",
    )


def reread_after_import(repository: Repository) -> None:
    """After the repository's workflows were stored: read again, once the transaction commits,
    the deliveries kept because no imported workflow (or job) matched them."""
    if WebhookDelivery.objects.filter(
        repository=repository, event__in=READ_EVENTS, outcome__startswith=WAITING
    ).exists():
        transaction.on_commit(lambda: reread_waiting_deliveries.enqueue(repository.pk))


@task()
def reread_waiting_deliveries(repository_pk: int) -> str:
    """Read again each waiting delivery (one per job: its deliveries are read together), and
    give the job's other waiting deliveries the same outcome."""
    waiting = WebhookDelivery.objects.filter(
        repository_id=repository_pk, event__in=READ_EVENTS, outcome__startswith=WAITING
    ).select_related("repository")
    seen_jobs: set[int] = set()
    stored = 0
    for delivery in waiting.order_by("-received_at", "-pk")[:MAX_REREAD]:
        if delivery.github_job_id is not None:
            if delivery.github_job_id in seen_jobs:
                continue
            seen_jobs.add(delivery.github_job_id)
        outcome = process_delivery(delivery)
        if not outcome.startswith(WAITING):
            stored += 1
        if delivery.github_job_id is not None:
            waiting.filter(github_job_id=delivery.github_job_id).exclude(pk=delivery.pk).update(
                outcome=outcome, processed_at=delivery.processed_at
            )
    return f"{stored} waiting deliveries read"


@task()
def process_webhook_delivery(delivery_pk: int) -> str:
    delivery = WebhookDelivery.objects.select_related("repository").get(pk=delivery_pk)
    return process_delivery(delivery)


def process_delivery(delivery: WebhookDelivery) -> str:
    """Read the delivery into the database and say what became of it, in the delivery row."""
    try:
        outcome = _outcome(delivery)
    except ImportRefused as refused:
        outcome = "Kept, not read: " + "; ".join(p.message for p in refused.problems[:3])
    delivery.outcome = outcome
    delivery.processed_at = timezone.now()
    delivery.save(update_fields=["outcome", "processed_at"])
    logger.info("webhook delivery %s: %s", delivery.delivery_id, outcome)
    return outcome


def _outcome(delivery: WebhookDelivery) -> str:
    if delivery.event == "ping":
        return "GitHub's ping: the webhook reaches decider and its signature checks out."
    if delivery.event not in READ_EVENTS:
        return (
            f"Kept, not read: decider reads workflow_job and workflow_run deliveries, not "
            f"{delivery.event[:100]}. Untick it in the webhook's settings on GitHub."
        )
    repository = delivery.repository
    if repository is None:
        return delivery.outcome or "Kept, not read: no repository of this team."
    if delivery.event == "workflow_run":
        return _store_workflow_run(repository, delivery)
    return _store_latest_job_state(repository, delivery)


def _source(delivery: WebhookDelivery) -> str:
    return f"delivery {delivery.delivery_id[:100]}"


def _store_workflow_run(repository: Repository, delivery: WebhookDelivery) -> str:
    parsed = parse_json_runs(_source(delivery), json.dumps(delivery.payload))
    if not parsed.runs:
        return "Kept, not read: the delivery holds no workflow run."
    run = parsed.runs[0]
    workflow = _workflow_named(repository, run)
    if workflow is None:
        where = run.workflow_path or run.workflow_name or "its workflow"
        return (
            f"Kept, not used: run {run.github_run_id} is of {where}, which is not among "
            f"{repository.name}'s imported workflows."
        )
    store_runs(workflow, RunImport(runs=[run]))
    return f"Run {run.github_run_id} (attempt {run.run_attempt or 1}) stored in {workflow.name}."


def _workflow_named(repository: Repository, run: WorkflowRunRecord) -> Workflow | None:
    workflows = list(repository.workflows.all())
    for wanted, attribute in ((run.workflow_path, "path"), (run.workflow_name, "name")):
        found = [w for w in workflows if wanted and getattr(w, attribute) == wanted]
        if len(found) == 1:
            return found[0]
    return None


def _store_latest_job_state(repository: Repository, delivery: WebhookDelivery) -> str:
    job = delivery.payload.get("workflow_job") or {}
    name = str(job.get("name") or "the job")[:300]
    if delivery.github_job_id is None:
        return f"Kept, not read: '{name}' has no job id."
    with transaction.atomic():
        # Locked, so two workers reading deliveries of the same job take turns.
        states = list(
            WebhookDelivery.objects.select_for_update().filter(
                repository=repository, github_job_id=delivery.github_job_id
            )
        )
        latest = max(states, key=_state_key)
        status = str(latest.payload["workflow_job"].get("status") or "")
        if _rank(status) < _COMPLETED_RANK:
            return (
                f"'{name}' is {status.replace('_', ' ') or 'not finished'}: its run is stored "
                "when GitHub says it finished."
            )
        parsed = parse_json_runs(_source(latest), json.dumps(latest.payload))
        if not parsed.jobs:
            why = parsed.warnings[0] if parsed.warnings else "it holds no measured run"
            return f"Kept, not used: {why}"
        record = parsed.jobs[0]
        workflow = _workflow_of_job(repository, record, latest.payload["workflow_job"])
        if workflow is None:
            return (
                f"Kept, not used: '{name}' is in no imported workflow of {repository.name}. "
                "Import its workflow file to count it."
            )
        # The latest state replaces whatever an earlier-read state stored.
        earlier = JobRun.objects.filter(
            job__workflow__repository=repository, github_job_id=record.github_job_id
        )
        gone = list(
            earlier.values_list("job__workflow_id", "run_id", "started_at", "run__created_at")
        )
        earlier.delete()
        report = store_runs(workflow, RunImport(jobs=[record]))
        # What the replaced rows counted in: their runs' summaries and days.
        refresh_run_summaries(run_id for _, run_id, _, _ in gone if run_id is not None)
        for workflow_id, _, started_at, run_created_at in gone:
            days = {utc_day(started_at), utc_day(run_created_at)}
            refresh_monitor_days(workflow_id, [day for day in days if day is not None])
    if report.added:
        ending = record.conclusion or "finished"
        return f"'{name}' stored in {workflow.name}: {ending.replace('_', ' ')}."
    return f"Kept, not used: '{name}' matches no job of {workflow.name}. " + " ".join(
        report.ambiguity_warnings()
    )


def _rank(status: str) -> int:
    return _COMPLETED_RANK if status == "completed" else _STATUS_RANK.get(status, 0)


def _state_key(delivery: WebhookDelivery) -> tuple[int, str, str, int, str]:
    """Later state sorts higher: status, then end and start times (ISO 8601 in UTC, as
    GitHub writes them, so they sort as text), then the worse ending, then the delivery id
    (only so that a full tie still has one answer)."""
    job = delivery.payload.get("workflow_job") or {}
    conclusion = str(job.get("conclusion") or "")
    return (
        _rank(str(job.get("status") or "")),
        str(job.get("completed_at") or ""),
        str(job.get("started_at") or ""),
        _CONCLUSION_RANK.get(conclusion, len(_CONCLUSION_RANK)),
        delivery.delivery_id,
    )


def _workflow_of_job(
    repository: Repository, record: JobRunRecord, job: Mapping[str, Any]
) -> Workflow | None:
    """The workflow a run of it was stored in already, else the one GitHub names, else the
    one whose jobs match (as for an upload)."""
    if record.github_run_id is not None:
        stored = Workflow.objects.filter(
            repository=repository, runs__github_run_id=record.github_run_id
        ).first()
        if stored is not None:
            return stored
    named = job.get("workflow_name")
    run = WorkflowRunRecord(
        github_run_id=record.github_run_id or 0,
        workflow_name=named if isinstance(named, str) else "",
    )
    by_name = _workflow_named(repository, run)
    if by_name is not None:
        return by_name
    try:
        return workflow_for_runs(repository, [], [record])
    except WorkflowChoiceError:
        return None
