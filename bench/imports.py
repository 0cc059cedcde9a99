"""Benchmark: importing a large CSV of job runs with `manage.py import_runs`, end to end.

Writes a CSV of `--rows` job runs (the timed format GitHub exports give: run id, job, queued,
started and completed times, conclusion, runner labels) for the demo's mural-api workflow,
then runs the import command in a child process, twice: into an empty history (every row
inserted) and again (every row already present). Reports wall time, job runs per second and
the child's peak resident memory. Target (issue 10): >= 20,000 job runs/s for 1M rows on
PostgreSQL.

Run from the repository root against a database of your own (it is migrated and the
benchmark's team is replaced):

    createdb -h 127.0.0.1 -U postgres imports_db
    python bench/imports.py --database-url postgres://postgres@127.0.0.1:5432/imports_db
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEAM = "bench-imports"
REPOSITORY = "bench/mural-api"
WORKFLOW = ROOT / "fixtures" / "mural-api-build.yml"
TARGET_PER_S = 20_000


def write_csv(path: Path, rows: int, job_keys: list[str]) -> None:
    """`rows` job runs: one workflow run per len(job_keys) rows, a run every 5 minutes."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    conclusions = ["success"] * 18 + ["failure", "cancelled"]
    with path.open("w") as out:
        out.write("run_id,job,created_at,started_at,completed_at,conclusion,runner_labels\n")
        for row in range(rows):
            run, position = divmod(row, len(job_keys))
            queued = start + timedelta(minutes=5 * run, seconds=position)
            started = queued + timedelta(seconds=3 + row % 11)
            completed = started + timedelta(seconds=60 + (row * 7919) % 600)
            out.write(
                f"{10_000_000 + run},{job_keys[position]},{queued:%Y-%m-%dT%H:%M:%SZ},"
                f"{started:%Y-%m-%dT%H:%M:%SZ},{completed:%Y-%m-%dT%H:%M:%SZ},"
                f"{conclusions[row % len(conclusions)]},self-hosted linux\n"
            )


def prepare(database_url: str) -> list[str]:
    """Migrate, replace the benchmark's team, import the workflow; its job keys."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "decider.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from decider.importers.store import store_workflows
    from decider.importers.workflow_yaml import parse_workflow_files
    from decider.models import Repository, Team

    call_command("migrate", verbosity=0)
    Team.objects.filter(slug=TEAM).delete()
    team = Team.objects.create(slug=TEAM, name="Import benchmark")
    repository = Repository.objects.create(team=team, name=REPOSITORY)
    records = parse_workflow_files([(".github/workflows/build.yml", WORKFLOW.read_bytes())])
    (report,) = store_workflows(repository, records)
    return list(report.workflow.jobs.order_by("order").values_list("key", flat=True))


def run_import(path: Path, database_url: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, the command's summary line) of one import in a child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "import_runs",
            str(path),
            "--team",
            TEAM,
            "--repo",
            REPOSITORY,
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - began
    if done.returncode:
        sys.exit(f"import_runs failed:\n{done.stdout}\n{done.stderr}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = next(line for line in done.stdout.splitlines() if "job runs added" in line)
    # ru_maxrss of children is the largest child so far; the first run is the larger one.
    return seconds, max(peak_kb, before) / 1024, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imports_db"),
    )
    options = parser.parse_args()
    job_keys = prepare(options.database_url)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "job-runs.csv"
        write_csv(path, options.rows, job_keys)
        size_mb = path.stat().st_size / 1024 / 1024
        print(f"{options.rows:,} job runs, {size_mb:.1f} MB CSV, {os.cpu_count()} cores")
        for label in ("empty history", "again (all present)"):
            seconds, peak_mb, summary = run_import(path, options.database_url)
            rate = options.rows / seconds
            verdict = "meets" if rate >= TARGET_PER_S else "misses"
            print(
                f"  {label}: {seconds:.1f} s, {rate:,.0f} job runs/s ({verdict} "
                f"{TARGET_PER_S:,}/s), peak {peak_mb:.0f} MB  [{summary}]"
            )


if __name__ == "__main__":
    main()
