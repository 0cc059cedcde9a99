"""A workflow's measured runs are read once per change of the data, not once per request, and
the engine summarizes a long history once: what keeps pages flat as history grows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decider.adapter.inputs import stored_runs
from decider.adapter.whatif import WhatIf
from decider.engine import inputs as engine_inputs
from decider.engine.runs import MEMO_FROM_SAMPLES, counted
from decider.importers.job_runs import parse_runs
from decider.importers.store import store_runs
from tests.factories import JobFactory, JobRunFactory, WorkflowFactory

pytestmark = pytest.mark.django_db


def reads_of_runs(queries: CaptureQueriesContext) -> list[str]:
    """Queries that fetch job run rows (the aggregate the cache is keyed on is not one)."""
    return [q["sql"] for q in queries.captured_queries if '"duration_s"' in q["sql"]]


def test_a_second_request_reads_no_job_run_rows() -> None:
    job = JobFactory()
    JobRunFactory.create_batch(3, job=job)
    with CaptureQueriesContext(connection) as first:
        WhatIf.of(job.workflow)
    with CaptureQueriesContext(connection) as second:
        again = WhatIf.of(job.workflow)
    assert len(reads_of_runs(first)) == 1
    assert reads_of_runs(second) == []
    assert len(again.graph.jobs[0].samples) == 3


def test_an_import_is_seen_at_once() -> None:
    job = JobFactory(key="test")
    workflow = job.workflow
    assert WhatIf.of(workflow).graph.jobs[0].samples == []
    store_runs(workflow, parse_runs([("r.csv", b"run_id,job,duration_s\n1,test,60\n")]))
    workflow.refresh_from_db()
    assert [s.duration_s for s in WhatIf.of(workflow).graph.jobs[0].samples] == [60]


def test_runs_added_or_deleted_outside_an_import_are_seen_too() -> None:
    job = JobFactory()
    JobRunFactory(job=job, duration_s=60)
    assert len(WhatIf.of(job.workflow).graph.jobs[0].samples) == 1
    extra = JobRunFactory(job=job, duration_s=90)
    assert len(WhatIf.of(job.workflow).graph.jobs[0].samples) == 2
    extra.delete()
    assert len(WhatIf.of(job.workflow).graph.jobs[0].samples) == 1


def test_an_edit_in_place_is_seen_once_the_workflow_says_its_data_changed() -> None:
    job = JobFactory()
    JobRunFactory(job=job, duration_s=60)
    WhatIf.of(job.workflow)
    job.runs.update(conclusion="failure")
    job.workflow.data_changed()
    assert WhatIf.of(job.workflow).graph.jobs[0].samples[0].conclusion == "failure"


def test_queue_waits_skip_runs_that_never_queued() -> None:
    job = JobFactory()
    created = datetime(2026, 1, 1, tzinfo=UTC)
    for wait, conclusion in ((10, "success"), (30, "failure"), (500, "skipped")):
        JobRunFactory(
            job=job,
            conclusion=conclusion,
            created_at=created,
            started_at=created + timedelta(seconds=wait),
        )
    assert stored_runs(job.workflow).median_queue_wait_s[job.pk] == 20


def test_the_engine_summarizes_a_long_history_once_per_list() -> None:
    samples = [engine_inputs.Sample(duration_s=n) for n in range(MEMO_FROM_SAMPLES)]
    assert counted(samples, False) is counted(samples, False)
    assert counted(samples, True) is not counted(samples, False)
    copy = list(samples)
    assert counted(copy, False) is not counted(samples, False)
    assert counted(copy, False).counts == counted(samples, False).counts


def test_a_workflow_with_many_runs_builds_its_samples_from_one_query() -> None:
    workflow = WorkflowFactory()
    for key in ("a", "b"):
        job = JobFactory(workflow=workflow, key=key)
        JobRunFactory.create_batch(5, job=job)
    with CaptureQueriesContext(connection) as queries:
        stored = stored_runs(workflow)
    assert sum(len(samples) for samples in stored.samples.values()) == 10
    assert len(reads_of_runs(queries)) == 1


def test_the_cache_holds_a_bounded_number_of_runs_and_keeps_the_newest(monkeypatch) -> None:
    monkeypatch.setattr("decider.adapter.inputs.CACHED_RUNS", 3)
    first, second = JobFactory(), JobFactory()
    JobRunFactory.create_batch(2, job=first)
    JobRunFactory.create_batch(4, job=second)
    stored_runs(first.workflow)
    stored_runs(second.workflow)  # over the bound alone: the first goes, the newest stays
    with CaptureQueriesContext(connection) as queries:
        stored_runs(second.workflow)
        stored_runs(first.workflow)
    assert len(reads_of_runs(queries)) == 1
