"""What a workflow's `on:` filters say about each trigger we analyse for.

Only what the file decides is said. A push to the default branch (`main`, or `master` when
the push filters name `master` and not `main`: see `default_branch`) is left out by `branches`
none of whose patterns matches it, by `branches-ignore` that matches it, and by `tags` alone
(GitHub then runs the workflow for tags only). `paths` filters depend on the change and a pull
request's `branches` on its base branch: both are noted as undecidable. Schedules and manual
runs have no filters.
"""

from fnmatch import fnmatchcase
from typing import Any

from decider.engine.vocabulary import Trigger
from decider.importers.conditions import DEFAULT_BRANCH

_PATH_FILTERS = ("paths", "paths-ignore")


def default_branch(section: Any) -> str:
    """The default branch a workflow's `if:` conditions are decided for: `main`, unless its
    push filters name `master` and not `main` (the older default, still common)."""
    push = section.get("push") if isinstance(section, dict) else None
    named = set(_patterns(push.get("branches"))) if isinstance(push, dict) else set()
    return "master" if "master" in named and DEFAULT_BRANCH not in named else DEFAULT_BRANCH


def trigger_notes(section: Any) -> dict[Trigger, str]:
    """Per trigger, a sentence when the `on:` filters leave it out or may; `section` is the
    workflow's `on:` value."""
    if not isinstance(section, dict):
        return {}
    notes: dict[Trigger, str] = {}
    push = section.get("push")
    if isinstance(push, dict):
        note = _push_note(push, default_branch(section))
        if note:
            notes["push"] = note
    pull_request = section.get("pull_request")
    if isinstance(pull_request, dict):
        filters = [
            key for key in ("branches", "branches-ignore", *_PATH_FILTERS) if key in pull_request
        ]
        if filters:
            notes["pull_request"] = (
                f"on.pull_request filters by {', '.join(filters)}: whether a given pull request "
                "runs the workflow depends on its base branch or the files it changes."
            )
    return notes


def _push_note(push: dict[Any, Any], branch: str) -> str:
    branches, ignored = push.get("branches"), push.get("branches-ignore")
    if branches is None and ignored is None and ("tags" in push or "tags-ignore" in push):
        return "on.push names only tags: GitHub runs the workflow for tags, not for branch pushes."
    if branches is not None and not _selected(_patterns(branches), branch):
        return (
            f"on.push.branches ({', '.join(_patterns(branches))}) does not include {branch}, "
            "taken as the default branch: a push to it does not run the workflow."
        )
    if ignored is not None and _selected(_patterns(ignored), branch):
        return (
            f"on.push.branches-ignore leaves out {branch}, taken as the default branch: a push "
            "to it does not run the workflow."
        )
    filters = [key for key in _PATH_FILTERS if key in push]
    if filters:
        return (
            f"on.push filters by {', '.join(filters)}: whether a push to the default branch "
            "runs the workflow depends on the files it changes."
        )
    return ""


def _patterns(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(item) for item in items if item is not None]


def _selected(patterns: list[str], branch: str) -> bool:
    """Whether the default branch matches GitHub's branch globs (`*`, `**`, `?`), read in
    order, a later `!pattern` taking back what an earlier one matched."""
    selected = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if fnmatchcase(branch, pattern.removeprefix("!").replace("**", "*")):
            selected = not negated
    return selected
