"""The sync against the fake GitHub API over HTTP: what it stores, what it asks, how it stops."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from decider.github.fake import FakeGitHub, Served, finish_runs, generate_history
from decider.github.sync import run_sync
from decider.models import JobRun, Repository, SyncRun, Workflow, WorkflowRun
from tests.github.conftest import FAST, TOKEN, new_sync

pytestmark = pytest.mark.django_db


def _history(fake: FakeGitHub, runs: int, jobs: int = 6, in_progress: int = 0) -> None:
    generate_history(fake, runs=runs, jobs_per_run=jobs, in_progress=in_progress)


def test_a_first_sync_stores_workflows_runs_and_every_attempts_jobs(
    connected: Repository, github: Served, caplog: pytest.LogCaptureFixture
) -> None:
    _history(github.fake, runs=45, jobs=6)
    with caplog.at_level(logging.DEBUG):
        sync = run_sync(new_sync(connected), client_options=FAST)
    assert caplog.records  # httpx and httpcore log every request at these levels
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
    assert sync.state == SyncRun.State.DONE, sync.error
    workflow = Workflow.objects.get(repository=connected)
    assert workflow.path == ".github/workflows/ci.yml"
    # The local reusable call is expanded: its job is `publish / push`, as GitHub names it.
    assert "publish / push" in set(workflow.jobs.values_list("name", flat=True))
    assert WorkflowRun.objects.filter(workflow=workflow).count() == 45
    # 45 runs x 6 jobs, plus the re-run job of attempt 2 in runs 20 and 40.
    assert JobRun.objects.filter(job__workflow=workflow).count() == 45 * 6 + 2
    assert sync.runs_listed == 45 and sync.runs_fetched == 45
    assert sync.job_runs_fetched == 272 and sync.job_runs_added == 272
    job_run = JobRun.objects.filter(job__workflow=workflow, runner_group="large-pool").first()
    assert job_run is not None
    assert job_run.runner_labels == ["self-hosted", "linux", "large"]
    assert job_run.runner_name.startswith("large-pool-")
    assert job_run.created_at is not None and job_run.queue_wait_s is not None
    # About one request per run: repository, folder, 2 files, 1 runs page, 45 job lists.
    assert sync.requests == 4 + 1 + 45
    assert sync.rate_remaining is not None and sync.rate_remaining < 5000


def test_a_resync_of_an_unchanged_repository_makes_only_conditional_requests(
    connected: Repository, github: Served
) -> None:
    _history(github.fake, runs=150, jobs=4)
    run_sync(new_sync(connected), client_options=FAST)
    before = JobRun.objects.count()
    github.fake.seen.clear()
    again = run_sync(new_sync(connected), client_options=FAST)
    assert again.state == SyncRun.State.DONE
    assert JobRun.objects.count() == before
    seen = github.fake.requests()
    # repository, folder, two runs pages: every one conditional, every answer 304.
    assert len(seen) == 4
    assert all(request.conditional and request.status == 304 for request in seen)
    assert again.not_modified == 4 and again.job_runs_added == 0


def test_a_resync_fetches_only_runs_that_changed(connected: Repository, github: Served) -> None:
    _history(github.fake, runs=30, jobs=6, in_progress=2)
    first = run_sync(new_sync(connected), client_options=FAST)
    # In-progress jobs are not measured yet: 2 runs x 3 unfinished... only finished ones stored.
    stored = JobRun.objects.count()
    assert first.job_runs_fetched == 30 * 6 + 1
    assert stored == 30 * 6 + 1 - 2 * 3
    assert finish_runs(github.fake) == 2
    github.fake.seen.clear()
    second = run_sync(new_sync(connected), client_options=FAST)
    job_lists = [seen for seen in github.fake.requests("/jobs")]
    assert len(job_lists) == 2  # the two runs that finished, nothing else
    assert second.job_runs_added == 2 * 3
    assert JobRun.objects.count() == 30 * 6 + 1


def test_pagination_follows_link_headers(connected: Repository, github: Served) -> None:
    _history(github.fake, runs=250, jobs=2)
    sync = run_sync(new_sync(connected), client_options=FAST)
    pages = [seen for seen in github.fake.requests("/actions/runs") if "/jobs" not in seen.path]
    assert len(pages) == 3  # 100 + 100 + 50
    assert sync.runs_listed == 250


def test_the_window_leaves_older_runs_out(connected: Repository, github: Served) -> None:
    # One run every 30 minutes back from now: 2 days hold 96 of them.
    generate_history(github.fake, runs=200, jobs_per_run=2, end=datetime.now(UTC))
    sync = run_sync(new_sync(connected, days=2), client_options=FAST)
    assert sync.runs_fetched in (95, 96)
    assert WorkflowRun.objects.count() == sync.runs_fetched


@pytest.mark.parametrize(
    ("status", "headers"),
    [(403, {"retry-after": "1"}), (429, {"retry-after": "1"}), (502, {})],
    ids=["secondary rate limit", "429", "502 then success"],
)
def test_rate_limits_and_server_errors_are_waited_out(
    connected: Repository, github: Served, status: int, headers: dict[str, str]
) -> None:
    _history(github.fake, runs=5, jobs=2)
    github.fake.fail(r"/jobs$", status, times=2, headers=headers)
    sync = run_sync(new_sync(connected), client_options={**FAST, "sleep": lambda s: None})
    assert sync.state == SyncRun.State.DONE, sync.error
    assert JobRun.objects.count() == 10
    refused = [seen for seen in github.fake.requests("/jobs") if seen.status == status]
    assert len(refused) == 2


def test_a_primary_rate_limit_waits_until_the_reset(connected: Repository, github: Served) -> None:
    _history(github.fake, runs=2, jobs=2)
    reset = int(datetime.now(UTC).timestamp()) + 3
    github.fake.fail(
        r"/jobs$",
        403,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    waits: list[float] = []
    sync = run_sync(new_sync(connected), client_options={**FAST, "sleep": waits.append})
    assert sync.state == SyncRun.State.DONE
    assert len(waits) == 1 and 1 <= waits[0] <= 4


def test_a_wait_longer_than_allowed_stops_with_when_to_come_back(
    connected: Repository, github: Served
) -> None:
    _history(github.fake, runs=2, jobs=2)
    github.fake.fail(r"/jobs$", 403, headers={"retry-after": "7200"})
    sync = run_sync(new_sync(connected), client_options=FAST)
    assert sync.state == SyncRun.State.FAILED
    assert "rate limit is used up until" in sync.error


def test_401_stops_and_says_to_enter_new_credentials(
    connected: Repository, github: Served, caplog: pytest.LogCaptureFixture
) -> None:
    _history(github.fake, runs=3, jobs=2)
    github.fake.tokens.clear()  # the token was revoked
    with caplog.at_level(logging.DEBUG):
        sync = run_sync(new_sync(connected), client_options=FAST)
    assert sync.state == SyncRun.State.FAILED
    assert "401" in sync.error and "Enter new credentials" in sync.error
    assert TOKEN not in sync.error
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
    assert JobRun.objects.count() == 0


def test_404_stops_and_says_what_to_check(connected: Repository, github: Served) -> None:
    github.fake.repositories.clear()
    sync = run_sync(new_sync(connected), client_options=FAST)
    assert sync.state == SyncRun.State.FAILED
    assert "404" in sync.error and "owner/name" in sync.error


def test_a_token_without_actions_access_is_told_which_permission(
    connected: Repository, github: Served
) -> None:
    _history(github.fake, runs=3, jobs=2)
    github.fake.allow(TOKEN, {"metadata", "contents"})
    sync = run_sync(new_sync(connected), client_options=FAST)
    assert sync.state == SyncRun.State.FAILED
    assert "Actions" in sync.error and "403" in sync.error
    assert Workflow.objects.filter(repository=connected).count() == 1  # files were readable


def test_a_persistent_5xx_stops_after_its_retries(connected: Repository, github: Served) -> None:
    _history(github.fake, runs=1, jobs=2)
    github.fake.fail(r"/jobs$", 502, times=50)
    sync = run_sync(new_sync(connected), client_options=FAST)
    assert sync.state == SyncRun.State.FAILED
    assert "try again later" in sync.error
    assert len(github.fake.requests("/jobs")) == 5


def test_cancel_stops_between_chunks(connected: Repository, github: Served) -> None:
    _history(github.fake, runs=40, jobs=2)
    sync = new_sync(connected)

    def cancel_after_first_chunk(progress: SyncRun) -> None:
        if progress.runs_fetched >= 10:
            SyncRun.objects.filter(pk=progress.pk).update(cancel_requested=True)

    done = run_sync(sync, client_options=FAST, progress=cancel_after_first_chunk)
    assert done.state == SyncRun.State.CANCELLED
    assert done.runs_fetched == 10
    assert WorkflowRun.objects.count() == 10


def test_an_interrupted_sync_resumes_without_duplicates(
    connected: Repository, github: Served
) -> None:
    """A sync stopped part-way (here by a 401 after 20 runs) and run again ends with every run
    stored once and asks again only for the runs it had not stored."""
    _history(github.fake, runs=60, jobs=3)
    sync = new_sync(connected)

    def revoke_after_two_chunks(progress: SyncRun) -> None:
        if progress.runs_fetched >= 20:
            github.fake.tokens.clear()

    stopped = run_sync(sync, client_options=FAST, progress=revoke_after_two_chunks)
    assert stopped.state == SyncRun.State.FAILED
    assert WorkflowRun.objects.count() == 20
    github.fake.allow(TOKEN)
    github.fake.seen.clear()
    resumed = run_sync(stopped, client_options=FAST)
    assert resumed.state == SyncRun.State.DONE
    assert WorkflowRun.objects.count() == 60
    assert JobRun.objects.count() == 60 * 3 + 3  # runs 20, 40 and 60 have an attempt 2
    assert len(github.fake.requests("/jobs")) == 40
    assert resumed.runs_fetched == 60


def test_runs_of_workflows_not_in_the_folder_are_noted_not_fetched(
    connected: Repository, github: Served
) -> None:
    _history(github.fake, runs=3, jobs=2)
    for run in github.fake.repositories["acme/widgets"].runs.values():
        run["path"] = "dynamic/github-code-scanning/codeql"
    sync = run_sync(new_sync(connected), client_options=FAST)
    assert sync.state == SyncRun.State.DONE
    assert github.fake.requests("/jobs") == []
    assert any("codeql" in note for note in sync.notes)


def test_a_broken_workflow_file_is_noted_and_the_others_imported(
    connected: Repository, github: Served
) -> None:
    _history(github.fake, runs=2, jobs=2)
    github.fake.repositories["acme/widgets"].files[".github/workflows/broken.yml"] = "jobs: ["
    sync = run_sync(new_sync(connected), client_options=FAST)
    assert sync.state == SyncRun.State.DONE
    assert list(Workflow.objects.values_list("path", flat=True)) == [".github/workflows/ci.yml"]
    assert any("broken.yml" in note for note in sync.notes)


def test_no_job_is_stored_twice_when_two_syncs_overlap(
    connected: Repository, github: Served
) -> None:
    _history(github.fake, runs=12, jobs=3)
    run_sync(new_sync(connected), client_options=FAST)
    # Forget what was synced, as a second worker racing the first would not know it yet.
    connected.synced_runs.all().delete()
    connected.github_cached_pages.all().delete()
    again = run_sync(new_sync(connected), client_options=FAST)
    assert again.job_runs_fetched == 12 * 3 + 0 and again.job_runs_added == 0
    assert JobRun.objects.count() == 12 * 3


def test_time_is_utc_throughout(connected: Repository, github: Served) -> None:
    end = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    generate_history(github.fake, runs=1, jobs_per_run=2, end=end)
    run_sync(new_sync(connected, days=90), client_options=FAST)
    run = WorkflowRun.objects.get()
    assert run.created_at == end - timedelta(minutes=30)


def test_a_window_past_githubs_listing_cap_is_read_a_day_then_an_hour_at_a_time(
    connected: Repository, github: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GitHub lists at most 1,000 runs per `created` filter (here 50, on both sides, so the
    test stays small): a window past it is listed per day, a day past it per hour."""
    monkeypatch.setattr("decider.github.sync.LISTING_CAP", 50)
    github.fake.listing_cap = 50
    # 130 runs 5 minutes apart, ending at 20:00 today: about 11 hours of one day.
    end = datetime.now(UTC).replace(hour=20, minute=0, second=0, microsecond=0)
    generate_history(github.fake, runs=130, jobs_per_run=2, end=end, every=timedelta(minutes=5))
    sync = run_sync(new_sync(connected, days=1), client_options=FAST)
    assert sync.state == SyncRun.State.DONE, sync.error
    assert WorkflowRun.objects.count() == 130
    assert sync.runs_fetched == 130
    listings = [
        seen.query for seen in github.fake.requests("/actions/runs") if "jobs" not in seen.path
    ]
    assert any("%3A00%3A00Z.." in query for query in listings)  # hour by hour
    assert sync.notes == []
