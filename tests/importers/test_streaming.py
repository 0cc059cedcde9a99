"""Run imports that stream: a CSV is read and written in batches, in bounded memory, in one
transaction, and identical imports (one after the other or at the same moment) add nothing."""

from __future__ import annotations

import io
import threading
import tracemalloc
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections
from hypothesis import given, settings
from hypothesis import strategies as st

from decider.importers.job_runs import BATCH_SIZE, open_runs
from decider.importers.problems import ImportRefused
from decider.importers.records import JobRunRecord
from decider.importers.store import store_runs, store_workflows
from decider.importers.workflow_yaml import parse_workflow_files
from decider.models import JobRun, Workflow, WorkflowRun
from tests.factories import RepositoryFactory

TWO_JOBS = b"""on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps: [{run: make test}]
  publish:
    needs: test
    runs-on: ubuntu-latest
    steps: [{run: make publish}]
"""


def timed_csv(runs: int, bad_row_at: int | None = None) -> bytes:
    """Two job runs per workflow run, with times; row numbers count the header as row 1."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lines = ["run_id,job,created_at,started_at,completed_at,conclusion"]
    for run in range(runs):
        at = start + timedelta(minutes=run)
        for job, seconds in (("test", 60 + run % 7), ("publish", 10 + run % 3)):
            lines.append(
                f"{1000 + run},{job},{at.isoformat()},{(at + timedelta(seconds=5)).isoformat()},"
                f"{(at + timedelta(seconds=5 + seconds)).isoformat()},success"
            )
    if bad_row_at is not None:
        lines[bad_row_at - 1] = lines[bad_row_at - 1].replace("success", "exploded")
    return ("\n".join(lines) + "\n").encode()


def workflow() -> Workflow:
    (report,) = store_workflows(RepositoryFactory(), parse_workflow_files([("ci.yml", TWO_JOBS)]))
    return report.workflow


@pytest.mark.django_db
def test_a_csv_is_read_a_batch_at_a_time_not_whole() -> None:
    content = timed_csv(runs=BATCH_SIZE)  # two batches of rows
    stream = io.BytesIO(content)
    upload = open_runs([("runs.csv", stream)])
    assert len(upload.sample()) == BATCH_SIZE
    # Choosing the workflow read one batch, not the file.
    assert stream.tell() < len(content) * 0.75
    report = store_runs(workflow(), upload)
    assert (report.added, report.already_present, report.runs_added) == (2 * BATCH_SIZE, 0, 5000)
    assert stream.tell() == len(content)


@pytest.mark.django_db
def test_importing_a_csv_takes_memory_that_does_not_grow_with_the_file() -> None:
    target = workflow()

    def peak_bytes(runs: int) -> int:
        content = timed_csv(runs)
        tracemalloc.start()
        store_runs(target, open_runs([("runs.csv", io.BytesIO(content))]))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    small = peak_bytes(runs=5_000)  # two batches
    large = peak_bytes(runs=12_500)  # five batches, 2.2 MB: held whole it would take > 100 MB
    assert large < 1.2 * small


@pytest.mark.django_db
def test_a_bad_row_after_several_batches_refuses_the_file_and_saves_nothing() -> None:
    content = timed_csv(runs=6_000, bad_row_at=11_002)
    with pytest.raises(ImportRefused) as refused:
        store_runs(workflow(), open_runs([("runs.csv", io.BytesIO(content))]))
    (problem,) = refused.value.problems
    assert (problem.source, problem.row, problem.field) == ("runs.csv", 11_002, "conclusion")
    assert "exploded" in problem.message
    assert not JobRun.objects.exists()
    assert not WorkflowRun.objects.exists()


@pytest.mark.django_db
def test_the_problems_of_every_file_show_together_with_streamed_csv() -> None:
    bad_csv = timed_csv(runs=3, bad_row_at=4)
    bad_header = b"job,duration\ntest,4\n"
    with pytest.raises(ImportRefused) as refused:
        upload = open_runs([("a.csv", io.BytesIO(bad_header)), ("b.csv", io.BytesIO(bad_csv))])
        store_runs(workflow(), upload)
    assert [problem.source for problem in refused.value.problems] == ["a.csv"]
    with pytest.raises(ImportRefused) as refused:
        upload = open_runs([("b.csv", io.BytesIO(bad_csv)), ("c.csv", io.BytesIO(bad_csv))])
        store_runs(workflow(), upload)
    assert [(p.source, p.row) for p in refused.value.problems] == [("b.csv", 4), ("c.csv", 4)]
    assert not JobRun.objects.exists()


@pytest.mark.django_db
def test_a_second_identical_import_reports_everything_as_already_present() -> None:
    target = workflow()
    content = timed_csv(runs=3_000)
    first = store_runs(target, open_runs([("runs.csv", io.BytesIO(content))]))
    again = store_runs(target, open_runs([("runs.csv", io.BytesIO(content))]))
    assert (first.added, first.already_present, first.runs_added) == (6_000, 0, 3_000)
    assert (again.added, again.already_present, again.runs_added) == (0, 6_000, 0)
    assert JobRun.objects.count() == 6_000


@pytest.mark.django_db
def test_a_run_keeps_the_earliest_queued_time_of_its_jobs_across_batches() -> None:
    lines = ["run_id,job,created_at,started_at,completed_at"]
    lines += [
        f"{n},test,2026-01-02T00:00:00Z,2026-01-02T00:00:01Z,2026-01-02T00:01:00Z"
        for n in range(1, BATCH_SIZE + 1)
    ]
    lines.append("1,publish,2026-01-01T00:00:00Z,2026-01-01T00:00:01Z,2026-01-01T00:01:00Z")
    store_runs(workflow(), open_runs([("runs.csv", io.BytesIO("\n".join(lines).encode()))]))
    first = WorkflowRun.objects.get(github_run_id=1)
    assert first.created_at == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_identical_uploads_at_the_same_moment_store_each_run_once_and_never_fail() -> None:
    target = workflow()
    content = timed_csv(runs=1_500)
    reports: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def upload() -> None:
        try:
            barrier.wait()
            report = store_runs(target, open_runs([("runs.csv", io.BytesIO(content))]))
            reports.append((report.added, report.already_present))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=upload) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(added for added, _ in reports) == 3_000
    assert all(added + present == 3_000 for added, present in reports)
    assert JobRun.objects.count() == 3_000
    assert WorkflowRun.objects.count() == 1_500
    assert connection.vendor in ("sqlite", "postgresql")


def read_all(files: list[tuple[str, bytes]]) -> list[JobRunRecord]:
    upload = open_runs([(name, io.BytesIO(content)) for name, content in files])
    return [record for batch in upload.batches() for record in batch]


def test_a_streamed_csv_that_stops_being_utf8_is_refused_at_its_row() -> None:
    content = b"run_id,job,duration_s\n1,test,60\n2,t\xffst,60\n"
    with pytest.raises(ImportRefused) as refused:
        read_all([("runs.csv", content)])
    (problem,) = refused.value.problems
    assert problem.row == 3 and "UTF-8" in problem.message


def test_a_streamed_csv_may_be_utf16_with_a_bom_as_powershell_writes_it() -> None:
    content = "run_id,job,duration_s\n1,test,60\n".encode("utf-16")
    assert [record.duration_s for record in read_all([("runs.csv", content)])] == [60]


def test_an_empty_streamed_file_is_refused() -> None:
    with pytest.raises(ImportRefused) as refused:
        read_all([("runs.csv", b"  \n")])
    assert refused.value.problems[0].message == "The file is empty."


@settings(max_examples=300)
@given(st.binary(), st.sampled_from(["runs.csv", "runs.json", "runs"]))
def test_streaming_only_ever_refuses_random_bytes(content: bytes, name: str) -> None:
    try:
        read_all([(name, content)])
    except ImportRefused as refused:
        assert refused.problems
