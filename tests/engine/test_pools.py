from decider.engine.inputs import Job, Pool, Workflow
from decider.engine.pools import (
    HOSTED_GROUP,
    NO_LABELS_GROUP,
    place,
    placement_warnings,
    placements,
)

POOLS = [
    Pool(name="big", labels=["self-hosted", "linux", "medium", "gpu"], runners=1),
    Pool(name="medium", labels=["Self-Hosted", "Linux", "Medium"], runners=2),
]


def test_a_job_uses_pools_whose_labels_include_all_its_own_case_insensitively() -> None:
    placement = place(["self-hosted", "MEDIUM"], POOLS)
    assert placement.group == "medium"
    assert placement.pools == ["medium", "big"]


def test_github_hosted_labels_are_an_unconstrained_pool() -> None:
    for label in ("ubuntu-latest", "windows-2022", "macos-14", "ubuntu-24.04-arm"):
        placement = place([label], POOLS)
        assert (placement.group, placement.constrained) == (HOSTED_GROUP, False)


def test_self_hosted_labels_without_a_pool_are_grouped_by_label_and_warned() -> None:
    workflow = Workflow(
        jobs=[Job(id=0, key="x", runs_on=["self-hosted", "arm"]), Job(id=1, key="y")]
    )
    placed = placements(workflow, POOLS)
    assert placed[0].group == "self-hosted,arm"
    assert placed[1].group == NO_LABELS_GROUP
    warnings = placement_warnings(workflow, placed)
    assert len(warnings) == 2
    assert "self-hosted, arm" in warnings[0]


def test_jobs_on_the_same_unknown_labels_get_one_warning_naming_five_and_counting_the_rest() -> (
    None
):
    workflow = Workflow(
        jobs=[Job(id=n, key=f"build-{n}", runs_on=["self-hosted", "arm"]) for n in range(17)]
        + [Job(id=17, key="lonely", runs_on=["self-hosted", "riscv"])]
        + [Job(id=18 + n, key=f"call-{n}") for n in range(2)]
    )
    warnings = placement_warnings(workflow, placements(workflow, POOLS))
    assert warnings == [
        "No runner pool has every label of 17 jobs (self-hosted, arm): build-0, build-1, "
        "build-2, build-3, build-4 and 12 more. They are treated as unconstrained. Add the pool "
        "to the inventory to count them.",
        "No runner pool has every label of lonely (self-hosted, riscv): it is treated as "
        "unconstrained. Add the pool to the inventory to count it.",
        "2 jobs have no runs-on (reusable workflow calls?): call-0, call-1. They are counted as "
        "running at once, on no pool.",
    ]
