"""The one meaning of "p50", "p90" and "p99" in the engine, for job durations and simulations.

Linear interpolation between closest ranks (numpy's default, R's type 7): the p90 of a single run
is that run, and it moves smoothly as runs are added, where nearest-rank would jump.
"""

import math
from collections.abc import Iterable, Sequence


def percentile(values: Iterable[float], fraction: float) -> float:
    """The `fraction` (0..1) percentile of at least one value."""
    return percentile_of_sorted(sorted(values), fraction)


def percentile_of_sorted(ordered: Sequence[float], fraction: float) -> float:
    """`percentile` for values already in ascending order (the simulation sorts once for three)."""
    rank = fraction * (len(ordered) - 1)
    below = math.floor(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)
