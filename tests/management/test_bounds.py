"""The commands take the same limits and work budget as the pages (engine/limits.py)."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.management.test_analyze import POOLS, SEED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pipelines-at-once", "1000000"], "less than or equal to 50"),
        (["--pipelines-per-hour", "1000000000"], "less than or equal to 1000"),
        (["--target-queue-wait", "1e300"], "less than or equal to 259200"),
    ],
)
def test_analyze_refuses_numbers_beyond_the_limits(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("analyze", *SEED, *POOLS, *args, stdout=StringIO())


def test_analyze_says_when_a_verdict_would_pass_the_work_budget() -> None:
    out = StringIO()
    started = time.perf_counter()
    # Rare enough that even the fewest simulated pipelines would pass the budget.
    call_command("analyze", *SEED, *POOLS, "--pipelines-per-hour", "0.0005", stdout=out)
    assert time.perf_counter() - started < 5
    assert "too big to simulate here" in out.getvalue()


def test_simulate_refuses_a_hundred_million_runners() -> None:
    with pytest.raises(CommandError, match="less than or equal to 1000"):
        call_command(
            "simulate", "--runners", "small=100000000", "--utilization", "small=0.5",
            stdout=StringIO(),
        )  # fmt: skip


def test_simulate_refuses_a_run_past_the_work_budget_before_starting() -> None:
    started = time.perf_counter()
    with pytest.raises(CommandError, match="more than the 6,000,000 one simulation may take"):
        call_command(
            "simulate", "--runners", "small=1000", "--utilization", "small=0.99",
            "--jobs", "100000000", stdout=StringIO(),
        )  # fmt: skip
    assert time.perf_counter() - started < 1
