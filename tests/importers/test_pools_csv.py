"""parse_pools_csv. runs/runner-pools.csv is a copy of the seed's runner-pools.csv."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from decider.importers.pools_csv import parse_pools_csv
from decider.importers.problems import ImportRefused, Problem
from decider.importers.records import PoolRecord

HEADER = "name,labels,runners,monthly_cost_usd_per_runner,baseline_utilization\n"


def refusal(content: str | bytes) -> list[Problem]:
    with pytest.raises(ImportRefused) as refused:
        parse_pools_csv("pools.csv", content)
    return refused.value.problems


def test_it_reads_the_seed_pools() -> None:
    content = (Path(__file__).parent / "runs" / "runner-pools.csv").read_bytes()

    pools = parse_pools_csv("runner-pools.csv", content)

    assert pools == [
        PoolRecord(
            name="small",
            labels=["self-hosted", "linux", "small"],
            runners=4,
            monthly_cost_usd_per_runner=75,
            baseline_utilization=0.4,
        ),
        PoolRecord(
            name="medium",
            labels=["self-hosted", "linux", "medium"],
            runners=3,
            monthly_cost_usd_per_runner=100,
            baseline_utilization=0.6,
        ),
        PoolRecord(
            name="cpu-optimized",
            labels=["self-hosted", "linux", "cpu-optimized"],
            runners=2,
            monthly_cost_usd_per_runner=150,
            baseline_utilization=0.5,
        ),
    ]


def test_it_accepts_percentages_dollar_signs_a_bom_and_loose_column_names() -> None:
    content = (
        "\ufeffBaseline_Utilization , NAME,labels,runners,monthly_cost_usd_per_runner\n"
        "40%,medium,self-hosted  linux medium,0,$99.50\n"
    ).encode()

    [pool] = parse_pools_csv("pools.csv", content)

    assert pool.baseline_utilization == pytest.approx(0.4)
    assert pool.runners == 0
    assert pool.monthly_cost_usd_per_runner == 99.5
    assert pool.labels == ["self-hosted", "linux", "medium"]


def test_it_refuses_missing_columns_and_names_them() -> None:
    problems = refusal("name,labels,runners\nsmall,linux,2\n")

    assert [(p.row, p.message) for p in problems] == [
        (1, "The header lacks the columns 'monthly_cost_usd_per_runner', 'baseline_utilization'.")
    ]


def test_it_refuses_a_runner_count_that_is_not_a_non_negative_whole_number() -> None:
    problems = refusal(HEADER + "a,x,-1,10,0.5\nb,x,2.5,10,0.5\nc,x,,10,0.5\n")

    assert [(p.row, p.field, p.message) for p in problems] == [
        (2, "runners", "The runner count is not usable: '-1' is not a whole number."),
        (3, "runners", "The runner count is not usable: '2.5' is not a whole number."),
        (4, "runners", "The runner count is not usable: '' is not a whole number."),
    ]
    assert problems[0].hint == "Give a whole number >= 0."


def test_it_refuses_a_utilization_outside_zero_to_one() -> None:
    problems = refusal(HEADER + "a,x,1,10,1.5\nb,x,1,10,40\nc,x,1,10,120%\nd,x,1,10,lots\n")

    assert [(p.row, p.field, p.message) for p in problems] == [
        (2, "baseline_utilization", "The utilization 1.5 is outside 0..1 (0%..100%)."),
        (3, "baseline_utilization", "The utilization 40 is outside 0..1 (0%..100%)."),
        (4, "baseline_utilization", "The utilization 120% is outside 0..1 (0%..100%)."),
        (5, "baseline_utilization", "The utilization is not usable: 'lots' is not a number."),
    ]
    assert problems[1].hint == "Give a fraction from 0 to 1 (0.4) or a percentage (40%)."


def test_it_refuses_a_negative_cost() -> None:
    problems = refusal(HEADER + "a,x,1,-5,0.5\n")

    assert [(p.row, p.field, p.message) for p in problems] == [
        (2, "monthly_cost_usd_per_runner", "The cost -5 is negative.")
    ]


def test_it_refuses_duplicate_pool_names_whatever_their_case() -> None:
    problems = refusal(HEADER + "medium,x,1,10,0.5\nsmall,y,1,10,0.5\nMedium,z,1,10,0.5\n")

    assert [(p.row, p.field, p.message) for p in problems] == [
        (4, "name", "The pool name 'Medium' is already used on row 2.")
    ]


def test_it_refuses_empty_labels_and_a_missing_name() -> None:
    problems = refusal(HEADER + "medium, ,1,10,0.5\n,x,1,10,0.5\n")

    assert [(p.row, p.field, p.message) for p in problems] == [
        (2, "labels", "The pool has no labels."),
        (3, "name", "The pool name is missing."),
    ]


def test_it_refuses_a_file_with_a_header_and_no_pools() -> None:
    problems = refusal(HEADER)

    assert [(p.source, p.message) for p in problems] == [("pools.csv", "The file holds no pools.")]


@settings(max_examples=300)
@given(st.text() | st.binary())
def test_it_only_ever_refuses_random_input(content: str | bytes) -> None:
    try:
        parse_pools_csv("pools.csv", content)
    except ImportRefused as refused:
        assert refused.problems


@settings(max_examples=300)
@given(st.lists(st.lists(st.text(max_size=12), min_size=5, max_size=5), max_size=4))
def test_it_only_ever_refuses_rows_of_random_cells(rows: list[list[str]]) -> None:
    body = "\n".join(",".join('"' + cell.replace('"', '""') + '"' for cell in row) for row in rows)
    try:
        parse_pools_csv("pools.csv", HEADER + body)
    except ImportRefused as refused:
        assert refused.problems
