import pytest

from decider.importers.expressions import ContextObject, Contexts
from decider.importers.matrix import MatrixError, expand_matrix, instance_suffix

NO_CONTEXT = Contexts()


def test_it_expands_the_product_with_the_first_axis_varying_slowest() -> None:
    expansion = expand_matrix({"version": [10, 12], "os": ["ubuntu", "windows"]}, NO_CONTEXT)

    assert expansion.combinations == [
        {"version": 10, "os": "ubuntu"},
        {"version": 10, "os": "windows"},
        {"version": 12, "os": "ubuntu"},
        {"version": 12, "os": "windows"},
    ]


def test_it_follows_githubs_documented_include_example() -> None:
    matrix = {
        "fruit": ["apple", "pear"],
        "animal": ["cat", "dog"],
        "include": [
            {"color": "green"},
            {"color": "pink", "animal": "cat"},
            {"fruit": "apple", "shape": "circle"},
            {"fruit": "banana"},
            {"fruit": "banana", "animal": "cat"},
        ],
    }

    assert expand_matrix(matrix, NO_CONTEXT).combinations == [
        {"fruit": "apple", "animal": "cat", "color": "pink", "shape": "circle"},
        {"fruit": "apple", "animal": "dog", "color": "green", "shape": "circle"},
        {"fruit": "pear", "animal": "cat", "color": "pink"},
        {"fruit": "pear", "animal": "dog", "color": "green"},
        {"fruit": "banana"},
        {"fruit": "banana", "animal": "cat"},
    ]


def test_exclude_removes_every_combination_matching_all_its_keys_even_partially() -> None:
    matrix = {
        "os": ["macos", "windows"],
        "version": [12, 14, 16],
        "environment": ["staging", "production"],
        "exclude": [
            {"os": "macos", "version": 12, "environment": "production"},
            {"os": "windows", "version": 16},
        ],
    }

    combinations = expand_matrix(matrix, NO_CONTEXT).combinations

    assert len(combinations) == 12 - 1 - 2
    assert {"os": "windows", "version": 16, "environment": "staging"} not in combinations


def test_include_runs_after_exclude_and_can_add_a_combination_back() -> None:
    matrix = {"os": ["a", "b"], "exclude": [{"os": "b"}], "include": [{"os": "b"}]}

    assert expand_matrix(matrix, NO_CONTEXT).combinations == [{"os": "a"}, {"os": "b"}]


def test_a_matrix_of_only_include_entries_has_one_combination_per_entry() -> None:
    matrix = {"include": [{"os": "linux", "arch": "arm64"}, {"os": "linux", "arch": "386"}]}

    assert expand_matrix(matrix, NO_CONTEXT).combinations == matrix["include"]


def test_expressions_in_values_are_evaluated_from_inputs() -> None:
    contexts = Contexts({"inputs": ContextObject({"platform": "linux/arm64"})})
    matrix = {
        "image": ["django", "integration-tests"],
        "platform": ["${{ inputs.platform }}"],
        "exclude": [{"image": "integration-tests", "platform": "linux/arm64"}],
    }

    assert expand_matrix(matrix, contexts).combinations == [
        {"image": "django", "platform": "linux/arm64"}
    ]


def test_a_matrix_known_only_at_run_time_is_dynamic() -> None:
    assert expand_matrix("${{ fromJSON(needs.a.outputs.matrix) }}", NO_CONTEXT).dynamic
    assert expand_matrix({"os": "${{ fromJSON(vars.OSES) }}"}, NO_CONTEXT).dynamic


def test_a_literal_fromjson_matrix_is_expanded() -> None:
    expansion = expand_matrix('${{ fromJSON(\'{"os": ["a", "b"]}\') }}', NO_CONTEXT)

    assert expansion.combinations == [{"os": "a"}, {"os": "b"}]


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ({"os": []}, "Matrix axis 'os' must be a non-empty list of values."),
        ({"os": ["a"], "exclude": {"os": "a"}}, "Matrix `exclude` must be a list of mappings."),
        ({"os": ["a"], "include": ["a"]}, "Each `include` entry must be a mapping"),
        ({"os": ["a"], "exclude": [{"os": "a"}]}, "The matrix produces no combinations"),
        ({"a": list(range(300))}, "The matrix produces 300 instances; GitHub allows 256"),
        ({key: list(range(10)) for key in "abcde"}, "The matrix has 100,000 combinations"),
        (["a"], "strategy.matrix must be a mapping"),
    ],
)
def test_it_refuses_malformed_or_oversized_matrices(matrix: object, message: str) -> None:
    with pytest.raises(MatrixError) as error:
        expand_matrix(matrix, NO_CONTEXT)

    assert error.value.message.startswith(message)
    assert error.value.hint


def test_the_instance_suffix_lists_values_in_order_and_skips_empty_ones() -> None:
    assert instance_suffix({"python": "3.10", "os": "ubuntu"}) == " (3.10, ubuntu)"
    assert instance_suffix({"a": 3.0, "b": True, "c": None, "d": ""}) == " (3, true)"
    assert instance_suffix({"config": {"os": "x"}}) == ' ({"os":"x"})'
    assert instance_suffix({}) == ""


def test_a_static_shape_with_run_time_values_expands_and_says_so() -> None:
    expansion = expand_matrix(
        {"os": ["a", "b"], "go": ["${{ needs.meta.outputs.go }}"]}, NO_CONTEXT
    )

    assert not expansion.dynamic
    assert expansion.run_time_values
    assert expansion.combinations == [
        {"os": "a", "go": "${{ needs.meta.outputs.go }}"},
        {"os": "b", "go": "${{ needs.meta.outputs.go }}"},
    ]


def test_include_and_exclude_entries_given_by_expressions_make_the_shape_dynamic() -> None:
    assert expand_matrix({"os": ["a"], "include": "${{ fromJSON(vars.X) }}"}, NO_CONTEXT).dynamic
    assert expand_matrix({"os": ["a"], "exclude": ["${{ vars.X }}"]}, NO_CONTEXT).dynamic
    assert expand_matrix({"${{ vars.AXIS }}": ["a"]}, NO_CONTEXT).dynamic
