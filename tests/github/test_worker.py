"""The sync on a real background worker process: queued from the page's code path, killed with
SIGKILL part-way, and finished by a new worker with nothing duplicated or lost."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from decider.github.fake import Served, generate_history
from decider.github.tasks import start_sync
from decider.models import JobRun, Repository, SyncRun, WorkflowRun
from tests.github.worker import start_worker

RUNS, JOBS = 200, 5


def _wait_for(condition, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sync_is_resumed_by_the_next_with_nothing_lost(
    connected: Repository, github: Served
) -> None:
    generate_history(github.fake, runs=RUNS, jobs_per_run=JOBS)
    github.fake.delay_s = 0.02  # about 5 s of requests, so the kill lands mid-sync
    sync, started = start_sync(connected, timezone.now() - timedelta(days=30))
    assert started
    worker = start_worker()
    try:
        _wait_for(lambda: SyncRun.objects.get(pk=sync.pk).runs_fetched >= 40)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    killed = SyncRun.objects.get(pk=sync.pk)
    assert killed.state == SyncRun.State.RUNNING
    assert 40 <= killed.runs_fetched < RUNS
    stored_before = WorkflowRun.objects.count()

    restarted = start_worker("--batch")
    output, _ = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, output.decode()
    assert f"Resuming the sync of {connected.name}" in output.decode()
    done = SyncRun.objects.get(pk=sync.pk)
    # The killed worker's task is marked failed, the resumed one succeeded (the worker's
    # hourly alert checks are tasks of their own).
    syncs = DBTaskResult.objects.filter(task_path__endswith="sync_repository")
    statuses = sorted(syncs.values_list("status", flat=True))
    assert statuses == ["FAILED", "SUCCESSFUL"]
    assert done.state == SyncRun.State.DONE, done.error
    assert WorkflowRun.objects.count() == RUNS
    # Every 20th run has a second attempt of one job.
    assert JobRun.objects.count() == RUNS * JOBS + RUNS // 20
    assert done.runs_fetched == RUNS
    # The new worker asked again only for runs not stored before the kill (at most the one
    # chunk being stored when it died).
    job_lists = len(github.fake.requests("/jobs"))
    assert job_lists <= RUNS + 10
    assert stored_before >= 40
