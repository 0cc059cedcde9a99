"""Benchmark: syncing a repository from the fake GitHub API over HTTP, then re-syncing it.

Generates a history of `--runs` runs of `--jobs` jobs (the issue: 1,000 runs of 30 jobs),
serves it on a free local port (decider.github.fake, the same server the tests use), and runs
the sync in this process twice: a first sync (every run's jobs fetched and stored) and a
re-sync (nothing changed: every request conditional, every answer 304, nothing added).
Reports wall time, requests per run and rows added. Targets (issue 11): the first sync under
60 s at about one request per run; the re-sync only conditional requests, adding nothing.

Run from the repository root. By default it uses a throw-away SQLite file; pass
`--database-url postgres://postgres@127.0.0.1:5432/DB` to time PostgreSQL (the benchmark's
team is replaced there).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEAM = "bench-sync"
TARGET_S = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=30)
    parser.add_argument("--database-url", default="")
    options = parser.parse_args()
    scratch = tempfile.TemporaryDirectory()
    os.environ["DATABASE_URL"] = options.database_url or f"sqlite:///{scratch.name}/sync.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "decider.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from decider.github.connection import save_connection
    from decider.github.fake import HISTORY_REPOSITORY, FakeGitHub, generate_history, serve
    from decider.github.sync import run_sync
    from decider.models import JobRun, Repository, SyncRun, Team

    call_command("migrate", verbosity=0)
    Team.objects.filter(slug=TEAM).delete()
    team = Team.objects.create(slug=TEAM, name="Sync benchmark")
    repository = Repository.objects.create(team=team, name=HISTORY_REPOSITORY)
    fake = FakeGitHub()
    fake.allow("bench-token")
    generate_history(fake, runs=options.runs, jobs_per_run=options.jobs)
    served = serve(fake)
    save_connection(repository, kind="token", api_url=served.url, secret="bench-token")
    since = timezone.now() - timedelta(days=options.runs // 48 + 2)  # a run every 30 min

    failed = False
    for label in ("first sync", "re-sync"):
        before = JobRun.objects.filter(job__workflow__repository=repository).count()
        seen_before = len(fake.seen)
        began = time.perf_counter()
        sync = run_sync(SyncRun.objects.create(repository=repository, since=since))
        seconds = time.perf_counter() - began
        requests = fake.seen[seen_before:]
        added = JobRun.objects.filter(job__workflow__repository=repository).count() - before
        conditional = sum(request.conditional for request in requests)
        not_modified = sum(request.status == 304 for request in requests)
        print(
            f"{label}: {sync.state} in {seconds:.1f} s; {sync.runs_fetched} runs read, "
            f"{added} job runs added; {len(requests)} requests "
            f"({len(requests) / options.runs:.2f} per run), {conditional} conditional, "
            f"{not_modified} answered 304"
        )
        if label == "first sync":
            failed |= seconds >= TARGET_S or sync.state != "done"
        else:
            failed |= added != 0 or conditional != len(requests) or not_modified != len(requests)
    served.stop()
    print("targets met" if not failed else "TARGET MISSED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
