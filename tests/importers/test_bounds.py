"""Imported numbers a real GitHub run cannot have are refused with file, row and field."""

import json

import pytest

from decider.importers.job_runs import parse_runs
from decider.importers.pools_csv import parse_pools_csv
from decider.importers.problems import ImportRefused, Problem
from tests.importers.test_job_runs import page, rest_job


def refusal(files: list[tuple[str, str]]) -> list[Problem]:
    with pytest.raises(ImportRefused) as refused:
        parse_runs(files)
    return refused.value.problems


def test_a_duration_of_1e300_seconds_is_refused_with_its_row_and_field() -> None:
    problems = refusal([("runs.csv", "run_id,job,duration_s\n1,build,524\n2,build,1e300\n")])

    assert [(p.source, p.row, p.field) for p in problems] == [("runs.csv", 3, "duration_s")]
    assert "longer than GitHub lets a workflow run last (35 days)" in problems[0].message


def test_a_completion_in_year_9999_is_refused_in_a_csv() -> None:
    content = (
        "job,started_at,completed_at\n"
        "build,2024-05-01T10:00:00Z,2024-05-01T10:05:00Z\n"
        "build,2024-05-01T10:00:00Z,9999-12-31T23:59:59Z\n"
    )
    problems = refusal([("runs.csv", content)])

    assert [(p.source, p.row, p.field) for p in problems] == [("runs.csv", 3, "completed_at")]
    assert "is not between 2008-01-01 and" in problems[0].message


def test_a_start_before_github_existed_is_refused() -> None:
    content = "job,started_at,completed_at\nbuild,1999-05-01T10:00:00Z,2024-05-01T10:05:00Z\n"
    problems = refusal([("runs.csv", content)])

    assert [(p.row, p.field) for p in problems] == [(2, "started_at")]


def test_a_job_that_ran_for_forty_days_is_refused() -> None:
    content = "job,started_at,completed_at\nbuild,2024-05-01T10:00:00Z,2024-06-10T10:05:00Z\n"
    problems = refusal([("runs.csv", content)])

    assert [(p.row, p.field) for p in problems] == [(2, "completed_at")]
    assert "cannot have run that long" in problems[0].message


def test_a_completion_in_year_9999_is_refused_in_json() -> None:
    jobs = page(rest_job(), rest_job(id=2, completed_at="9999-12-31T23:59:59Z"))
    problems = refusal([("jobs.json", jobs)])

    assert [(p.source, p.field) for p in problems] == [("jobs.json", "jobs[1].completed_at")]


def test_a_json_job_that_ran_for_forty_days_is_refused() -> None:
    jobs = page(rest_job(completed_at="2024-06-10T10:05:00Z"))
    problems = refusal([("jobs.json", jobs)])

    assert [(p.source, p.field) for p in problems] == [("jobs.json", "jobs[0]")]
    assert "'build' cannot have run that long" in problems[0].message


def test_a_pool_of_a_hundred_million_runners_is_refused() -> None:
    header = "name,labels,runners,monthly_cost_usd_per_runner,baseline_utilization\n"
    with pytest.raises(ImportRefused) as refused:
        parse_pools_csv("pools.csv", header + "medium,medium,100000000,100,0.5\nx,x,4,1e9,0\n")

    problems = refused.value.problems
    assert [(p.row, p.field) for p in problems] == [
        (2, "runners"),
        (3, "monthly_cost_usd_per_runner"),
    ]
    assert problems[0].hint == "Give a whole number from 0 to 1,000."


def test_json_is_not_confused_by_the_bounds_of_a_valid_page() -> None:
    assert parse_runs([("jobs.json", json.dumps(json.loads(page(rest_job()))))]).jobs
