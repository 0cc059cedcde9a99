from decider.importers.reusable import CallTarget, find_callee, parse_call

FILES = [
    "unit-tests.yml",
    "ruff.yml",
    "DefectDojo__django-DefectDojo__ruff.yml",
    "huggingface__tgi__build.2024-05-17.yaml",
    "huggingface__tgi__build.yaml",
    "charmbracelet__meta__dependabot-sync.at-6ac4b18d.yml",
    "rapidsai__shared-workflows__compute-matrix.yaml",
]


def test_it_reads_local_and_cross_repository_calls() -> None:
    assert parse_call("./.github/workflows/ruff.yml") == CallTarget("ruff.yml")
    assert parse_call("charmbracelet/meta/.github/workflows/dependabot-sync.yml@main") == (
        CallTarget("dependabot-sync.yml", "charmbracelet", "meta")
    )
    assert parse_call("actions/checkout@v4") is None
    assert parse_call("./.github/actions/setup") is None


def test_a_local_call_prefers_the_plain_name_from_a_plain_caller() -> None:
    assert find_callee(CallTarget("ruff.yml"), "unit-tests.yml", FILES) == ("ruff.yml", [])


def test_a_local_call_prefers_the_callers_repository() -> None:
    callee, others = find_callee(
        CallTarget("ruff.yml"), "DefectDojo__django-DefectDojo__unit-tests.yml", FILES
    )

    assert (callee, others) == ("DefectDojo__django-DefectDojo__ruff.yml", [])


def test_a_local_call_prefers_an_exact_name_over_a_dated_copy() -> None:
    callee, _ = find_callee(CallTarget("build.yaml"), "huggingface__tgi__ci_build.yaml", FILES)

    assert callee == "huggingface__tgi__build.yaml"


def test_a_cross_repository_call_matches_an_owner_repo_prefixed_file_with_a_sha_infix() -> None:
    target = CallTarget("dependabot-sync.yml", "charmbracelet", "meta")

    callee, _ = find_callee(target, "dlvhdr__gh-enhance__dependabot-sync.at-d82ae227.yml", FILES)

    assert callee == "charmbracelet__meta__dependabot-sync.at-6ac4b18d.yml"


def test_a_cross_repository_call_ignores_files_of_other_repositories() -> None:
    assert find_callee(CallTarget("ruff.yml", "astral", "ruff"), "x.yml", FILES) == (None, [])


def test_a_nested_local_call_stays_in_the_callees_repository() -> None:
    callee, _ = find_callee(
        CallTarget("compute-matrix.yaml"), "rapidsai__shared-workflows__conda-cpp-build.yaml", FILES
    )

    assert callee == "rapidsai__shared-workflows__compute-matrix.yaml"


def test_a_path_ending_in_the_workflows_folder_matches_a_local_call() -> None:
    files = [".github/workflows/publish.yml", "other/publish.yml"]

    assert find_callee(CallTarget("publish.yml"), ".github/workflows/build.yml", files) == (
        ".github/workflows/publish.yml",
        [],
    )
