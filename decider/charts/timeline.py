"""What the time charts share: which schedule to draw, pool order, the time axis."""

import math
from dataclasses import dataclass
from typing import Literal

from decider.charts.svg import GRID, MUTED, PAD, el, text
from decider.engine.analysis import Analysis, GraphResult
from decider.engine.schedule import JobTiming, Step

Which = Literal["current", "proposed"]

# Tick steps in seconds: seconds, then minutes, then hours.
_STEPS = (1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800)
# Beyond this, ticks count hours (in half hours at least) rather than minutes.
_HOURS_FROM_S = 7200
_MIN_TICK_SPACING = 64.0
_EMPTY_DOMAIN_S = 60.0
# In the Gantt chart, a column naming each job's runner when drawn on the pools' runners
# (wide enough for "runner 12" beside its bracket).
LANE_COLUMN = 76.0
# Room for tick labels repeated above a tall chart's rows.
TOP_AXIS = 16.0


@dataclass(frozen=True)
class Drawn:
    """The schedule a chart draws: unconstrained, or on the pools' runners."""

    graph: GraphResult
    on_runners: bool
    timings: list[JobTiming]
    critical_path: list[int]
    wall_clock_s: float
    milestone_s: float | None
    concurrency: dict[str, list[Step]]


def drawn(analysis: Analysis, which: Which, constrained: bool) -> Drawn:
    graph = analysis.current if which == "current" else analysis.proposed
    schedule = graph.constrained if constrained else None
    if schedule is None:
        return Drawn(
            graph=graph,
            on_runners=False,
            timings=graph.timings,
            critical_path=graph.critical_path,
            wall_clock_s=graph.wall_clock_s,
            milestone_s=graph.milestone_wall_clock_s,
            concurrency=graph.concurrency,
        )
    return Drawn(
        graph=graph,
        on_runners=True,
        timings=schedule.jobs,
        critical_path=schedule.critical_path,
        wall_clock_s=schedule.wall_clock_s,
        milestone_s=schedule.milestone_wall_clock_s,
        concurrency=schedule.concurrency,
    )


def extent_s(chart: Drawn) -> float:
    return max(
        [chart.wall_clock_s, chart.milestone_s or 0.0]
        + [max(t.end_s, t.ready_s) for t in chart.timings]
    )


def shared_time_max_s(analysis: Analysis, constrained: bool) -> float:
    """The time_max_s that draws the current and proposed charts on one scale."""
    return max(extent_s(drawn(analysis, which, constrained)) for which in ("current", "proposed"))


def pool_sizes(analysis: Analysis) -> dict[str, int]:
    """Runners per pool (with the scenario's counts); unconstrained groups are absent."""
    return {pool.name: pool.runners for pool in analysis.pools}


def group_order(analysis: Analysis, groups: set[str]) -> list[str]:
    """Inventory pools in their order, then unconstrained groups in job declaration order."""
    ordered = [pool.name for pool in analysis.pools if pool.name in groups]
    for job in analysis.jobs:
        if job.pool in groups and job.pool not in ordered:
            ordered.append(job.pool)
    ordered += sorted(groups - set(ordered))
    return ordered


def gutter(width: int) -> float:
    """The label column left of the plot."""
    return min(max(width * 0.25, 140.0), 260.0)


def chart_axis(width: int, on_runners: bool, longest_s: float) -> "TimeAxis":
    """The time axis of both time charts, so that stacked charts line up."""
    left = PAD + gutter(width) + (LANE_COLUMN if on_runners else 0.0)
    return time_axis(left, width - PAD - 8, longest_s)


@dataclass(frozen=True)
class TimeAxis:
    """Seconds mapped onto [left, right]; `domain_s` ends on a tick."""

    left: float
    right: float
    domain_s: float
    step_s: int

    def x(self, seconds: float) -> float:
        return self.left + (self.right - self.left) * seconds / self.domain_s

    def ticks(self) -> list[float]:
        count = round(self.domain_s / self.step_s)
        return [float(i * self.step_s) for i in range(count + 1)]

    def label(self, seconds: float) -> str:
        if self.step_s < 60:
            return f"{seconds:.0f} s"
        if self.domain_s <= _HOURS_FROM_S:
            return f"{seconds / 60:.0f} min"
        return f"{seconds / 3600:g} h"


def time_axis(left: float, right: float, longest_s: float) -> TimeAxis:
    """The smallest tick step that keeps ticks readable, and a domain rounded up to it."""
    longest_s = longest_s if longest_s > 0 else _EMPTY_DOMAIN_S
    most_ticks = max(1, math.floor((right - left) / _MIN_TICK_SPACING))
    steps = [s for s in _STEPS if longest_s <= _HOURS_FROM_S or s >= 1800]
    step = next((s for s in steps if longest_s / s <= most_ticks), 0)
    if not step:
        hours = math.ceil(longest_s / most_ticks / 3600)
        step = 3600 * hours
    domain = math.ceil(longest_s / step - 1e-9) * step
    return TimeAxis(left=left, right=right, domain_s=float(domain), step_s=step)


def grid_and_ticks(axis: TimeAxis, top: float, bottom: float, with_labels: bool) -> list[str]:
    """Vertical gridlines over [top, bottom], with tick labels under the bottom."""
    parts = []
    for tick in axis.ticks():
        x = axis.x(tick)
        parts.append(el("line", {"x1": x, "y1": top, "x2": x, "y2": bottom, "stroke": GRID}))
        if with_labels:
            parts.append(
                el("line", {"x1": x, "y1": bottom, "x2": x, "y2": bottom + 4.0, "stroke": MUTED})
            )
            parts.append(
                text(x, bottom + 16, axis.label(tick), 11, fill=MUTED, text_anchor="middle")
            )
    return parts


def top_tick_labels(axis: TimeAxis, top: float) -> list[str]:
    """The tick labels again just above the plot, for charts taller than a screen."""
    return [
        text(axis.x(tick), top - 5, axis.label(tick), 11, fill=MUTED, text_anchor="middle")
        for tick in axis.ticks()
    ]
