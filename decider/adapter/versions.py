"""Saving a version: its snapshot, and what changed from the version before, in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from decider.adapter.snapshots import data_changes, take_snapshot, whatif_from_snapshot
from decider.adapter.whatif import WhatIf
from decider.engine import inputs as engine_inputs
from decider.models import Scenario

SCALARS = [
    ("statistic", "Duration statistic"),
    ("trigger", "The pipeline runs for"),
    ("include_failed_runs", "Failed, cancelled and timed-out runs included"),
    ("pipelines_per_hour", "Pipelines per hour"),
    ("pipelines_at_once", "Pipelines at once"),
    ("pipelines_per_month", "Pipelines per month"),
    ("people_waiting_per_pipeline", "People waiting per pipeline"),
    ("loaded_usd_per_hour", "Loaded $/hour"),
    ("target_queue_wait_s", "Target queue wait (s)"),
]
TEAMS = "the team's value"  # a pool setting the scenario leaves as the team has it
PER_POOL = [
    ("runners", "runners"),
    ("utilization", "baseline utilization"),
    ("usd_per_runner", "$ per runner-month"),
]


@dataclass
class VersionContent:
    """What `Scenario.save_version` stores, ready to pass as keyword arguments."""

    inputs: dict[str, Any]
    job_keys: list[str]
    snapshot: dict[str, Any]
    changes: list[str]

    def as_fields(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "job_keys": self.job_keys,
            "snapshot": self.snapshot,
            "changes": self.changes,
        }


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "none" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _edges(scenario: engine_inputs.Scenario, names: dict[int, str], which: str) -> set[str]:
    edges: list[engine_inputs.Edge] = getattr(scenario, which)
    return {f"{names[edge.job]} needs {names[edge.need]}" for edge in edges}


def input_changes(
    before: engine_inputs.Scenario,
    before_graph: engine_inputs.Workflow,
    after: engine_inputs.Scenario,
    after_graph: engine_inputs.Workflow,
) -> list[str]:
    """The edits between two versions' inputs, jobs named by their display names."""
    lines = []
    for field, label in SCALARS:
        old, new = getattr(before, field), getattr(after, field)
        if old != new:
            lines.append(f"{label}: {_shown(new)} (was {_shown(old)}).")
    old_names = {job.id: job.name for job in before_graph.jobs}
    new_names = {job.id: job.name for job in after_graph.jobs}
    for which, verb in (("remove_needs", "drops"), ("add_needs", "adds")):
        old_edges, new_edges = _edges(before, old_names, which), _edges(after, new_names, which)
        lines += [f"Now {verb}: {edge}." for edge in sorted(new_edges - old_edges)]
        lines += [f"No longer {verb}: {edge}." for edge in sorted(old_edges - new_edges)]
    for field, label in PER_POOL:
        old_values, new_values = getattr(before, field), getattr(after, field)
        for pool in sorted(set(old_values) | set(new_values)):
            if old_values.get(pool) != new_values.get(pool):
                new, old = new_values.get(pool, TEAMS), old_values.get(pool, TEAMS)
                lines.append(f"{pool} {label}: {_shown(new)} (was {_shown(old)}).")
    old_steps = {(old_names[o.job], o.model_dump_json(exclude={"job"})) for o in before.overrides}
    new_steps = {(new_names[o.job], o.model_dump_json(exclude={"job"})) for o in after.overrides}
    changed = sorted({name for name, _ in old_steps ^ new_steps})
    if changed:
        lines.append(f"Duration changes edited for {', '.join(changed)}.")
    old_estimates = {(old_names[e.job], e.seconds) for e in before.estimates}
    new_estimates = {(new_names[e.job], e.seconds) for e in after.estimates}
    estimated = sorted({name for name, _ in old_estimates ^ new_estimates})
    if estimated:
        lines.append(f"Estimates edited for {', '.join(estimated)}.")
    old_milestone = sorted(old_names[job] for job in before.milestone)
    new_milestone = sorted(new_names[job] for job in after.milestone)
    if old_milestone != new_milestone:
        lines.append(f"Milestone: {', '.join(new_milestone) or 'none'}.")
    return lines


def _previous(row: Scenario, today: WhatIf) -> tuple[engine_inputs.Scenario, WhatIf] | None:
    """The latest saved version's inputs and data, or None if they cannot be read."""
    then = whatif_from_snapshot(row.snapshot) if row.snapshot is not None else today
    try:
        scenario = engine_inputs.Scenario.model_validate(
            row.inputs, context={"workflow": then.graph, "pools": then.pools}
        )
    except ValidationError:
        return None
    return scenario, then


def new_version(
    row: Scenario | None,
    scenario: engine_inputs.Scenario,
    today: WhatIf,
    *,
    name: str = "",
    note: str = "",
) -> VersionContent:
    """What to store for `scenario` computed on today's data, and how it differs from `row`'s
    latest version (None for a new scenario)."""
    changes: list[str] = []
    if row is not None:
        if name != row.name:
            changes.append(f"Renamed “{name}” (was “{row.name}”).")
        if note != row.note:
            changes.append("Note edited.")
        previous = _previous(row, today)
        if previous is None:
            changes.append("Inputs replaced (the previous ones no longer fit the workflow).")
        else:
            before, then = previous
            changes += input_changes(before, then.graph, scenario, today.graph)
            changes += [f"Data: {line}" for line in data_changes(then, today)]
        if not changes:
            changes.append("Saved again: same inputs, same data.")
    return VersionContent(
        inputs=scenario.model_dump(mode="json"),
        job_keys=today.job_keys(),
        snapshot=take_snapshot(today),
        changes=changes or ["First version."],
    )
