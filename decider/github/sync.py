"""Sync one repository from GitHub: its workflow files, then its runs and their jobs.

Workflows: the files in `.github/workflows` at the default branch (local reusable workflows
live there too, so calls are expanded), parsed and stored by the importers as an upload is.
Runs: the runs list created since the window's first day, newest first, 100 a page; for each
run GitHub says changed since the last sync (`updated_at`, status or attempt differ from
`SyncedRun`), its jobs of every attempt (`filter=all`) go through the JSON importer and the
store, whose unique constraints keep anything from being stored twice.

Every request that can be conditional is: the repository, the folder and each file, each runs
page. A re-sync of an unchanged repository is only 304s. An ETag is saved in the same
transaction as what its page brought, so a sync killed part-way asks again for exactly what it
had not stored, and a restarted sync skips the runs it had finished (resume).

Runs are stored in chunks of `CHUNK_RUNS`, each one transaction with the sync's counters, so
progress is live and a kill loses at most a chunk's requests, never data.
"""

from __future__ import annotations

import base64
import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from decider.github import secrets
from decider.github.client import GitHubClient, GitHubError, Page
from decider.github.connection import client_for
from decider.importers.github_json import parse_json_runs
from decider.importers.problems import ImportRefused
from decider.importers.records import RunImport
from decider.importers.store import store_runs, store_workflows
from decider.importers.webhook_deliveries import reread_after_import
from decider.importers.workflow_yaml import parse_workflow_files
from decider.models import (
    GitHubCachedPage,
    GitHubConnection,
    Repository,
    SyncedRun,
    SyncRun,
    Workflow,
)

WORKFLOWS_FOLDER = ".github/workflows"
PER_PAGE = 100
# GitHub lists at most this many runs for one `created` filter.
LISTING_CAP = 1000
CHUNK_RUNS = 10
MAX_NOTES = 20


class SyncCancelled(Exception):
    pass


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class _Pending:
    """ETags to save with the data their answers brought (url -> (etag, body))."""

    pages: dict[str, tuple[str, str]] = field(default_factory=dict)


def run_sync(
    sync: SyncRun,
    *,
    client_options: dict[str, Any] | None = None,
    progress: Callable[[SyncRun], None] | None = None,
) -> SyncRun:
    """Run (or resume) `sync` to its end: done, failed with a message, or cancelled."""
    repository = sync.repository
    SyncRun.objects.filter(pk=sync.pk).update(
        state=SyncRun.State.RUNNING,
        started_at=sync.started_at or timezone.now(),
        heartbeat_at=timezone.now(),
        worker=worker_name(),
        message="Starting",
    )
    sync.refresh_from_db()
    connection = GitHubConnection.objects.filter(repository=repository).first()
    if connection is None:
        return _finish(
            sync,
            SyncRun.State.FAILED,
            error=f"{repository.name} is not connected to GitHub: connect it first.",
        )
    try:
        client = client_for(connection, on_wait=_waiting(sync), **(client_options or {}))
    except (GitHubError, secrets.SecretUnreadable) as error:
        return _finish(sync, SyncRun.State.FAILED, error=str(error))
    run = _Sync(sync, repository, client, progress)
    try:
        with client:
            run.workflows()
            run.runs()
    except GitHubError as error:
        return _finish(sync, SyncRun.State.FAILED, error=error.message, client=client)
    except SyncCancelled:
        return _finish(sync, SyncRun.State.CANCELLED, client=client)
    return _finish(sync, SyncRun.State.DONE, client=client)


def _finish(
    sync: SyncRun, state: str, *, error: str = "", client: GitHubClient | None = None
) -> SyncRun:
    fields: dict[str, Any] = {"state": state, "finished_at": timezone.now(), "error": error}
    fields["message"] = {"done": "Finished", "cancelled": "Cancelled"}.get(str(state), "Stopped")
    if client is not None:
        fields |= _client_figures(client)
    SyncRun.objects.filter(pk=sync.pk).update(**fields)
    sync.refresh_from_db()
    return sync


def _client_figures(client: GitHubClient) -> dict[str, Any]:
    """The request counters as increments, plus the last rate-limit headers seen."""
    counters = client.counters
    figures: dict[str, Any] = {
        "requests": F("requests") + counters.requests,
        "not_modified": F("not_modified") + counters.not_modified,
        "heartbeat_at": timezone.now(),
    }
    counters.requests = counters.not_modified = 0
    if counters.rate.remaining is not None:
        figures["rate_remaining"] = counters.rate.remaining
        figures["rate_limit"] = counters.rate.limit
        figures["rate_reset_at"] = counters.rate.reset_at
    return figures


def _waiting(sync: SyncRun) -> Callable[[str, float], None]:
    def on_wait(why: str, seconds: float) -> None:
        SyncRun.objects.filter(pk=sync.pk).update(
            message=f"Waiting {seconds:.0f} s ({why})", heartbeat_at=timezone.now()
        )

    return on_wait


class _Sync:
    def __init__(
        self,
        sync: SyncRun,
        repository: Repository,
        client: GitHubClient,
        progress: Callable[[SyncRun], None] | None,
    ) -> None:
        self.sync = sync
        self.repository = repository
        self.client = client
        self.progress = progress
        self.base = f"/repos/{repository.name}"
        self.cached = {
            page.url: page
            for page in GitHubCachedPage.objects.filter(repository=repository).only(
                "url", "etag", "body"
            )
        }

    # -- conditional requests ------------------------------------------------------------

    def get(self, path: str, params: dict[str, str | int] | None = None) -> tuple[Page, str]:
        """A conditional GET; on 304 the cached body stands in for the answer's text."""
        url = self.client.url(path) + (f"?{urlencode(params)}" if params else "")
        known = self.cached.get(url)
        page = self.client.get(url, etag=known.etag if known else "")
        if page.not_modified and known is not None:
            return page, known.body
        return page, page.text

    def remember(self, pending: _Pending, page: Page, body: str) -> None:
        if page.etag:
            pending.pages[page.url] = (page.etag, body)

    def save_cache(self, pending: _Pending) -> None:
        for url, (etag, body) in pending.pages.items():
            row, _ = GitHubCachedPage.objects.update_or_create(
                repository=self.repository, url=url, defaults={"etag": etag, "body": body}
            )
            self.cached[url] = row
        pending.pages.clear()

    # -- workflows -----------------------------------------------------------------------

    def workflows(self) -> None:
        self.say("Reading the workflow files")
        pending = _Pending()
        repo_page, repo_text = self.get(self.base)
        self.remember(pending, repo_page, repo_text)
        branch = json.loads(repo_text).get("default_branch") or "main"
        listing, listing_text = self.get(
            f"{self.base}/contents/{WORKFLOWS_FOLDER}", {"ref": branch}
        )
        if listing.not_modified and self.repository.workflows.exists():
            self.save_cache(pending)
            return
        self.remember(pending, listing, listing_text)
        files: list[tuple[str, str]] = []
        for entry in json.loads(listing_text):
            path = str(entry.get("path", ""))
            if entry.get("type") != "file" or not path.endswith((".yml", ".yaml")):
                continue
            page, text = self.get(f"{self.base}/contents/{path}", {"ref": branch})
            self.remember(pending, page, text)
            content = json.loads(text)
            files.append((path, _decoded(content)))
        records = self.parse(files)
        with transaction.atomic():
            reports = store_workflows(self.repository, records) if records else []
            reread_after_import(self.repository)
            self.save_cache(pending)
            SyncRun.objects.filter(pk=self.sync.pk).update(
                workflows_imported=len(reports), **_client_figures(self.client)
            )

    def parse(self, files: list[tuple[str, str]]) -> list[Any]:
        """Every file that parses: one GitHub would refuse is left out with a note, so one
        broken file does not stop the others from being read."""
        if not files:
            self.note(f"No workflow files in {WORKFLOWS_FOLDER} on the default branch.")
            return []
        try:
            return parse_workflow_files(list(files), repository=self.repository.name)
        except ImportRefused as refused:
            broken = {problem.source for problem in refused.problems}
            for problem in refused.problems[:5]:
                self.note(f"Not imported: {problem}")
            kept = [(path, text) for path, text in files if path not in broken]
            if not kept or len(kept) == len(files):
                return []
            return self.parse(kept)

    # -- runs ----------------------------------------------------------------------------

    def runs(self) -> None:
        """The runs created in the window, in one listing while GitHub can list them all: it
        returns at most 1,000 runs for a listing filtered by `created`. Past that, the window
        is listed a day at a time (newest first), and a day past the cap hour by hour."""
        self.workflow_paths = {
            workflow.path: workflow for workflow in self.repository.workflows.all()
        }
        self.seen = dict(
            SyncedRun.objects.filter(repository=self.repository).values_list(
                "github_run_id", "updated_at"
            )
        )
        first, last = self.sync.since.date(), timezone.now().date()
        # A day, not the moment: the URL (so its ETag) stays the same all day.
        if self.list_runs(f">={first:%Y-%m-%d}", splittable=True) <= LISTING_CAP:
            return
        for offset in range((last - first).days, -1, -1):
            day = f"{first + timedelta(days=offset):%Y-%m-%d}"
            if self.list_runs(day, splittable=True) <= LISTING_CAP:
                continue
            for hour in range(24):
                span = f"{day}T{hour:02d}:00:00Z..{day}T{hour:02d}:59:59Z"
                if self.list_runs(span, splittable=False) > LISTING_CAP:
                    self.note(
                        f"More than {LISTING_CAP:,} runs were created between {hour:02d}:00 "
                        f"and {hour:02d}:59 UTC on {day}: GitHub lists only "
                        f"{LISTING_CAP:,} of them, so the others were not read."
                    )

    def list_runs(self, created: str, *, splittable: bool) -> int:
        """Read the runs a `created` filter lists, page by page; returns GitHub's total count.
        A `splittable` listing whose total is past the cap is left for the caller to split."""
        params: dict[str, str | int] = {"per_page": PER_PAGE, "created": created}
        url: str | None = self.client.url(f"{self.base}/actions/runs") + "?" + urlencode(params)
        total = 0
        first_page = True
        while url:
            self.check_cancelled()
            self.say("Reading the runs list")
            page, text = self.get(url)
            if page.not_modified:
                cached = json.loads(text) if text else {}
                total = cached.get("total", total) if first_page else total
                self.count(runs_listed=int(cached.get("listed", 0)))
                url = cached.get("next")
                first_page = False
                if splittable and total > LISTING_CAP:
                    return total
                continue
            if first_page:
                total = int(page.data.get("total_count") or 0)
            first_page = False
            listed = [
                run
                for run in page.data.get("workflow_runs", [])
                if _created(run) >= self.sync.since
            ]
            if not (splittable and total > LISTING_CAP):
                self.count(runs_listed=len(listed))
                wanted = [run for run in listed if _key(run) != self.seen.get(int(run["id"]))]
                for start in range(0, len(wanted), CHUNK_RUNS):
                    self.check_cancelled()
                    self.store_chunk(wanted[start : start + CHUNK_RUNS], self.workflow_paths)
            pending = _Pending()
            body = {"next": page.next_url, "total": total, "listed": len(listed)}
            self.remember(pending, page, json.dumps(body))
            with transaction.atomic():
                self.save_cache(pending)
            if splittable and total > LISTING_CAP:
                return total
            url = page.next_url
        return total

    def store_chunk(self, runs: list[dict[str, Any]], workflows: dict[str, Workflow]) -> None:
        self.say(f"Reading the jobs of {len(runs)} runs")
        by_workflow: dict[int, tuple[Workflow, RunImport]] = {}
        job_count = 0
        fetched = 0
        for run in runs:
            workflow = workflows.get(str(run.get("path", "")).split("@")[0])
            if workflow is None:
                self.note(
                    f"Runs of {run.get('path') or run.get('name')} are not read: that workflow "
                    f"is not in {WORKFLOWS_FOLDER} at the default branch."
                )
                continue
            fetched += 1
            parsed = parse_json_runs(f"run {run['id']}", json.dumps(run))
            target = by_workflow.setdefault(workflow.pk, (workflow, RunImport()))[1]
            target.runs += parsed.runs
            for page in self.client.pages(
                f"{self.base}/actions/runs/{run['id']}/jobs",
                {"filter": "all", "per_page": PER_PAGE},
            ):
                jobs = parse_json_runs(f"run {run['id']} jobs", page.text)
                job_count += len(page.data.get("jobs", []))
                target.jobs += jobs.jobs
        with transaction.atomic():
            added = sum(
                store_runs(workflow, found).added for workflow, found in by_workflow.values()
            )
            SyncedRun.objects.bulk_create(
                [
                    SyncedRun(
                        repository=self.repository,
                        github_run_id=int(run["id"]),
                        updated_at=_key(run),
                        status=str(run.get("status") or ""),
                        run_attempt=run.get("run_attempt"),
                    )
                    for run in runs
                ],
                update_conflicts=True,
                unique_fields=["repository", "github_run_id"],
                update_fields=["updated_at", "status", "run_attempt"],
            )
            self.count(runs_fetched=fetched, job_runs_fetched=job_count, job_runs_added=added)

    # -- progress ------------------------------------------------------------------------

    def count(self, **increments: int) -> None:
        SyncRun.objects.filter(pk=self.sync.pk).update(
            **{name: F(name) + value for name, value in increments.items()},
            **_client_figures(self.client),
        )
        if self.progress is not None:
            self.sync.refresh_from_db()
            self.progress(self.sync)

    def say(self, message: str) -> None:
        SyncRun.objects.filter(pk=self.sync.pk).update(message=message, heartbeat_at=timezone.now())

    def note(self, text: str) -> None:
        self.sync.refresh_from_db(fields=["notes"])
        if text not in self.sync.notes and len(self.sync.notes) < MAX_NOTES:
            self.sync.notes.append(text)
            SyncRun.objects.filter(pk=self.sync.pk).update(notes=self.sync.notes)

    def check_cancelled(self) -> None:
        if SyncRun.objects.filter(pk=self.sync.pk, cancel_requested=True).exists():
            raise SyncCancelled


def _key(run: dict[str, Any]) -> str:
    """What says a run changed: GitHub's updated_at, with its attempt and status."""
    return f"{run.get('updated_at')}|{run.get('run_attempt')}|{run.get('status')}"[:40]


def _created(run: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(run["created_at"]).replace("Z", "+00:00"))


def _decoded(content: Any) -> str:
    if not isinstance(content, dict) or content.get("encoding") != "base64":
        raise GitHubError("GitHub answered a workflow file without its content.")
    return base64.b64decode(content.get("content", "")).decode("utf-8", "replace")
