"""The cheapest runner additions (by $/month) that let the proposed graph meet the verdict's
goal: a simulated p90 wall clock below the current graph's, and a p90 queueing delay at most
the scenario's target (DESIGN.md semantics 6).

More runners only shorten queues. So adding the same number of runners to every pool bounds
the answer; the bound gives back what it does not need, dearest pool first; then the cheapest
mixes below it are tried best-first while MAX_SIMULATIONS lasts. Each mix is simulated once.
"""

import heapq
from collections.abc import Mapping
from dataclasses import dataclass

from decider.engine.pool_simulation import GraphCase, SimulationSetup
from decider.engine.pools import Placement
from decider.engine.simulation import SimulationResult

MAX_SIMULATIONS = 40

# Runners added per searchable pool, in inventory order.
Mix = tuple[int, ...]


@dataclass(frozen=True)
class RunnerSearch:
    """What stays fixed while the search tries runner additions on the proposed graph."""

    setup: SimulationSetup
    proposed: GraphCase
    current_p90_wall_clock_s: float  # simulated, on today's pools: the figure to beat
    limit: int  # the most runners added to every pool at once before giving up


@dataclass(frozen=True)
class Found:
    additions: dict[str, int]  # empty: the pools meet the goal as they are
    simulated: SimulationResult  # the proposed graph with these additions
    usd_per_month: float


@dataclass(frozen=True)
class SearchResult:
    found: Found | None  # None: even `limit` more runners per pool miss the goal
    simulations: int  # of the proposed graph; the current one's is not counted


def search_runner_additions(search: RunnerSearch) -> SearchResult:
    trials = _Trials(search)
    start = trials.start()
    if trials.meets(start) is not None and not any(start):
        return trials.result(start)
    bound = _first_even_addition_that_meets(trials, start, search.limit)
    if bound is None:
        return SearchResult(found=None, simulations=trials.count)
    fewer = _give_back_dearest_first(trials, start, bound)
    return trials.result(_cheapest_below(trials, start, fewer))


def _first_even_addition_that_meets(trials: "_Trials", start: Mix, limit: int) -> Mix | None:
    """`start` itself, else `start` plus 1, 2, ... `limit` runners on every pool."""
    if trials.meets(start) is not None:
        return start
    for extra in range(1, limit + 1):
        even = tuple(n + extra for n in start)
        if trials.meets(even) is not None:
            return even
    return None


def _give_back_dearest_first(trials: "_Trials", start: Mix, bound: Mix) -> Mix:
    """Each pool, dearest first, sheds runners until one fewer would miss the goal (more
    runners never lengthen queues, so the first miss ends that pool's shrinking)."""
    best = bound
    for index in sorted(range(len(bound)), key=lambda i: -trials.prices[i]):
        while best[index] > start[index]:
            fewer = tuple(n - (i == index) for i, n in enumerate(best))
            if trials.meets(fewer) is None:
                break
            best = fewer
    return best


def _cheapest_below(trials: "_Trials", start: Mix, bound: Mix) -> Mix:
    """Best-first by $/month from `start` within `bound`: the first mix that meets the goal
    and costs less than `bound`, or `bound` when none does before the budget runs out."""
    frontier: list[tuple[float, int, Mix]] = [(trials.cost(start), sum(start), start)]
    seen = {start}
    while frontier and trials.count < MAX_SIMULATIONS:
        spent, _, mix = heapq.heappop(frontier)
        if spent >= trials.cost(bound):
            break
        if trials.meets(mix) is not None:
            return mix
        for index in range(len(mix)):
            following = tuple(n + (i == index) for i, n in enumerate(mix))
            if following not in seen and all(n <= b for n, b in zip(following, bound, strict=True)):
                seen.add(following)
                heapq.heappush(frontier, (trials.cost(following), sum(following), following))
    return bound


class _Trials:
    """The proposed graph simulated once per mix of additions, and whether it met the goal."""

    def __init__(self, search: RunnerSearch) -> None:
        self.search = search
        pools = search.setup.pools
        # Only pools that run some job of non-zero length can shorten a queue by growing.
        self.names = [
            pool.name
            for pool in pools
            if any(
                pool.name in placement.pools and search.proposed.seconds[job] > 0
                for job, placement in search.proposed.placements.items()
            )
        ]
        price = {pool.name: pool.monthly_usd_per_runner for pool in pools}
        self.prices = [price[name] for name in self.names]
        self.met: dict[Mix, SimulationResult | None] = {}

    @property
    def count(self) -> int:
        return len(self.met)

    def start(self) -> Mix:
        """Pools that proposed jobs can only run on and that have no runners get one."""
        runners = {pool.name: pool.runners for pool in self.search.setup.pools}
        placements = self.search.proposed.placements
        return tuple(
            1 if runners[name] == 0 and _needed_alone(name, placements, runners) else 0
            for name in self.names
        )

    def cost(self, mix: Mix) -> float:
        return sum(count * price for count, price in zip(mix, self.prices, strict=True))

    def additions(self, mix: Mix) -> dict[str, int]:
        return {name: n for name, n in zip(self.names, mix, strict=True) if n}

    def meets(self, mix: Mix) -> SimulationResult | None:
        """The simulation when these additions meet the goal, else None."""
        if mix not in self.met:
            simulated = self.search.setup.run(self.search.proposed, self.additions(mix))
            self.met[mix] = simulated if self._meets_goal(simulated) else None
        return self.met[mix]

    def _meets_goal(self, simulated: SimulationResult) -> bool:
        wall_clock, queue_delay = simulated.pipeline_wall_clock_s, simulated.pipeline_queue_delay_s
        assert wall_clock is not None and queue_delay is not None  # pipelines were simulated
        faster = wall_clock.p90 < self.search.current_p90_wall_clock_s
        return faster and queue_delay.p90 <= self.search.setup.scenario.target_queue_wait_s

    def result(self, mix: Mix) -> SearchResult:
        """The search's answer: `mix`, which met the goal."""
        simulated = self.met[mix]
        assert simulated is not None
        found = Found(
            additions=self.additions(mix), simulated=simulated, usd_per_month=self.cost(mix)
        )
        return SearchResult(found=found, simulations=self.count)


def _needed_alone(
    pool: str, placements: Mapping[int, Placement], runners: Mapping[str, int]
) -> bool:
    return any(
        pool in placement.pools and sum(runners[p] for p in placement.pools) == 0
        for placement in placements.values()
    )
