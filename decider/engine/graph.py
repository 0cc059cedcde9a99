"""Job graphs as plain dicts: job id -> ids it needs. Iteration order is declaration order."""

import heapq
from collections.abc import Hashable, Mapping, Sequence

Needs = Mapping[int, Sequence[int]]


def find_cycle[Node: Hashable](needs: Mapping[Node, Sequence[Node]]) -> list[Node] | None:
    """A cycle as a path that starts and ends on the same job, or None; iterative (deep graphs).

    The one cycle finder: engine job ids, the importers' YAML job ids and the simulation's job
    indexes all come here. Depth-first from each job in declaration order, needs in their order,
    so the cycle named is stable. Needs naming no job of `needs` are ignored.
    """
    unvisited, in_progress, done = 0, 1, 2
    state = dict.fromkeys(needs, unvisited)
    for root in needs:
        if state[root] != unvisited:
            continue
        stack: list[tuple[Node, int]] = [(root, 0)]
        state[root] = in_progress
        while stack:
            job, next_index = stack[-1]
            job_needs = needs.get(job, ())
            if next_index == len(job_needs):
                state[job] = done
                stack.pop()
                continue
            stack[-1] = (job, next_index + 1)
            need = job_needs[next_index]
            if need not in state:
                continue
            if state[need] == in_progress:
                path = [frame[0] for frame in stack]
                return [*path[path.index(need) :], need]
            if state[need] == unvisited:
                state[need] = in_progress
                stack.append((need, 0))
    return None


def topological_order(needs: Needs) -> list[int]:
    """Kahn's algorithm; among ready jobs the earlier-declared comes first (stable output)."""
    jobs = list(needs)
    position = {job: index for index, job in enumerate(jobs)}
    remaining = {job: len(job_needs) for job, job_needs in needs.items()}
    dependents = successors(needs)
    ready = [position[job] for job in jobs if remaining[job] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        job = jobs[heapq.heappop(ready)]
        order.append(job)
        for dependent in dependents[job]:
            remaining[dependent] -= 1
            if remaining[dependent] == 0:
                heapq.heappush(ready, position[dependent])
    if len(order) != len(needs):
        raise ValueError("the needs form a cycle")
    return order


def successors(needs: Needs) -> dict[int, list[int]]:
    dependents: dict[int, list[int]] = {job: [] for job in needs}
    for job, job_needs in needs.items():
        for need in job_needs:
            dependents[need].append(job)
    return dependents


def ancestors(needs: Needs) -> dict[int, set[int]]:
    """Every job each job transitively needs."""
    result: dict[int, set[int]] = {}
    for job in topological_order(needs):
        found: set[int] = set()
        for need in needs[job]:
            found.add(need)
            found |= result[need]
        result[job] = found
    return result
