"""What `on:` filters say about the triggers the app analyses for."""

import pytest

from decider.importers.trigger_filters import default_branch, trigger_notes
from decider.importers.workflow_yaml import parse_workflow


@pytest.mark.parametrize(
    ("push", "says"),
    [
        ({"branches": ["main"]}, ""),
        ({"branches": ["main", "release/**"]}, ""),
        ({"branches": ["*"]}, ""),
        ({"branches": ["release/**"]}, "does not include main"),
        ({"branches": ["*", "!main"]}, "does not include main"),
        ({"branches-ignore": ["main"]}, "branches-ignore leaves out main"),
        ({"branches-ignore": ["dependabot/**"]}, ""),
        ({"tags": ["v*"]}, "names only tags"),
        ({"branches": ["main"], "tags": ["v*"]}, ""),
        ({"paths-ignore": ["docs/**"]}, "depends on the files it changes"),
    ],
)
def test_a_push_to_the_default_branch_against_the_push_filters(
    push: dict[str, list[str]], says: str
) -> None:
    notes = trigger_notes({"push": push})

    assert says in notes.get("push", "")
    assert bool(says) == ("push" in notes)


def test_pull_request_filters_depend_on_the_pull_request() -> None:
    notes = trigger_notes(
        {"pull_request": {"branches": ["main"]}, "schedule": [{"cron": "0 0 * * *"}]}
    )

    assert "base branch" in notes["pull_request"]
    assert set(notes) == {"pull_request"}


def test_on_in_every_form_gives_notes_or_none() -> None:
    assert trigger_notes("push") == {}
    assert trigger_notes(["push", "pull_request"]) == {}
    assert trigger_notes({"push": None}) == {}
    assert trigger_notes(None) == {}


def test_the_record_carries_the_notes() -> None:
    record = parse_workflow(
        "release.yml", "on:\n  push:\n    branches: [release/**]\njobs:\n  a:\n    runs-on: x\n"
    )

    assert "does not include main" in record.trigger_notes["push"]


def test_master_is_the_default_branch_when_the_push_filters_name_it_and_not_main() -> None:
    content = (
        "on:\n  push:\n    branches: [master, staging]\njobs:\n"
        "  a:\n    if: github.ref == 'refs/heads/master'\n    runs-on: x\n"
        "  b:\n    if: github.ref_name == 'main'\n    runs-on: x\n"
    )

    record = parse_workflow("bench.yml", content)

    assert record.trigger_notes == {}
    jobs = {job.key: job for job in record.jobs}
    assert "push" not in jobs["a"].runs_when  # runs, as if it had no if:
    assert jobs["b"].runs_when["push"].needs_ran == "skips"
    assert default_branch({"push": {"branches": ["main", "master"]}}) == "main"
    assert default_branch({"push": None}) == "main"
