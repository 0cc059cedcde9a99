"""Each run's summary (first job created, last job completed, succeeded) follows its job runs
however they arrive: in one import, over several, in batches, or when a job is removed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from decider.importers import job_runs
from decider.importers.job_runs import parse_runs
from decider.importers.run_summaries import refresh_run_summaries
from decider.importers.store import store_runs, store_workflows
from decider.importers.workflow_yaml import parse_workflow_files
from decider.models import JobRun, Workflow, WorkflowRun
from tests.factories import RepositoryFactory
from tests.importers.test_store import TWO_JOBS as WORKFLOW

pytestmark = pytest.mark.django_db

HEADER = "run_id,job,created_at,started_at,completed_at,conclusion\n"
TEST_RUN_1 = "1,test,2026-11-02T10:00:00Z,2026-11-02T10:00:12Z,2026-11-02T10:08:00Z,success\n"
PUBLISH_RUN_1 = "1,publish,2026-11-02T10:08:01Z,2026-11-02T10:08:30Z,2026-11-02T10:10:00Z,success\n"
FAILED_RUN_2 = "2,test,2026-11-02T11:00:00Z,2026-11-02T11:00:05Z,2026-11-02T11:03:00Z,failure\n"


def _workflow() -> Workflow:
    (report,) = store_workflows(RepositoryFactory(), parse_workflow_files([("ci.yml", WORKFLOW)]))
    return report.workflow


def _store(workflow: Workflow, *rows: str) -> None:
    store_runs(workflow, parse_runs([("runs.csv", (HEADER + "".join(rows)).encode())]))


def _summary(github_run_id: int) -> tuple[datetime | None, datetime | None, bool | None]:
    run = WorkflowRun.objects.get(github_run_id=github_run_id)
    return run.began_at, run.ended_at, run.succeeded


def test_a_run_is_summarised_from_all_its_jobs_even_when_they_come_in_two_imports() -> None:
    workflow = _workflow()
    _store(workflow, TEST_RUN_1)
    assert _summary(1) == (
        datetime(2026, 11, 2, 10, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 10, 8, tzinfo=UTC),
        True,
    )
    _store(workflow, PUBLISH_RUN_1, FAILED_RUN_2)
    assert _summary(1) == (
        datetime(2026, 11, 2, 10, 0, tzinfo=UTC),
        datetime(2026, 11, 2, 10, 10, tzinfo=UTC),
        True,
    )
    assert _summary(2)[2] is False  # a failed job spoils its pipeline


def test_a_run_split_across_batches_is_summarised_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(job_runs, "BATCH_SIZE", 1)
    workflow = _workflow()
    _store(workflow, TEST_RUN_1, FAILED_RUN_2, PUBLISH_RUN_1)
    assert _summary(1)[1] == datetime(2026, 11, 2, 10, 10, tzinfo=UTC)


def test_a_job_still_running_leaves_its_pipeline_unfinished() -> None:
    workflow = _workflow()
    _store(workflow, TEST_RUN_1, PUBLISH_RUN_1)
    JobRun.objects.filter(job__key="publish").update(completed_at=None)
    refresh_run_summaries(WorkflowRun.objects.values_list("pk", flat=True))
    assert _summary(1)[2] is False


def test_removing_a_job_from_the_workflow_resummarises_its_runs() -> None:
    workflow = _workflow()
    _store(workflow, TEST_RUN_1, PUBLISH_RUN_1)
    without_publish = WORKFLOW.split(b"  publish:")[0]
    store_workflows(workflow.repository, parse_workflow_files([("ci.yml", without_publish)]))
    assert _summary(1)[1] == datetime(2026, 11, 2, 10, 8, tzinfo=UTC)


def test_a_run_with_no_job_stored_has_no_summary() -> None:
    workflow = _workflow()
    run = WorkflowRun.objects.create(workflow=workflow, github_run_id=9)
    refresh_run_summaries([run.pk])
    assert _summary(9) == (None, None, None)
