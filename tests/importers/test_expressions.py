import contextlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decider.importers.expressions import (
    UNKNOWN,
    ContextObject,
    Contexts,
    Rendered,
    RunTimeValue,
    Unresolved,
    evaluate,
    render,
    wildcard_pattern,
)

CONTEXTS = Contexts(
    {
        "matrix": ContextObject({"dev": "AMD", "ARCH": "amd64", "shard": 2}),
        "inputs": ContextObject({"platform": "linux/arm64", "token": UNKNOWN}),
    }
)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'it''s'", "it's"),
        ("null", None),
        ("true && 0x10", 16),
        ("-2.5e1", -25.0),
        ("matrix.dev", "AMD"),
        ("matrix.arch", "amd64"),  # property names ignore case, as on GitHub
        ("matrix['ARCH']", "amd64"),
        ("matrix.missing", None),
        ("matrix.dev == 'amd'", True),  # so do string comparisons
        ("matrix.shard == '2'", True),  # differing types compare as numbers
        ("matrix.dev != 'NV'", True),
        ("!(matrix.shard > 1)", False),
        ("matrix.dev == 'AMD' && 'tinybox' || 'tinyboxgreen'", "tinybox"),
        ("matrix.dev == 'NV' && 'tinybox' || 'tinyboxgreen'", "tinyboxgreen"),
        (
            "inputs.platform == 'linux/arm64' && 'ubuntu-24.04-arm' || 'ubuntu-latest'",
            "ubuntu-24.04-arm",
        ),
        ("format('{0}-{1}-{{x}}', matrix.dev, matrix.shard)", "AMD-2-{x}"),
        ("fromJSON('[\"a\", 1]')", ["a", 1]),
        ("contains(fromJSON('[\"amd\"]'), matrix.dev)", True),
        ("contains('linux/arm64', 'ARM')", True),
        ("startsWith(inputs.platform, 'linux/')", True),
        ("endsWith(inputs.platform, 'arm64')", True),
        ("join(fromJSON('[1, 2]'), '+')", "1+2"),
    ],
)
def test_it_evaluates_what_the_workflow_files_determine(expression: str, expected: object) -> None:
    assert evaluate(expression, CONTEXTS) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "github.ref",
        "needs.build.outputs.label",
        "vars.RUNNER",
        "fromJSON(vars.BUILDER_LINUX)",
        "inputs.token",
        "inputs",
        "always()",
        "hashFiles('**/x')",
        "needs.*.result",
        "matrix.dev ==",
        "'unterminated",
        "fromJSON('{not json')",
        "format('{3}', 1)",
        "(" * 200 + "1" + ")" * 200,
        "__import__('os')",
    ],
)
def test_it_leaves_anything_else_unresolved(expression: str) -> None:
    with pytest.raises(Unresolved):
        evaluate(expression, CONTEXTS)


def test_it_renders_templates_keeping_unresolved_pieces_verbatim() -> None:
    rendered = render("linux-${{ matrix.ARCH }}-${{ github.run_id }}", CONTEXTS)

    assert rendered.value == "linux-amd64-${{ github.run_id }}"
    assert not rendered.resolved


def test_a_whole_string_expression_keeps_its_type() -> None:
    assert render('${{ fromJSON(\'["self-hosted", "gpu"]\') }}', CONTEXTS).value == [
        "self-hosted",
        "gpu",
    ]
    assert render("${{ matrix.shard }}", CONTEXTS).value == 2
    assert render("shard ${{ matrix.shard }}", CONTEXTS).value == "shard 2"


def test_text_without_expressions_is_returned_as_it_is() -> None:
    assert render("ubuntu-latest", CONTEXTS).value == "ubuntu-latest"
    assert render(42, CONTEXTS).value == 42


def test_a_closing_brace_pair_inside_a_string_does_not_end_the_expression() -> None:
    assert render("${{ format('{0}}}', 'x') }}", CONTEXTS).value == "x}"


@given(st.text(max_size=200))
def test_any_text_either_evaluates_or_is_unresolved(text: str) -> None:
    with contextlib.suppress(Unresolved):
        evaluate(text, CONTEXTS)
    render("${{ " + text + " }}", CONTEXTS)


def test_a_wildcard_pattern_matches_any_value_where_an_expression_was() -> None:
    pattern = wildcard_pattern("Go ${{ a }}${{ b }} linux ${{ c }} build")

    assert pattern is not None
    assert pattern.parts == ("Go ", " linux ", " build")
    assert pattern.matches("Go 1.22 linux arm build")
    assert pattern.matches("Go  linux  build")
    assert not pattern.matches("Go 1.22 linux arm build!")
    assert not pattern.matches("Go linux build")
    assert wildcard_pattern("plain text") is None
    assert wildcard_pattern("${{ a }} (${{ b }})") is None


@given(st.text(max_size=200), st.text(max_size=200))
def test_wildcard_matching_agrees_with_a_regular_expression(template: str, name: str) -> None:
    pattern = wildcard_pattern(template)
    if pattern is None:
        return
    regex = ".*".join(re.escape(part) for part in pattern.parts)
    assert pattern.matches(name) == bool(re.fullmatch(regex, name, re.DOTALL))


def test_a_bare_reference_to_a_run_time_value_renders_as_its_text() -> None:
    contexts = Contexts({"matrix": ContextObject({"go": RunTimeValue("${{ needs.m.go }}")})})

    assert render("${{ matrix.go }}", contexts) == Rendered("${{ needs.m.go }}", False)
    assert render("Go ${{ matrix.go }}!", contexts) == Rendered("Go ${{ needs.m.go }}!", False)
    # an operation on it cannot be decided: the expression is kept as written
    assert render("${{ matrix.go == '1' }}", contexts) == Rendered("${{ matrix.go == '1' }}", False)
