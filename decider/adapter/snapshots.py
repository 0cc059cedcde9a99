"""A saved version's snapshot: everything its figures were computed from, and what differs.

A snapshot holds the engine's workflow (jobs, needs, labels and every imported run, with the
run it came from and its conclusion) and the pools as they were. Recomputing from it gives the
same figures whatever has been imported or edited since; `data_changes` says what has.
Snapshots saved before conclusions were kept have none on their runs: those count as
successful, as every run did when they were saved, so their figures stay the same.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from decider.adapter.whatif import WhatIf
from decider.engine import inputs as engine_inputs
from decider.engine.runs import counted

SNAPSHOT_FORMAT = 1
# Past this many changed jobs or pools, the notice counts them instead of naming each one.
NAMED_CHANGES = 6


class Snapshot(BaseModel):
    format: int = SNAPSHOT_FORMAT
    workflow: engine_inputs.Workflow
    pools: list[engine_inputs.Pool]
    # The key of the stored runs the snapshot was taken from (`StoredRuns.key`): the cached
    # verdict of the live what-if that was saved then answers the saved version's page, its
    # comparison and its PDF, instead of the same simulation running again under another key.
    # Empty in snapshots saved before it was kept: those hash their runs.
    runs_key: str = ""


def take_snapshot(whatif: WhatIf) -> dict[str, Any]:
    """The JSON stored with a version."""
    snapshot = Snapshot(workflow=whatif.graph, pools=whatif.pools, runs_key=whatif.runs_key)
    return snapshot.model_dump(mode="json")


def whatif_from_snapshot(data: dict[str, Any]) -> WhatIf:
    snapshot = Snapshot.model_validate(data)
    return WhatIf(graph=snapshot.workflow, pools=snapshot.pools, runs_key=snapshot.runs_key)


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:NAMED_CHANGES])
    more = len(names) - NAMED_CHANGES
    return f"{shown} and {more} more" if more > 0 else shown


def _job_changes(then: engine_inputs.Workflow, now: engine_inputs.Workflow) -> list[str]:
    then_jobs = {job.key: job for job in then.jobs}
    now_jobs = {job.key: job for job in now.jobs}
    then_keys = {job.id: job.key for job in then.jobs}
    now_keys = {job.id: job.key for job in now.jobs}
    lines = [
        f"Job '{key}' is no longer in the workflow." for key in then_jobs if key not in now_jobs
    ]
    lines += [f"Job '{key}' was added to the workflow." for key in now_jobs if key not in then_jobs]
    rewired, relabelled, remeasured = [], [], []
    for key, job in now_jobs.items():
        before = then_jobs.get(key)
        if before is None:
            continue
        if {then_keys[n] for n in before.needs} != {now_keys[n] for n in job.needs}:
            rewired.append(key)
        if sorted(before.runs_on) != sorted(job.runs_on):
            relabelled.append(key)
        used_then = counted(before.samples, include_failed_runs=False).counts.used
        used_now = counted(job.samples, include_failed_runs=False).counts.used
        if len(before.samples) != len(job.samples):
            remeasured.append(f"{key} ({len(before.samples)} → {len(job.samples)} runs)")
        elif used_then != used_now:
            # The same runs, but their conclusions are known now (or changed).
            remeasured.append(f"{key} ({used_then} → {used_now} successful runs)")
    if rewired:
        lines.append(f"Needs changed for {_listed(rewired)}.")
    if relabelled:
        lines.append(f"runs-on labels changed for {_listed(relabelled)}.")
    if remeasured:
        lines.append(f"Measured runs changed for {_listed(remeasured)}.")
    return lines


def _pool_changes(then: list[engine_inputs.Pool], now: list[engine_inputs.Pool]) -> list[str]:
    then_pools = {pool.name: pool for pool in then}
    now_pools = {pool.name: pool for pool in now}
    lines = [f"Pool {name} was removed." for name in then_pools if name not in now_pools]
    lines += [f"Pool {name} was added." for name in now_pools if name not in then_pools]
    for name, pool in now_pools.items():
        before = then_pools.get(name)
        if before is None:
            continue
        if before.runners != pool.runners:
            lines.append(f"Pool {name}: {pool.runners} runners now, {before.runners} then.")
        if before.monthly_usd_per_runner != pool.monthly_usd_per_runner:
            lines.append(
                f"Pool {name}: ${pool.monthly_usd_per_runner:,.0f} per runner-month now, "
                f"${before.monthly_usd_per_runner:,.0f} then."
            )
        if before.baseline_utilization != pool.baseline_utilization:
            lines.append(
                f"Pool {name}: {pool.baseline_utilization:.0%} busy with other work now, "
                f"{before.baseline_utilization:.0%} then."
            )
        if sorted(before.labels) != sorted(pool.labels):
            lines.append(f"Pool {name}: labels {' '.join(pool.labels)} now.")
    return lines


def data_changes(then: WhatIf, now: WhatIf) -> list[str]:
    """What differs between a version's data and today's, in words; [] when nothing does."""
    return _job_changes(then.graph, now.graph) + _pool_changes(then.pools, now.pools)
