"""`strategy.matrix` expansion with GitHub's rules, and the names GitHub gives the instances.

GitHub's rules (docs: "Running variations of jobs in a workflow"):
- the combinations are the cartesian product of the axes, first axis varying slowest;
- `exclude` runs first; an entry removes every combination that matches *all* of its keys
  (a partial match is enough, and nested mappings may match partially too);
- `include` runs next, entry by entry: its pairs are added to every combination whose
  *original* (axis) values it does not overwrite (values added by an earlier include may be
  overwritten); an entry that fits no combination becomes a new combination of its own, and
  later entries never extend those;
- at most 256 combinations per job.

Expressions only the run can evaluate (`${{ needs.meta.outputs.go-version }}`) are allowed
as *values*: the shape (the axes, how many values each has, the include and exclude entries)
is still static, so every combination is expanded and the expression's text stands in for
its value. `exclude` and `include` compare such values by their text, the only thing known.
Only when the shape itself is an expression (the whole matrix, one axis, or the include or
exclude list or one of its entries) is the matrix *dynamic*: kept as one instance.
"""

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from decider.importers.expressions import (
    Contexts,
    contains_expression,
    format_number,
    loose_equal,
    render_deep,
)

MAX_INSTANCES = 256
# Past this the product would take noticeable time and memory to build; GitHub would refuse
# the matrix anyway unless `exclude` removed nearly all of it.
MAX_PRODUCT = 65_536


class MatrixError(Exception):
    """The matrix is malformed or too large; `path` is relative to `strategy.matrix`."""

    def __init__(self, message: str, hint: str, path: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path


@dataclass
class MatrixExpansion:
    combinations: list[dict[str, Any]] = field(default_factory=list)
    dynamic: bool = False  # the shape is only known at run time: kept as one instance
    # Some values are expressions only the run can evaluate; they are kept as their text.
    run_time_values: bool = False


def expand_matrix(matrix: Any, contexts: Contexts) -> MatrixExpansion:
    """The instances of one job's matrix; expressions are evaluated first (`inputs.*` etc.)."""
    rendered = render_deep(matrix, contexts)
    matrix = rendered.value
    if not rendered.resolved and _shape_is_dynamic(matrix):
        return MatrixExpansion(dynamic=True)
    if not isinstance(matrix, dict):
        raise MatrixError(
            "strategy.matrix must be a mapping of axes to lists of values.",
            "Write e.g. `matrix: {python: ['3.11', '3.12']}`.",
        )
    axes = {key: values for key, values in matrix.items() if key not in ("include", "exclude")}
    for key, values in axes.items():
        if not isinstance(values, list) or not values:
            raise MatrixError(
                f"Matrix axis '{key}' must be a non-empty list of values.",
                f"Write `{key}: [value1, value2]`.",
                (key,),
            )
    excludes = _entries(matrix, "exclude")
    includes = _entries(matrix, "include")
    size = 1
    for values in axes.values():
        size *= len(values)
    if axes and size > MAX_PRODUCT:
        raise MatrixError(
            f"The matrix has {size:,} combinations before `exclude`; GitHub allows "
            f"{MAX_INSTANCES} per job.",
            "Split the job or trim the axes.",
        )
    combinations = _product(axes)
    combinations = [
        combination
        for combination in combinations
        if not any(_matches(entry, combination) for entry in excludes)
    ]
    combinations = _apply_includes(combinations, includes, set(axes))
    if not combinations:
        raise MatrixError(
            "The matrix produces no combinations, so GitHub would not run the job.",
            "Check `exclude`: it removes every combination.",
        )
    if len(combinations) > MAX_INSTANCES:
        raise MatrixError(
            f"The matrix produces {len(combinations)} instances; GitHub allows {MAX_INSTANCES} "
            "per job.",
            "Split the job or trim the axes.",
        )
    return MatrixExpansion(combinations=combinations, run_time_values=not rendered.resolved)


def _shape_is_dynamic(matrix: Any) -> bool:
    """True when an expression decides which axes, values or entries there are."""
    if not isinstance(matrix, dict):
        return contains_expression(matrix)
    for key, value in matrix.items():
        if contains_expression(key) or contains_expression(value):
            return True
        if key in ("include", "exclude") and isinstance(value, list):
            for entry in value:
                if contains_expression(entry):
                    return True
                if isinstance(entry, dict) and any(contains_expression(k) for k in entry):
                    return True
    return False


def instance_suffix(combination: dict[str, Any]) -> str:
    """GitHub's default instance suffix: ` (v1, v2)` over the values, empty ones left out."""
    shown = [_display(value) for value in combination.values() if value is not None]
    shown = [text for text in shown if text != ""]
    return f" ({', '.join(shown)})" if shown else ""


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), default=str)


def _entries(matrix: dict[Any, Any], key: str) -> list[dict[Any, Any]]:
    entries = matrix.get(key)
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise MatrixError(
            f"Matrix `{key}` must be a list of mappings.", f"Write `{key}: [{{...}}]`.", (key,)
        )
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise MatrixError(
                f"Each `{key}` entry must be a mapping of matrix keys to values.",
                f"Write `- {{os: ubuntu-latest}}` under `{key}`.",
                (key, index),
            )
    return entries


def _product(axes: dict[Any, list[Any]]) -> list[dict[str, Any]]:
    if not axes:
        return []
    keys = [str(key) for key in axes]
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*axes.values())]


def _matches(pattern: Any, value: Any) -> bool:
    """Partial match: every key the pattern names must match, recursively for mappings."""
    if isinstance(pattern, dict):
        if not isinstance(value, dict):
            return False
        return all(
            key in value and _matches(expected, value[key]) for key, expected in pattern.items()
        )
    if isinstance(pattern, list):
        return (
            isinstance(value, list)
            and len(pattern) == len(value)
            and all(_matches(left, right) for left, right in zip(pattern, value, strict=True))
        )
    return _same(pattern, value)


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, dict | list) or isinstance(right, dict | list):
        return bool(left == right)
    return loose_equal(left, right)


def _apply_includes(
    combinations: list[dict[str, Any]], includes: list[dict[Any, Any]], axis_keys: set[Any]
) -> list[dict[str, Any]]:
    extended = [dict(combination) for combination in combinations]
    added: list[dict[str, Any]] = []
    original_keys = {str(key) for key in axis_keys}
    for entry in includes:
        entry = {str(key): value for key, value in entry.items()}
        fitted = False
        for combination in extended:
            if all(
                _same(value, combination[key])
                for key, value in entry.items()
                if key in original_keys
            ):
                combination.update(entry)
                fitted = True
        if not fitted:
            added.append(dict(entry))
    return extended + added
