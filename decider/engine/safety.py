"""Publish-gate safety (DESIGN.md semantics 9): a gate stays after everything it was after.

Removing `needs:` can silently let a publish or deploy run before work it used to wait for.
For every gate job we compare what it transitively needs before and after the edit, name each
lost ordering, and propose the `needs:` edges that restore it.

Which edges: for a lost job X, the gate needs the *checks that consume X* (check jobs that
transitively need X, keeping only the last of a chain), not X itself. That restores "X before
gate" just as one edge to X would, and also makes the gate wait for the tests run on X's output,
which is what a gate is for: an edge to the test image alone would let publish start while the
tests on that image are still running. Only when no check consumes X does the gate need X.
"""

from pydantic import BaseModel

from decider.engine.graph import Needs, ancestors, successors
from decider.engine.inputs import Edge, Workflow


class LostOrdering(BaseModel):
    gate: int
    before: int  # the gate no longer waits for this job
    gate_key: str
    before_key: str
    before_kind: str


class Safety(BaseModel):
    safe: bool
    lost: list[LostOrdering]
    restoring_needs: list[Edge]  # `job` (a gate) needs `need`
    text: list[str]


def _descendants(needs: Needs, job: int) -> set[int]:
    dependents = successors(needs)
    found: set[int] = set()
    stack = [job]
    while stack:
        for dependent in dependents[stack.pop()]:
            if dependent not in found:
                found.add(dependent)
                stack.append(dependent)
    return found


def restoring_needs(workflow: Workflow, proposed: Needs, gate: int, lost: list[int]) -> list[Edge]:
    kinds = {job.id: job.kind for job in workflow.jobs}
    after_gate = _descendants(proposed, gate) | {gate}
    before_gate = ancestors(proposed)
    sources: list[int] = []
    for job in lost:
        consumers = _descendants(proposed, job) - after_gate
        checks = [check for check in proposed if check in consumers and kinds[check] == "check"]
        # Keep the last check of each chain: needing it implies the ones before it.
        last_checks = [c for c in checks if not any(c in before_gate[o] for o in checks)]
        sources += last_checks or [job]
    unique = list(dict.fromkeys(sources))
    # One source that already comes after another makes the other's edge redundant.
    kept = [s for s in unique if not any(s in before_gate[other] for other in unique)]
    return [Edge(job=gate, need=source) for source in kept]


def gate_safety(workflow: Workflow, current: Needs, proposed: Needs) -> Safety:
    keys = {job.id: job.key for job in workflow.jobs}
    kinds = {job.id: job.kind for job in workflow.jobs}
    before_now = ancestors(current)
    before_then = ancestors(proposed)
    lost: list[LostOrdering] = []
    edges: list[Edge] = []
    text: list[str] = []
    for job in workflow.jobs:
        if job.kind != "gate":
            continue
        missing = [other for other in current if other in before_now[job.id] - before_then[job.id]]
        if not missing:
            continue
        lost += [
            LostOrdering(
                gate=job.id,
                before=other,
                gate_key=job.key,
                before_key=keys[other],
                before_kind=kinds[other],
            )
            for other in missing
        ]
        restoring = restoring_needs(workflow, proposed, job.id, missing)
        edges += restoring
        text.append(
            f"{job.key} no longer waits for {', '.join(keys[m] for m in missing)}; "
            f"add {', '.join(keys[e.need] for e in restoring)} to its needs to restore it"
            + (
                " and gate it on the checks that use it."
                if _via_checks(restoring, missing)
                else "."
            )
        )
    return Safety(safe=not lost, lost=lost, restoring_needs=edges, text=text)


def _via_checks(edges: list[Edge], missing: list[int]) -> bool:
    return any(edge.need not in missing for edge in edges)
