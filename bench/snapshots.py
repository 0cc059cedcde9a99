"""Benchmark: what a saved version's snapshot costs with a long measured history.

A version stores everything its figures were computed from, including every measured run of
the workflow (DESIGN.md semantics 15). With 100k job runs stored, that is the biggest thing a
save writes and a saved page reads. One run per history size (`--history demo,10k,100k`): a
temporary SQLite database gets the demo and that many generated job runs (imported with
`import_runs`, as a user would, the same data as `bench/web.py`), then, in-process:
- the stored snapshot's size (the JSON the database holds, as Django writes it);
- saving a version: `new_version` (the snapshot taken and the changes worded) and
  `Scenario.save_version` (the row and its version written);
- opening it: `analyse_saved` on the saved row (the snapshot read back and the figures
  recomputed, the verdict from the cache as on a second visit), the first time in a process
  and again, and the page through Django's test client;
- that the re-opened figures are those at save time.

Run from the repository root: `python bench/snapshots.py [--history demo,10k,100k]`.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
HISTORY_SIZES = {"demo": 0, "10k": 10_000, "100k": 100_000}
REPEATS = 5


def best_and_median_ms(action: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return min(seconds) * 1000, statistics.median(seconds) * 1000


def run_once(history: int) -> None:
    from web import DEMO_SCENARIO, prepare_database

    with tempfile.TemporaryDirectory(prefix="decider-snapshot-bench-") as scratch:
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{Path(scratch) / 'bench.sqlite3'}",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_SETTINGS_MODULE": "decider.settings",
            "PYTHONPATH": str(ROOT),
        }
        os.environ.update(env)
        prepare_database(env, history, Path(scratch))
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.test import Client

        from decider.adapter import snapshots
        from decider.adapter.results import key_figures
        from decider.adapter.saved import analyse_saved
        from decider.adapter.versions import new_version
        from decider.adapter.whatif import WhatIf
        from decider.models import Scenario

        row = Scenario.objects.select_related("workflow__repository__team").get(name=DEMO_SCENARIO)
        user = get_user_model().objects.get(username="demo")
        today = WhatIf.of(row.workflow)
        scenario = analyse_saved(row).scenario
        runs = sum(len(job.samples) for job in today.graph.jobs)

        def save() -> None:
            content = new_version(row, scenario, today, name=row.name, note=row.note)
            assert row.save_version(
                user,
                edited_version=row.version,
                name=row.name,
                note=row.note,
                **content.as_fields(),
            )

        save_best, save_median = best_and_median_ms(save)
        saved_figures = key_figures(today.results(scenario, verdict=True))
        stored = Scenario.objects.get(pk=row.pk)
        size = len(json.dumps(stored.snapshot))
        analyse_saved(stored)  # the verdict cached, as on any visit after the first

        def reopen() -> object:
            return analyse_saved(Scenario.objects.select_related("workflow").get(pk=row.pk))

        def first_open() -> object:
            forget = getattr(snapshots, "_CACHE", None)  # absent before the compact format
            if forget is not None:
                forget.clear()
            return reopen()

        first_best, first_median = best_and_median_ms(first_open)
        open_best, open_median = best_and_median_ms(reopen)
        reopened = analyse_saved(Scenario.objects.get(pk=row.pk))
        same = key_figures(reopened.results) == saved_figures
        client = Client()
        client.force_login(user)
        page_best, page_median = best_and_median_ms(
            lambda: client.get(f"/scenarios/{row.pk}/").status_code == 200
        )
        print(f"\n== history: {runs:,} job runs in the workflow's snapshot ==")
        per_run = size / max(runs, 1)
        print(f"snapshot stored          {size / 1e6:8.2f} MB ({per_run:.0f} bytes a job run)")
        print(f"save a version           {save_median:8.1f} ms (best {save_best:.1f})")
        print(f"analyse_saved, 1st read  {first_median:8.1f} ms (best {first_best:.1f})")
        print(f"analyse_saved, again     {open_median:8.1f} ms (best {open_best:.1f})")
        print(f"GET the saved page       {page_median:8.1f} ms (best {page_best:.1f})")
        print(f"figures re-opened = figures at save time: {'yes' if same else 'NO'}")
        if not same:
            raise SystemExit(1)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument(
        "--history", default="demo,100k", help="comma-separated: demo, 10k, 100k (job runs added)"
    )
    options = arguments.parse_args()
    sizes = options.history.split(",")
    if len(sizes) > 1:
        for size in sizes:  # one process per size: each has its own database and set-up
            subprocess.run([sys.executable, __file__, "--history", size], check=True)
        return
    run_once(HISTORY_SIZES[sizes[0]])


if __name__ == "__main__":
    main()
