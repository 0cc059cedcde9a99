import contextlib
import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decider.engine.inputs import RunsWhen
from decider.importers.problems import ImportRefused, Problem
from decider.importers.records import JobRecord, WorkflowRecord
from decider.importers.workflow_yaml import parse_workflow, parse_workflow_files

WORKFLOWS = Path(__file__).parent / "workflows"


def fixture(*names: str) -> list[tuple[str, str]]:
    return [(name, (WORKFLOWS / name).read_text()) for name in names]


def parse_fixture(name: str) -> WorkflowRecord:
    return parse_workflow(name, (WORKFLOWS / name).read_text())


def jobs_by_key(workflow: WorkflowRecord) -> dict[str, JobRecord]:
    return {job.key: job for job in workflow.jobs}


def matrix_workflow(*matrix_lines: str) -> str:
    """A one-job workflow whose matrix is `matrix_lines`; the matrix starts on line 7."""
    lines = "".join(f"        {line}\n" for line in matrix_lines)
    return f"on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n{lines}"


def refusal(name: str, content: str | bytes) -> Problem:
    with pytest.raises(ImportRefused) as refused:
        parse_workflow(name, content)
    assert len(refused.value.problems) >= 1
    return refused.value.problems[0]


# --- jobs, names, needs, labels -----------------------------------------------------------


def test_it_reads_jobs_with_names_needs_and_labels_in_declaration_order() -> None:
    workflow = parse_fixture("build.yml")

    assert workflow.name == "build"
    assert workflow.triggers == ["pull_request", "push"]
    assert [job.key for job in workflow.jobs] == [
        "build-test-image-api",
        "lint-and-unit-api",
        "test-api-integration",
        "build-production-api",
        "publish-api",
    ]
    assert [job.order for job in workflow.jobs] == [0, 1, 2, 3, 4]
    api = jobs_by_key(workflow)["lint-and-unit-api"]
    assert api.name == "Lint and Unit (API)"
    assert api.runs_on == ["self-hosted", "linux", "small"]
    assert api.needs == ["build-test-image-api"]
    assert api.line == 12
    publish = jobs_by_key(workflow)["publish-api"]
    assert publish.needs == ["build-production-api", "lint-and-unit-api", "test-api-integration"]


def test_it_names_a_job_without_name_by_its_id() -> None:
    workflow = parse_fixture("ci_matrix.yml")

    assert jobs_by_key(workflow)["publish"].name == "publish"


def test_it_flags_a_call_whose_callee_was_not_imported_and_keeps_one_job() -> None:
    workflow = parse_fixture("build.yml")

    publish = jobs_by_key(workflow)["publish-api"]
    assert publish.flags == ["reusable_unexpanded"]
    assert publish.runs_on == []
    assert any("./.github/workflows/publish.yml" in warning for warning in workflow.warnings)


def test_it_hints_kinds_from_ids_and_names() -> None:
    kinds = {job.key: job.kind for job in parse_fixture("build.yml").jobs}

    assert kinds == {
        "build-test-image-api": "build",
        "lint-and-unit-api": "check",
        "test-api-integration": "check",
        "build-production-api": "build",
        "publish-api": "gate",
    }


def test_it_lists_triggers_from_the_on_key_in_every_form() -> None:
    as_list = parse_workflow("a.yml", "on: [push, pull_request]\njobs:\n  a:\n    runs-on: x\n")
    as_text = parse_workflow("b.yml", "on: push\njobs:\n  a:\n    runs-on: x\n")
    quoted = parse_workflow(
        "c.yml", '"on":\n  schedule:\n    - cron: "0 0 * * 0"\njobs:\n  a: {}\n'
    )

    assert as_list.triggers == ["push", "pull_request"]
    assert as_text.triggers == ["push"]
    assert quoted.triggers == ["schedule"]


def test_it_reads_yaml_as_github_does_so_on_and_yes_stay_strings() -> None:
    workflow = parse_workflow(
        "a.yml",
        "on: push\njobs:\n  a:\n    runs-on: ${{ matrix.flag }}\n"
        "    strategy:\n      matrix:\n        flag: [yes, on, 2024-01-01]\n",
    )

    assert [job.runs_on for job in workflow.jobs] == [["yes"], ["on"], ["2024-01-01"]]


def test_it_names_the_workflow_by_its_path_when_it_has_no_name() -> None:
    workflow = parse_workflow(".github/workflows/ci.yml", "on: push\njobs:\n  a: {runs-on: x}\n")

    assert workflow.name == ".github/workflows/ci.yml"
    assert workflow.path == ".github/workflows/ci.yml"


# --- matrices -------------------------------------------------------------------------------


def test_it_resolves_matrix_expressions_in_names_without_a_suffix() -> None:
    workflow = parse_fixture("ci_matrix.yml")

    tests = [job for job in workflow.jobs if job.yaml_id == "test"]
    assert [job.name for job in tests] == [
        "test (Python 3.7)",
        "test (Python 3.8)",
        "test (Python 3.10)",
    ]
    assert [job.key for job in tests] == ["test (3.7)", "test (3.8)", "test (3.10)"]
    assert tests[0].matrix_values == {"python-version": "3.7"}


def test_it_appends_matrix_values_in_matrix_order_to_names_without_expressions() -> None:
    workflow = parse_fixture("ci_matrix.yml")

    packages = [job.name for job in workflow.jobs if job.yaml_id == "package"]
    assert packages == ["Package (ubuntu-latest)", "Package (macos-latest)"]


def test_it_applies_exclude_then_include_and_shows_include_added_values() -> None:
    workflow = parse_fixture("ci_matrix.yml")

    lints = [job for job in workflow.jobs if job.yaml_id == "lint"]
    assert [job.name for job in lints] == [
        "lint (alpine, django, true)",
        "lint (alpine, nginx, true)",
        "lint (debian, django)",
    ]
    assert lints[0].matrix_values == {"os": "alpine", "image": "django", "experimental": True}


def test_it_makes_dependents_of_a_matrix_job_need_every_instance() -> None:
    workflow = parse_fixture("ci_matrix.yml")

    assert jobs_by_key(workflow)["publish"].needs == [
        "package (ubuntu-latest)",
        "package (macos-latest)",
    ]
    assert jobs_by_key(workflow)["package (macos-latest)"].needs == [
        "test (3.7)",
        "test (3.8)",
        "test (3.10)",
        "lint (alpine, django, true)",
        "lint (alpine, nginx, true)",
        "lint (debian, django)",
    ]


def test_it_resolves_runs_on_per_matrix_instance() -> None:
    workflow = parse_fixture("ci_matrix.yml")

    packages = [job.runs_on for job in workflow.jobs if job.yaml_id == "package"]
    assert packages == [["ubuntu-latest"], ["macos-latest"]]


def test_it_keeps_a_dynamic_matrix_as_one_flagged_instance() -> None:
    dynamic = jobs_by_key(parse_fixture("runners.yml"))["dynamic"]

    assert dynamic.flags == ["dynamic_matrix", "name_expression", "runs_on_expression"]
    assert dynamic.name == "${{ matrix.cuda }}, ${{ matrix.arch }}"
    assert dynamic.runs_on == ["linux-${{ matrix.arch }}-cpu8"]
    assert dynamic.matrix_values == {}


def test_it_expands_a_matrix_of_exactly_256_instances() -> None:
    values = ", ".join(str(number) for number in range(16))
    content = matrix_workflow(f"x: [{values}]", f"y: [{values}]")

    assert len(parse_workflow("a.yml", content).jobs) == 256


def test_keys_are_unique_when_two_instances_render_alike() -> None:
    content = matrix_workflow("include: [{v: 1}, {v: '1'}]")

    assert [job.key for job in parse_workflow("a.yml", content).jobs] == ["a (1)", "a (1) #2"]


# --- runs-on --------------------------------------------------------------------------------


def test_it_reads_runs_on_as_a_string_a_list_or_a_group_mapping() -> None:
    jobs = jobs_by_key(parse_fixture("runners.yml"))

    assert jobs["plain"].runs_on == ["ubuntu-24.04"]
    assert jobs["labels"].runs_on == ["self-hosted", "linux", "vm"]
    assert jobs["block-labels"].runs_on == ["self-hosted", "single-gpu"]
    assert (jobs["grouped"].runs_on_group, jobs["grouped"].runs_on) == (
        "aws-highmemory-64",
        ["linux"],
    )
    assert all(not jobs[key].flags for key in ["plain", "labels", "block-labels", "grouped"])


def test_it_keeps_unresolved_runs_on_verbatim_and_flags_it() -> None:
    jobs = jobs_by_key(parse_fixture("runners.yml"))

    assert jobs["from-variable"].runs_on == ["${{ fromJSON(vars.BUILDER_LINUX) }}"]
    assert jobs["from-variable"].flags == ["runs_on_expression"]
    assert jobs["from-needs"].runs_on_group == "${{ needs.plain.outputs.runs_on }}"
    assert jobs["from-needs"].flags == ["runs_on_expression"]


def test_it_evaluates_and_or_expressions_inside_label_lists() -> None:
    jobs = jobs_by_key(parse_fixture("runners.yml"))

    assert jobs["per-device (AMD)"].runs_on == ["self-hosted", "Linux", "tinybox"]
    assert jobs["per-device (NV)"].runs_on == ["self-hosted", "Linux", "tinyboxgreen"]
    assert jobs["per-device (NV)"].name == "Tests (DEV=NV)"


# --- reusable workflows ---------------------------------------------------------------------


def test_it_expands_local_calls_as_caller_slash_callee() -> None:
    [workflow] = parse_workflow_files(
        fixture("unit-tests.yml", "lint.yml", "build-images.yml", "test-api.yml")[:2]
        + fixture("test-api.yml")
    )

    lint = jobs_by_key(workflow)["lint / ruff"]
    assert (lint.name, lint.yaml_id, lint.caller_key) == ("lint / ruff", "ruff", "lint")
    assert lint.line == 4
    assert jobs_by_key(workflow)["test-api / integration"].needs == ["test-api / unit"]


def test_it_expands_one_call_per_caller_matrix_instance_with_its_inputs() -> None:
    records = parse_workflow_files(
        fixture("unit-tests.yml", "lint.yml", "build-images.yml", "test-api.yml")
    )
    workflow = next(record for record in records if record.path == "unit-tests.yml")

    builds = [job for job in workflow.jobs if job.yaml_id == "build"]
    assert [(job.key, job.name, job.runs_on) for job in builds] == [
        (
            "build-images (linux/amd64) / build (django, linux/amd64)",
            "build-images (linux/amd64) / Build (django, linux/amd64)",
            ["ubuntu-latest"],
        ),
        (
            "build-images (linux/amd64) / build (nginx, linux/amd64)",
            "build-images (linux/amd64) / Build (nginx, linux/amd64)",
            ["ubuntu-latest"],
        ),
        (
            "build-images (linux/arm64) / build (django, linux/arm64)",
            "build-images (linux/arm64) / Build (django, linux/arm64)",
            ["ubuntu-24.04-arm"],
        ),
    ]
    assert all(job.needs == ["lint / ruff"] for job in builds)
    assert jobs_by_key(workflow)["test-api / unit"].needs == [job.key for job in builds]
    assert [job.order for job in workflow.jobs] == list(range(len(workflow.jobs)))


def test_it_returns_a_callee_that_can_also_run_on_its_own_but_not_a_call_only_callee() -> None:
    records = parse_workflow_files(
        fixture("unit-tests.yml", "lint.yml", "build-images.yml", "test-api.yml")
    )

    assert [record.path for record in records] == ["unit-tests.yml", "build-images.yml"]
    alone = records[1]
    assert [job.runs_on for job in alone.jobs] == [["ubuntu-latest"], ["ubuntu-latest"]]


def test_it_returns_a_call_only_workflow_imported_alone_and_says_so() -> None:
    workflow = parse_fixture("test-api.yml")

    assert [job.key for job in workflow.jobs] == ["unit", "integration"]
    assert any("only runs when another workflow calls it" in w for w in workflow.warnings)


def test_it_expands_cross_repository_and_nested_calls_as_a_slash_b_slash_c() -> None:
    records = parse_workflow_files(
        fixture(
            "acme__app__release.at-1a2b3c4d.yml",
            "acme__shared__publish.yaml",
            "acme__shared__compute.2024-05-17.yaml",
            "acme__shared__compute.yaml",
        )
    )
    release = records[0]

    assert [(job.key, job.needs) for job in release.jobs] == [
        ("release / compute / matrix", []),
        ("release / push", ["release / compute / matrix"]),
        ("notify", ["release / compute / matrix", "release / push"]),
    ]
    assert jobs_by_key(release)["release / compute / matrix"].caller_key == "release / compute"
    assert jobs_by_key(release)["release / push"].runs_on == ["linux-cpu8"]
    # The dated copy was not the callee (the exact name won), so it stands on its own.
    assert [record.path for record in records] == [
        "acme__app__release.at-1a2b3c4d.yml",
        "acme__shared__compute.2024-05-17.yaml",
    ]


def test_a_callees_first_jobs_wait_for_what_the_calling_job_needs() -> None:
    records = parse_workflow_files(
        fixture("unit-tests.yml", "lint.yml", "build-images.yml", "test-api.yml")
    )

    assert jobs_by_key(records[0])["test-api / unit"].needs[0].startswith("build-images (")


def test_it_refuses_reusable_workflows_that_call_each_other_in_a_cycle() -> None:
    files = [
        ("a.yml", "on: push\njobs:\n  call-b:\n    uses: ./.github/workflows/b.yml\n"),
        ("b.yml", "on: workflow_call\njobs:\n  call-a:\n    uses: ./.github/workflows/a.yml\n"),
    ]

    with pytest.raises(ImportRefused) as refused:
        parse_workflow_files(files)

    problem = refused.value.problems[0]
    assert "cycle: a.yml -> b.yml -> a.yml" in problem.message
    assert (problem.source, problem.line) == ("b.yml", 3)


# --- refusals -------------------------------------------------------------------------------


def test_it_refuses_a_syntax_error_with_line_and_column() -> None:
    problem = refusal("bad.yml", "on: push\njobs:\n  a:\n    runs-on: [x\n  b: {}\n")

    assert "not valid YAML" in problem.message
    assert (problem.source, problem.line, problem.column) == ("bad.yml", 5, 4)
    assert problem.hint


def test_it_refuses_duplicate_job_ids_that_yaml_would_silently_merge() -> None:
    problem = refusal("dup.yml", "on: push\njobs:\n  a:\n    runs-on: x\n  a:\n    runs-on: y\n")

    assert problem.message.startswith("Job id 'a' is declared twice (first on line 3)")
    assert (problem.line, problem.column, problem.field) == (5, 3, "jobs")


def test_it_refuses_duplicate_keys_anywhere_in_a_mapping() -> None:
    problem = refusal("dup.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    runs-on: y\n")

    assert "Key 'runs-on' appears twice in 'jobs.a'" in problem.message
    assert (problem.line, problem.column, problem.field) == (5, 5, "jobs.a")


def test_it_refuses_needs_naming_an_unknown_job() -> None:
    problem = refusal(
        "n.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    needs: [a2, b]\n  b: {runs-on: x}\n"
    )

    assert problem.message == "Job 'a' needs 'a2', which is not a job of this workflow."
    assert (problem.line, problem.column, problem.field) == (5, 13, "jobs.a.needs")
    assert "a, b" in problem.hint


def test_it_refuses_a_cycle_and_names_it() -> None:
    problem = refusal(
        "c.yml",
        "on: push\njobs:\n  a:\n    needs: b\n    runs-on: x\n  b:\n    needs: a\n    runs-on: x\n",
    )

    assert problem.message == "The jobs' `needs` form a cycle: a -> b -> a."
    assert (problem.line, problem.field) == (3, "jobs.a.needs")


def test_it_refuses_a_job_that_needs_itself() -> None:
    problem = refusal("c.yml", "on: push\njobs:\n  a:\n    needs: a\n    runs-on: x\n")

    assert "cycle: a -> a" in problem.message
    assert problem.line == 3


def test_it_refuses_a_file_over_500_kb() -> None:
    problem = refusal("big.yml", "on: push\njobs:\n  a: {runs-on: x}\n" + "#" * 600_000)

    assert problem.message == "The file is 586 KB; the limit is 500 KB."
    assert problem.source == "big.yml"


def test_it_refuses_a_billion_laughs_quickly() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        aliases = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    started = time.perf_counter()

    problem = refusal("lol.yml", "\n".join(lines) + "\n")

    assert time.perf_counter() - started < 0.5
    assert "expands to more than 200,000 nodes" in problem.message
    assert problem.line is not None and problem.line <= 7


def test_it_refuses_nesting_deeper_than_64_levels() -> None:
    problem = refusal("deep.yml", "on: push\njobs: " + "[" * 100 + "]" * 100 + "\n")

    assert "nesting is deeper than 64 levels" in problem.message
    assert problem.line == 2


def test_it_refuses_an_alias_inside_its_own_anchor() -> None:
    problem = refusal("loop.yml", "on: push\njobs: &jobs\n  a: *jobs\n")

    assert "alias refers to the node that contains it" in problem.message
    assert problem.line == 3


def test_it_refuses_more_than_256_matrix_instances() -> None:
    values = ", ".join(str(number) for number in range(17))
    problem = refusal(
        "m.yml",
        matrix_workflow(f"x: [{values}]", f"y: [{values}]"),
    )

    assert (
        problem.message == "Job 'a': The matrix produces 289 instances; GitHub allows 256 per job."
    )
    assert (problem.line, problem.field) == (7, "jobs.a.strategy.matrix")


def test_it_refuses_a_matrix_axis_that_is_not_a_list() -> None:
    problem = refusal(
        "m.yml", "on: push\njobs:\n  a:\n    strategy:\n      matrix:\n        os: x\n"
    )

    assert problem.message == "Job 'a': Matrix axis 'os' must be a non-empty list of values."
    assert (problem.line, problem.column) == (6, 13)


def test_it_refuses_a_file_without_a_jobs_mapping() -> None:
    problem = refusal("nojobs.yml", "on: push\nname: x\n")

    assert problem.message == "The file has no `jobs` mapping, so there is nothing to plan."
    assert (problem.source, problem.field) == ("nojobs.yml", "jobs")


def test_it_refuses_a_job_that_is_not_a_mapping() -> None:
    problem = refusal("j.yml", "on: push\njobs:\n  a: [x]\n")

    assert problem.message == "Job 'a' is not a mapping (found a list)."
    assert (problem.line, problem.column, problem.field) == (3, 3, "jobs.a")


def test_it_refuses_needs_of_the_wrong_type() -> None:
    problem = refusal("t.yml", "on: push\njobs:\n  a:\n    runs-on: x\n    needs: {b: 1}\n")

    assert (
        problem.message
        == "Job 'a': `needs` must be a job id or a list of job ids (found a mapping)."
    )
    assert (problem.line, problem.field) == (5, "jobs.a.needs")


def test_it_refuses_an_invalid_job_id() -> None:
    problem = refusal("t.yml", "on: push\njobs:\n  1st job:\n    runs-on: x\n")

    assert problem.message.startswith("Job id '1st job' is not valid")
    assert problem.line == 3


def test_it_refuses_a_top_level_that_is_not_a_mapping() -> None:
    problem = refusal("list.yml", "- a\n- b\n")

    assert "top level is not a mapping" in problem.message
    assert problem.line == 1


def test_it_refuses_an_empty_file_and_text_that_is_not_utf8() -> None:
    assert refusal("empty.yml", "").message == "The file is empty."
    problem = refusal("latin1.yml", "on: push\nname: caf\xe9\n".encode("latin-1"))
    assert (problem.message, problem.line) == ("The file is not UTF-8 text.", 2)


def test_it_refuses_yaml_tags_github_does_not_accept() -> None:
    problem = refusal("tag.yml", "on: push\njobs: !!python/object:os.system {}\n")

    assert "YAML GitHub does not accept" in problem.message
    assert (problem.line, problem.column) == (2, 7)


def test_it_reports_problems_of_every_file_at_once() -> None:
    with pytest.raises(ImportRefused) as refused:
        parse_workflow_files([("a.yml", "jobs: [\n"), ("b.yml", "on: push\n")])

    assert [problem.source for problem in refused.value.problems] == ["a.yml", "b.yml"]


# --- robustness -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_import_refused(content: bytes) -> None:
    with contextlib.suppress(ImportRefused):
        parse_workflow("fuzz.yml", content)


_YAML_PIECES = st.sampled_from(
    [
        "on: push\n",
        "jobs:\n",
        "  a:\n",
        "  b:\n",
        "    needs: a\n",
        "    needs: [a, b]\n",
        "    runs-on: ${{ matrix.x }}\n",
        "    runs-on: {group: g}\n",
        "    uses: ./.github/workflows/x.yml\n",
        "    name: n ${{ matrix.x == 1 && 'a' || fromJSON('[1]') }}\n",
        "    strategy:\n",
        "      matrix:\n",
        "        x: [1, 2]\n",
        "        include: [{x: 3}]\n",
        "        exclude: [{x: 1}]\n",
        "      matrix: ${{ fromJSON(x) }}\n",
        "&a [1]\n",
        "*a\n",
        "- x\n",
        "'\n",
        "{\n",
        "\t",
        "    ",
        "${{ format('{0', 1) }}\n",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_YAML_PIECES | st.text(max_size=20), max_size=25))
def test_random_workflow_like_text_never_raises_anything_but_import_refused(
    pieces: list[str],
) -> None:
    with contextlib.suppress(ImportRefused):
        parse_workflow("fuzz.yml", "".join(pieces))


def test_it_refuses_calls_of_matrices_that_multiply_past_2000_jobs() -> None:
    values = ", ".join(str(number) for number in range(16))
    caller = (
        "on: push\njobs:\n  fan-out:\n    strategy:\n      matrix:\n"
        f"        x: [{values}]\n        y: [{values}]\n"
        "    uses: ./.github/workflows/callee.yml\n"
    )
    callee = matrix_workflow(f"z: [{values}]").replace("on: push", "on: workflow_call")

    with pytest.raises(ImportRefused) as refused:
        parse_workflow_files([("caller.yml", caller), ("callee.yml", callee)])

    problem = refused.value.problems[0]
    assert problem.message == "The workflow expands to more than 2000 jobs."
    assert (problem.source, problem.line, problem.field) == ("callee.yml", 3, "jobs.a.strategy")


# --- matrices with values known only at run time ----------------------------------------------


def test_a_static_shaped_matrix_with_run_time_values_expands_every_combination() -> None:
    builds = [job for job in parse_fixture("run_time_matrix.yml").jobs if job.yaml_id == "build"]

    assert [job.name for job in builds] == [
        "Go ${{ needs.meta.outputs.go-version }} linux 386 build",
        "Go ${{ needs.meta.outputs.go-version }} linux arm build",
        "Go ${{ needs.meta.outputs.go-version }} windows 386 build",
    ]
    assert builds[0].key == "build (linux, 386, ${{ needs.meta.outputs.go-version }})"
    assert builds[0].matrix_values == {
        "goos": "linux",
        "goarch": "386",
        "go": "${{ needs.meta.outputs.go-version }}",
    }
    assert builds[0].flags == ["matrix_expression", "name_expression"]


def test_run_time_matrix_values_do_not_decide_expressions_that_use_them() -> None:
    jobs = jobs_by_key(parse_fixture("run_time_matrix.yml"))

    # runs-on compares goos, which is known, so it resolves per instance
    assert jobs["build (linux, 386, ${{ needs.meta.outputs.go-version }})"].runs_on == ["big"]
    # a bare reference to a run-time value shows the value's expression, flagged
    unknown_os = jobs["unnamed (${{ needs.meta.outputs.os }})"]
    assert unknown_os.runs_on == ["${{ needs.meta.outputs.os }}"]
    assert unknown_os.flags == ["matrix_expression", "name_expression", "runs_on_expression"]
    known_os = jobs["unnamed (ubuntu-24.04)"]
    assert known_os.runs_on == ["ubuntu-24.04"]
    assert known_os.flags == []


def test_a_matrix_whose_shape_is_an_expression_stays_one_flagged_job() -> None:
    jobs = jobs_by_key(parse_fixture("run_time_matrix.yml"))

    assert jobs["one-axis-expression"].flags == ["dynamic_matrix"]
    assert jobs["include-expression"].flags == ["dynamic_matrix"]


def test_dependents_need_every_instance_of_a_run_time_valued_matrix() -> None:
    workflow = parse_workflow(
        "a.yml",
        "on: push\njobs:\n  meta:\n    runs-on: x\n"
        "  build:\n    needs: meta\n    runs-on: x\n    strategy:\n      matrix:\n"
        "        os: [a, b]\n        v: ['${{ needs.meta.outputs.v }}']\n"
        "  ship:\n    needs: build\n    runs-on: x\n",
    )

    assert jobs_by_key(workflow)["ship"].needs == [
        "build (a, ${{ needs.meta.outputs.v }})",
        "build (b, ${{ needs.meta.outputs.v }})",
    ]


REAL_WORKFLOWS = Path("/work/shared/data/real/workflows")


@pytest.mark.skipif(not REAL_WORKFLOWS.exists(), reason="the shared real workflows are not here")
def test_boundarys_build_workflow_keeps_all_its_go_builds() -> None:
    path = REAL_WORKFLOWS / "hashicorp__boundary__build.yml"
    workflow = parse_workflow(path.name, path.read_text())

    go_builds = [job for job in workflow.jobs if job.name.startswith("Go ")]
    by_job = {
        yaml_id: sum(job.yaml_id == yaml_id for job in go_builds)
        for yaml_id in ("build-other", "build-linux", "build-darwin")
    }
    # build-other: 5 systems x 3 architectures, less the 3 excluded pairs
    assert by_job == {"build-other": 12, "build-linux": 4, "build-darwin": 2}
    assert "Go ${{ needs.product-metadata.outputs.go-version }} linux arm64 build" in {
        job.name for job in go_builds
    }
    docker = jobs_by_key(workflow)["build-docker (amd64)"]
    assert set(docker.needs) >= {job.key for job in go_builds if job.yaml_id == "build-linux"}


# --- if:, timeout-minutes, continue-on-error --------------------------------------------------


def test_it_decides_each_jobs_if_for_every_trigger() -> None:
    jobs = jobs_by_key(parse_workflow("conditions.yml", (WORKFLOWS / "conditions.yml").read_text()))

    assert jobs["test"].condition == "" and jobs["test"].runs_when == {}
    publish = jobs["publish"]
    assert publish.condition == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert publish.runs_when["pull_request"] == RunsWhen(needs_ran="skips")
    assert "push" not in publish.runs_when  # runs when its needs ran, like a job without if:
    assert jobs["notify"].runs_when["push"] == RunsWhen(a_need_skipped="runs")
    assert jobs["labelled"].runs_when["pull_request"] == RunsWhen(needs_ran="undecidable")
    assert jobs["labelled"].runs_when["push"] == RunsWhen(needs_ran="skips")
    # the repository is unknown here, so a repository guard cannot be decided
    assert jobs["upstream-only (5, true)"].runs_when["push"].needs_ran == "undecidable"


def test_the_repository_imported_into_decides_repository_guards() -> None:
    content = (WORKFLOWS / "conditions.yml").read_text()

    upstream = jobs_by_key(parse_workflow("conditions.yml", content, repository="acme/app"))
    fork = jobs_by_key(parse_workflow("conditions.yml", content, repository="someone/app"))

    assert "push" not in upstream["upstream-only (5, true)"].runs_when
    assert fork["upstream-only (5, true)"].runs_when["push"].needs_ran == "skips"


def test_it_reads_timeout_minutes_and_continue_on_error_per_instance() -> None:
    jobs = jobs_by_key(parse_workflow("conditions.yml", (WORKFLOWS / "conditions.yml").read_text()))

    assert jobs["test"].timeout_minutes == 20
    assert jobs["publish"].timeout_minutes is None  # GitHub's default of 360 applies
    assert jobs["upstream-only (5, true)"].timeout_minutes == 5
    assert jobs["deploy"].continue_on_error == "yes"
    assert jobs["publish"].continue_on_error == "no"
    assert jobs["upstream-only (5, true)"].continue_on_error == "yes"
    assert jobs["upstream-only (5, false)"].continue_on_error == "no"
    labelled = jobs["labelled"]
    assert labelled.timeout_minutes is None
    assert labelled.continue_on_error == "expression"
    assert labelled.flags == ["timeout_expression"]


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("timeout-minutes: soon", "jobs.a.timeout-minutes"),
        ("timeout-minutes: -5", "jobs.a.timeout-minutes"),
        ("continue-on-error: [true]", "jobs.a.continue-on-error"),
        ("if: [a, b]", "jobs.a.if"),
    ],
)
def test_it_refuses_if_timeout_and_continue_on_error_of_the_wrong_type(
    line: str, field: str
) -> None:
    problem = refusal("a.yml", f"on: push\njobs:\n  a:\n    runs-on: x\n    {line}\n")

    assert problem.field == field
    assert problem.line == 5


def test_called_jobs_obey_the_calling_jobs_if_and_see_its_inputs() -> None:
    caller = (
        "on: [push, pull_request]\njobs:\n  build:\n    runs-on: x\n"
        "  release:\n    needs: build\n    if: github.event_name == 'push'\n"
        "    uses: ./.github/workflows/callee.yml\n    with:\n      sign: true\n"
    )
    callee = (
        "on:\n  workflow_call:\n    inputs:\n      sign: {type: boolean}\n"
        "jobs:\n  package:\n    runs-on: x\n"
        "  sign:\n    needs: package\n    if: inputs.sign\n    runs-on: x\n"
    )

    jobs = jobs_by_key(parse_workflow_files([("caller.yml", caller), ("callee.yml", callee)])[0])

    package = jobs["release / package"]
    assert package.runs_when["pull_request"] == RunsWhen(needs_ran="skips")
    assert "push" not in package.runs_when
    assert jobs["release / sign"].runs_when["pull_request"] == RunsWhen(needs_ran="skips")
    assert "push" not in jobs["release / sign"].runs_when


@pytest.mark.skipif(not REAL_WORKFLOWS.exists(), reason="the shared real workflows are not here")
def test_real_workflows_conditions_are_decided_where_the_trigger_decides_them() -> None:
    def jobs_of(name: str, repository: str) -> dict[str, JobRecord]:
        path = REAL_WORKFLOWS / name
        return jobs_by_key(parse_workflow(path.name, path.read_text(), repository=repository))

    boundary = jobs_of("hashicorp__boundary__build.yml", "hashicorp/boundary")
    # `github.event.pull_request.head.repo.fork != 'true'`: only a pull request's fork is unknown
    assert boundary["e2e"].runs_when["pull_request"].needs_ran == "undecidable"
    assert "push" not in boundary["e2e"].runs_when

    paperless = jobs_of("paperless-ngx__paperless-ngx__ci.yml", "paperless-ngx/paperless-ngx")
    assert paperless["build-release"].runs_when["pull_request"].needs_ran == "skips"
    assert "push" not in paperless["build-release"].runs_when  # runs as if it had no if:

    tailscale = jobs_of("tailscale__tailscale__test.yml", "tailscale/tailscale")
    assert "pull_request" not in tailscale["fuzz"].runs_when
    assert tailscale["fuzz"].runs_when["push"].needs_ran == "skips"
    assert tailscale["merge_blocker"].runs_when["push"] == RunsWhen(a_need_skipped="runs")
    assert "push" not in tailscale["vm"].runs_when  # `github.repository == 'tailscale/tailscale'`

    tinygrad = jobs_of("tinygrad__tinygrad__benchmark.yml", "tinygrad/tinygrad")
    assert all("push" not in job.runs_when for job in tinygrad.values())
    assert {job.timeout_minutes for job in tinygrad.values()} >= {4, 60}


_SCALARS = st.one_of(
    st.text(max_size=60),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.sampled_from(["${{ matrix.a }}", "${{ inputs.x }}", "${{ always() }}", "${{ 1e999 }}"]),
)


@settings(max_examples=200, deadline=None)
@given(_SCALARS, _SCALARS, _SCALARS, st.lists(_SCALARS, min_size=1, max_size=3))
def test_random_if_timeout_and_continue_on_error_never_raise_anything_but_import_refused(
    condition: object, timeout: object, continue_on_error: object, values: list[object]
) -> None:
    document = {
        "on": ["push"],
        "jobs": {
            "a": {
                "runs-on": "x",
                "if": condition,
                "timeout-minutes": timeout,
                "continue-on-error": continue_on_error,
                "strategy": {"matrix": {"a": values}},
            }
        },
    }
    with contextlib.suppress(ImportRefused):
        workflow = parse_workflow("fuzz.yml", json.dumps(document))
        for job in workflow.jobs:
            assert job.timeout_minutes is None or 0 < job.timeout_minutes < float("inf")
            assert job.continue_on_error in ("no", "yes", "expression")


def test_it_refuses_a_job_name_longer_than_the_database_keeps() -> None:
    long_value = "v" * 320
    yaml = (
        "on: push\njobs:\n  ok:\n    runs-on: x\n  build:\n    runs-on: x\n"
        f"    strategy:\n      matrix:\n        go: ['{long_value}']\n"
    )
    problem = refusal("long.yml", yaml)

    assert problem.message.startswith("The job key is 3")
    assert "decider keeps at most 300" in problem.message
    assert (problem.source, problem.line, problem.field) == ("long.yml", 5, "jobs.build.name")
