"""The `if:` evaluator: what a trigger decides, three-valued logic, GitHub's status rules."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decider.engine.vocabulary import Trigger
from decider.importers.conditions import decide, uses_status_function

PR: Trigger = "pull_request"
PUSH: Trigger = "push"
SCHEDULE: Trigger = "schedule"
MANUAL: Trigger = "workflow_dispatch"
TRIGGERS: tuple[Trigger, ...] = (PR, PUSH, SCHEDULE, MANUAL)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("github.event_name == 'push'", ("skips", "runs", "skips", "skips")),
        ("${{ github.event_name != 'pull_request' }}", ("skips", "runs", "runs", "runs")),
        ("github.ref == 'refs/heads/main'", ("undecidable", "runs", "runs", "undecidable")),
        ("github.ref_name == 'main'", ("undecidable", "runs", "runs", "undecidable")),
        ("startsWith(github.ref, 'refs/tags/')", ("undecidable", "skips", "skips", "undecidable")),
        ("endsWith(github.ref, '/main')", ("undecidable", "runs", "runs", "undecidable")),
        ("github.base_ref == 'main'", ("undecidable", "skips", "skips", "skips")),
        # boundary's e2e and bats jobs
        (
            "github.event.pull_request.head.repo.fork != 'true'",
            ("undecidable", "runs", "runs", "runs"),
        ),
        (
            "contains(github.event.pull_request.labels.*.name, 'e2e')",
            ("undecidable", "skips", "skips", "skips"),
        ),
        ("inputs.deploy", ("skips", "skips", "skips", "undecidable")),
        ("!(github.event_name == 'schedule')", ("runs", "runs", "skips", "runs")),
        ("contains('push schedule', github.event_name)", ("skips", "runs", "runs", "skips")),
    ],
)
def test_the_trigger_decides_what_it_can(condition: str, expected: tuple[str, ...]) -> None:
    assert tuple(decide(condition, trigger) for trigger in TRIGGERS) == expected


def test_false_and_unknown_is_false_true_or_unknown_is_true() -> None:
    assert decide("github.event_name == 'push' && needs.a.outputs.go == 'yes'", PR) == "skips"
    assert decide("github.event_name == 'push' && needs.a.outputs.go == 'yes'", PUSH) == (
        "undecidable"
    )
    assert decide("github.event_name == 'push' || vars.ALWAYS", PUSH) == "runs"
    assert decide("github.event_name == 'push' || vars.ALWAYS", PR) == "undecidable"
    assert decide("!(vars.X)", PUSH) == "undecidable"


def test_a_skipped_need_skips_the_job_unless_its_condition_names_a_status_function() -> None:
    assert decide(None, PUSH) == "runs"
    assert decide(None, PUSH, a_need_skipped=True) == "skips"
    assert decide("github.event_name == 'push'", PUSH, a_need_skipped=True) == "skips"
    assert decide("always()", PUSH, a_need_skipped=True) == "runs"
    assert decide("${{ always() && github.event_name == 'push' }}", PR) == "skips"
    assert decide("success()", PUSH, a_need_skipped=True) == "skips"
    assert decide("!cancelled()", PUSH, a_need_skipped=True) == "runs"
    # the plan is for a pipeline that succeeds: failure-only jobs do not run
    assert decide("failure()", PUSH) == "skips"
    assert decide("${{ failure() || github.event_name == 'push' }}", PUSH) == "runs"
    assert uses_status_function("always() && x") and not uses_status_function("x == 1")
    assert not uses_status_function("${{ broken")


def test_booleans_numbers_and_text_around_expressions_follow_github() -> None:
    assert decide(True, PUSH) == "runs"
    assert decide(False, PUSH) == "skips"
    assert decide(0, PUSH) == "skips"
    assert decide("", PUSH) == "runs"
    # text outside `${{ }}` makes the condition a non-empty string, which is true
    assert decide("${{ false }} and more", PUSH) == "runs"


@pytest.mark.parametrize(
    "condition",
    ["github.event_name ==", "'open", "(" * 300 + "true" + ")" * 300, "x" * 5000, "a.b.c(", "]["],
)
def test_what_cannot_be_read_is_undecidable(condition: str) -> None:
    assert decide(condition, PUSH) == "undecidable"


@given(st.text(max_size=300), st.sampled_from(TRIGGERS), st.booleans())
def test_random_text_never_raises_and_gives_one_of_three_answers(
    condition: str, trigger: Trigger, a_need_skipped: bool
) -> None:
    assert decide(condition, trigger, a_need_skipped=a_need_skipped) in (
        "runs",
        "skips",
        "undecidable",
    )


ALPHABET = st.sampled_from(
    [
        "github.event_name",
        "github.ref",
        "'push'",
        "==",
        "!=",
        "&&",
        "||",
        "!",
        "(",
        ")",
        "always()",
        "startsWith(",
        ",",
        "needs.a.result",
        "fromJSON(",
        "'[1]'",
        ".*",
        "[0]",
    ]
)


@given(st.lists(ALPHABET, max_size=40).map(" ".join), st.sampled_from(TRIGGERS))
def test_random_expression_like_text_never_raises(condition: str, trigger: Trigger) -> None:
    assert decide(condition, trigger) in ("runs", "skips", "undecidable")
    assert decide("${{ " + condition + " }}", trigger) in ("runs", "skips", "undecidable")
