"""Does a job's `if:` let it run for a trigger? Decided from the workflow file alone.

A small evaluator for the part of GitHub's expression language that a trigger decides:
`github.event_name`, `github.ref`, `github.ref_name`, `github.base_ref`, `github.head_ref`,
`github.event.pull_request`, `inputs` outside manual runs, literals, `== != < <= > >= && || !`,
parentheses, `startsWith`, `endsWith`, `contains`, `format`, `join`, `toJSON`, `fromJSON`
and the status functions. Everything else (`needs.*`, `vars.*`, a pull request's own
fields...) is unknown, and logic is three-valued: `false && unknown` is false,
`true || unknown` is true, anything else touching an unknown is unknown. An unknown result
is *undecidable*: the caller counts the job as running and flags it.

What each trigger makes known (GitHub's documented values):
- `github.event_name` is the trigger's event name;
- a push to the default branch and a scheduled run have `github.ref` `refs/heads/<default>`
  and `github.ref_name` `<default>`, the default branch being `main` unless the caller knows
  better (see `trigger_filters.default_branch`); a pull request's and a manual run's refs are
  unknown;
- `github.base_ref` and `github.head_ref` are empty except on pull requests (unknown there);
- `github.event.pull_request` is null except on pull requests (unknown there);
- `inputs` is empty except on manual runs (unknown there) and in called workflows (the
  calling job's `with:`);
- `github.repository` and `github.repository_owner` are the repository imported into.

Status functions assume the pipeline succeeds: `always()` is true, `failure()` and
`cancelled()` are false, `success()` is true unless a job it needs was skipped. A condition
without a status function gets GitHub's implicit `success() && ...`.
"""

from dataclasses import dataclass
from typing import Any

from decider.engine.vocabulary import ConditionOutcome, Trigger
from decider.importers.expressions import (
    UNKNOWN,
    ContextObject,
    Contexts,
    Tree,
    Unresolved,
    call_function,
    compare,
    index,
    is_truthy,
    loose_equal,
    parse,
)

DEFAULT_BRANCH = "main"
_STATUS_FUNCTIONS = {"success", "failure", "cancelled", "always"}
_EXPRESSION = "${{"


@dataclass(frozen=True)
class _Status:
    a_need_skipped: bool


def decide(
    condition: Any,
    trigger: Trigger,
    *,
    a_need_skipped: bool = False,
    inputs: ContextObject | None = None,
    repository: str | None = None,
    default_branch: str = DEFAULT_BRANCH,
) -> ConditionOutcome:
    """Whether a job whose `if:` is `condition` (None: no `if:`) runs for `trigger`, given
    whether one of the jobs it needs was skipped. `inputs`: a called workflow's inputs (None:
    the trigger's own); `repository`: `owner/name` when known. Never raises."""
    if condition is None:
        return "skips" if a_need_skipped else "runs"
    try:
        contexts = _contexts(trigger, inputs, repository, default_branch)
        return _decide(condition, _Status(a_need_skipped), contexts)
    except (Unresolved, ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError):
        return "undecidable"


def uses_status_function(condition: Any) -> bool:
    """True when the condition names a status function, so a skipped need does not skip the
    job by itself (GitHub's rule); False when it cannot be read."""
    text = _expression_text(condition) if condition is not None else None
    if text is None:
        return False
    try:
        return _has_status_call(parse(text))
    except (ValueError, RecursionError):
        return False


def _decide(condition: Any, status: _Status, contexts: Contexts) -> ConditionOutcome:
    if isinstance(condition, bool) or condition == "":
        implicit = not status.a_need_skipped
        return "runs" if implicit and condition is not False else "skips"
    text = _expression_text(condition)
    if text is None:
        # Text around `${{ }}` makes the whole `if:` a non-empty string: always true.
        return "skips" if status.a_need_skipped else "runs"
    tree = parse(text)
    value = _evaluate(tree, contexts, status)
    if not _has_status_call(tree):
        value = _and(not status.a_need_skipped, value)
    truth = _truth(value)
    if truth is None:
        return "undecidable"
    return "runs" if truth else "skips"


def _expression_text(condition: Any) -> str | None:
    """The expression an `if:` holds: bare, or wrapped in one `${{ }}`; None when it is a
    string template with text outside its expressions."""
    text = str(condition).strip()
    if _EXPRESSION not in text:
        return text
    if text.startswith(_EXPRESSION) and text.endswith("}}") and text.count(_EXPRESSION) == 1:
        return text[len(_EXPRESSION) : -2]
    return None


def _contexts(
    trigger: Trigger,
    called_with: ContextObject | None,
    repository: str | None,
    default_branch: str,
) -> Contexts:
    pull_request = trigger == "pull_request"
    on_default_branch = trigger in ("push", "schedule")
    github = ContextObject(
        {
            "event_name": trigger,
            "ref": f"refs/heads/{default_branch}" if on_default_branch else UNKNOWN,
            "ref_name": default_branch if on_default_branch else UNKNOWN,
            "base_ref": UNKNOWN if pull_request else "",
            "head_ref": UNKNOWN if pull_request else "",
            "repository": repository or UNKNOWN,
            "repository_owner": repository.split("/")[0] if repository else UNKNOWN,
            "event": ContextObject(
                {"pull_request": UNKNOWN if pull_request else None}, missing=UNKNOWN
            ),
        },
        missing=UNKNOWN,
    )
    inputs: Any = UNKNOWN if trigger == "workflow_dispatch" else ContextObject({})
    if called_with is not None:
        inputs = called_with
    return Contexts({"github": github, "inputs": inputs})


def _has_status_call(tree: Tree) -> bool:
    if tree[0] == "call" and tree[1] in _STATUS_FUNCTIONS:
        return True
    return any(
        _has_status_call(part)
        for part in _children(tree)
        if isinstance(part, tuple) and part and isinstance(part[0], str)
    )


def _children(tree: Tree) -> list[Any]:
    if tree[0] == "call":
        return list(tree[2])
    if tree[0] == "literal" or tree[0] == "context":
        return []
    return list(tree[1:])


def _truth(value: Any) -> bool | None:
    return None if value is UNKNOWN else is_truthy(value)


def _and(left: Any, right: Any) -> Any:
    """GitHub's `&&` (the first falsy operand, else the last) with unknowns."""
    left_truth = _truth(left)
    if left_truth is False:
        return left
    if left_truth is True:
        return right
    return False if _truth(right) is False else UNKNOWN


def _or(left: Any, right: Any) -> Any:
    left_truth = _truth(left)
    if left_truth is True:
        return left
    if left_truth is False:
        return right
    return True if _truth(right) is True else UNKNOWN


def _evaluate(tree: Tree, contexts: Contexts, status: _Status) -> Any:
    kind = tree[0]
    if kind == "literal":
        return tree[1]
    if kind == "context":
        try:
            return contexts.lookup(tree[1])
        except Unresolved:
            return UNKNOWN
    if kind == "not":
        truth = _truth(_evaluate(tree[1], contexts, status))
        return UNKNOWN if truth is None else not truth
    if kind == "index":
        container = _evaluate(tree[1], contexts, status)
        key = _evaluate(tree[2], contexts, status)
        if container is UNKNOWN or key is UNKNOWN:
            return UNKNOWN
        try:
            return index(container, key)
        except Unresolved:
            return UNKNOWN
    if kind == "wildcard":
        # `github.event.pull_request.labels.*` outside a pull request is an empty list.
        return [] if _evaluate(tree[1], contexts, status) is None else UNKNOWN
    if kind == "call":
        return _call(tree[1], tree[2], contexts, status)
    operator = tree[1]
    left = _evaluate(tree[2], contexts, status)
    right = _evaluate(tree[3], contexts, status)
    if operator == "&&":
        return _and(left, right)
    if operator == "||":
        return _or(left, right)
    if _holds_unknown(left) or _holds_unknown(right):
        return UNKNOWN
    left, right = _plain(left), _plain(right)
    if operator == "==":
        return loose_equal(left, right)
    if operator == "!=":
        return not loose_equal(left, right)
    return compare(operator, left, right)


def _call(name: str, arguments: list[Tree], contexts: Contexts, status: _Status) -> Any:
    if name == "always":
        return True
    if name in ("failure", "cancelled"):
        return False  # the plan is for a pipeline that succeeds
    if name == "success":
        return not status.a_need_skipped
    values = [_evaluate(argument, contexts, status) for argument in arguments]
    if any(_holds_unknown(value) for value in values):
        return UNKNOWN
    try:
        return call_function(name, [_plain(value) for value in values])
    except Unresolved:  # hashFiles() and the like depend on the run
        return UNKNOWN


def _plain(value: Any) -> Any:
    return dict(value.values) if isinstance(value, ContextObject) else value


def _holds_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, ContextObject):
        return value.missing is UNKNOWN or any(_holds_unknown(v) for v in value.values.values())
    if isinstance(value, dict):
        return any(_holds_unknown(item) for item in value.values())
    if isinstance(value, list):
        return any(_holds_unknown(item) for item in value)
    return False
