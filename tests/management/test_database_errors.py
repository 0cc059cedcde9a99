"""A command on a database that is down or not set up says so in one line and exits 1."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from decider.management.commands import import_pools

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = [
    ["import_pools", "fixtures/runner-pools.csv", "--team", "demo"],
    ["import_workflow", "fixtures/mural-api-build.yml", "--team", "demo", "--repo", "a/b"],
    ["import_runs", "fixtures/job-runs.csv", "--team", "demo", "--repo", "a/b"],
    ["analyze", "--workflow-id", "1"],
    ["export_pdf", "--scenario", "1", "-o", "/dev/null"],
    ["load_demo"],
]


def _manage(database_url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("arguments", COMMANDS, ids=[command[0] for command in COMMANDS])
def test_a_database_that_cannot_be_opened_is_one_line(arguments, tmp_path) -> None:
    result = _manage(f"sqlite:///{tmp_path / 'missing' / 'db.sqlite3'}", *arguments)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("CommandError: Database error: unable to open database file.")
    assert "Check DATABASE_URL" in lines[0]


def test_a_database_never_migrated_is_one_line_that_says_to_migrate(tmp_path) -> None:
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    result = _manage(
        f"sqlite:///{empty}", "import_pools", "fixtures/runner-pools.csv", "--team", "x"
    )
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert "no such table" in line
    assert "`manage.py migrate` has run" in line


@pytest.mark.django_db
def test_call_command_raises_a_command_error_naming_the_cause(monkeypatch) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise OperationalError('connection to server at "db" failed:\n  Connection refused')

    monkeypatch.setattr(import_pools, "team_named", down)
    with pytest.raises(CommandError, match=r'^Database error: connection to server at "db" failed'):
        call_command("import_pools", str(ROOT / "fixtures/runner-pools.csv"), "--team", "demo")
