"""A saved version's snapshot: everything its figures were computed from, and what differs.

A snapshot holds the engine's workflow (jobs, needs, labels and every imported run, with the
run it came from and its conclusion) and the pools as they were. Recomputing from it gives the
same figures whatever has been imported or edited since; `data_changes` says what has.
Snapshots saved before conclusions were kept have none on their runs: those count as
successful, as every run did when they were saved, so their figures stay the same.

Formats. 1 (until issue 10) stored every run as a JSON object inside its job: about 106 bytes
a run, 10.6 MB for a workflow with 100k job runs, written on every save and read on every
visit. 2 stores the runs apart, as columns (per job: durations, creation times in integer
microseconds, run ids, conclusions as indexes into one table) compressed with zlib: the same
four values per run, exactly (floats round-trip through JSON, times are whole microseconds,
as the database keeps them), so the same figures, at a few bytes a run. Both are read.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import zlib
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, TypeAdapter

from decider.adapter.whatif import WhatIf
from decider.engine import inputs as engine_inputs
from decider.engine.runs import counted

SNAPSHOT_FORMAT = 2
# Past this many changed jobs or pools, the notice counts them instead of naming each one.
NAMED_CHANGES = 6
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_SAMPLES = TypeAdapter(list[engine_inputs.Sample])


class Snapshot(BaseModel):
    """Format 1: the runs inside the workflow's jobs."""

    format: int = 1
    workflow: engine_inputs.Workflow
    pools: list[engine_inputs.Pool]
    # The key of the stored runs the snapshot was taken from (`StoredRuns.key`): the cached
    # verdict of the live what-if that was saved then answers the saved version's page, its
    # comparison and its PDF, instead of the same simulation running again under another key.
    # Empty in snapshots saved before it was kept: those hash their runs.
    runs_key: str = ""


def _microseconds(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # the database gives aware times; a naive one is taken as UTC
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // _MICROSECOND


def _packed_runs(graph: engine_inputs.Workflow) -> str:
    """Every job's runs as compressed columns, in the graph's job order."""
    conclusions: dict[str | None, int] = {}
    jobs = []
    for job in graph.jobs:
        jobs.append(
            {
                "duration_s": [sample.duration_s for sample in job.samples],
                "created_at_us": [_microseconds(sample.created_at) for sample in job.samples],
                "run_id": [sample.run_id for sample in job.samples],
                "conclusion": [
                    conclusions.setdefault(sample.conclusion, len(conclusions))
                    for sample in job.samples
                ],
            }
        )
    columns = {"conclusions": list(conclusions), "jobs": jobs}
    text = json.dumps(columns, separators=(",", ":"), allow_nan=False)
    return base64.b64encode(zlib.compress(text.encode(), 6)).decode("ascii")


def _unpacked_runs(packed: str) -> list[list[engine_inputs.Sample]]:
    """Each job's samples, validated as any engine input is."""
    columns = json.loads(zlib.decompress(base64.b64decode(packed)))
    table = columns["conclusions"]
    runs = []
    for job in columns["jobs"]:
        runs.append(
            _SAMPLES.validate_python(
                [
                    {
                        "duration_s": duration,
                        "created_at": None if created is None else _EPOCH + created * _MICROSECOND,
                        "run_id": run_id,
                        "conclusion": table[conclusion],
                    }
                    for duration, created, run_id, conclusion in zip(
                        job["duration_s"],
                        job["created_at_us"],
                        job["run_id"],
                        job["conclusion"],
                        strict=True,
                    )
                ]
            )
        )
    return runs


def take_snapshot(whatif: WhatIf) -> dict[str, Any]:
    """The JSON stored with a version (format 2)."""
    graph = whatif.graph.model_dump(mode="json", exclude={"jobs": {"__all__": {"samples"}}})
    return {
        "format": SNAPSHOT_FORMAT,
        "workflow": graph,
        "pools": [pool.model_dump(mode="json") for pool in whatif.pools],
        "runs": _packed_runs(whatif.graph),
        # The live what-if's key of these runs: a version opened right after its save reuses
        # the verdict the what-if already computed.
        "runs_key": whatif.runs_key,
    }


# Per process: a snapshot's digest -> the WhatIf read from it, up to CACHED_RUNS job runs in
# all (about 63 MB; the newest one is kept whatever its size). Reading 100k runs back into
# engine samples is most of what opening a saved version costs; a version never changes once
# saved, so it is read once per process.
_CACHE: OrderedDict[str, WhatIf] = OrderedDict()
CACHED_RUNS = 100_000
_LOCK = threading.Lock()


def _digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _size(whatif: WhatIf) -> int:
    return sum(len(job.samples) for job in whatif.graph.jobs)


def whatif_from_snapshot(data: dict[str, Any]) -> WhatIf:
    """The data a version was computed from, whichever format it was stored in."""
    digest = _digest(data)
    with _LOCK:
        cached = _CACHE.get(digest)
        if cached is not None:
            _CACHE.move_to_end(digest)
            return cached
    whatif = _read(data, runs_key=data.get("runs_key") or f"snapshot:{digest}")
    with _LOCK:
        _CACHE[digest] = whatif
        while len(_CACHE) > 1 and sum(_size(kept) for kept in _CACHE.values()) > CACHED_RUNS:
            _CACHE.popitem(last=False)
    return whatif


def _read(data: dict[str, Any], runs_key: str) -> WhatIf:
    if data.get("format", 1) == 1:
        snapshot = Snapshot.model_validate(data)
        return WhatIf(
            graph=snapshot.workflow, pools=snapshot.pools, runs_key=snapshot.runs_key or runs_key
        )
    runs = _unpacked_runs(data["runs"])
    jobs = data["workflow"]["jobs"]
    if len(runs) != len(jobs):
        raise ValueError("a snapshot's runs do not match its jobs")
    # The samples are validated already: pydantic takes model instances as they are.
    graph = engine_inputs.Workflow.model_validate(
        {
            **data["workflow"],
            "jobs": [{**job, "samples": samples} for job, samples in zip(jobs, runs, strict=True)],
        }
    )
    pools = [engine_inputs.Pool.model_validate(pool) for pool in data["pools"]]
    return WhatIf(graph=graph, pools=pools, runs_key=runs_key)


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
