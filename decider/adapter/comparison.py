"""Two to four analysed scenarios side by side: every figure in a row, the best one marked.

A pure function of analyses: who may compare what, and how many, is the compare form's rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from decider.adapter.results import ScenarioResults
from decider.adapter.saved import SavedAnalysis
from decider.engine.analysis import GraphResult
from decider.engine.formatting import days, duration, hours, number, pct, usd
from decider.engine.schedule import TOTAL
from decider.engine.verdict import SimulatedFigures

Better = str  # "lower", "higher" or "" (not ranked)


@dataclass
class Row:
    label: str
    texts: list[str]
    values: list[float | None]
    better: Better

    @property
    def differs(self) -> bool:
        return len(set(self.texts)) > 1

    @property
    def best(self) -> set[int]:
        known = [(v, i) for i, v in enumerate(self.values) if v is not None]
        if not self.better or len(known) < 2 or not self.differs:
            return set()
        target = min(v for v, _ in known) if self.better == "lower" else max(v for v, _ in known)
        return {i for v, i in known if abs(v - target) < 1e-9}


@dataclass
class Comparison:
    columns: list[SavedAnalysis] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


Figure = Callable[[ScenarioResults], float | None]
Format = Callable[[float | None], str]


def _current(results: ScenarioResults) -> GraphResult:
    return results.analysis.current


def _proposed(results: ScenarioResults) -> GraphResult:
    return results.analysis.proposed


def _on_pools(graph: GraphResult) -> float | None:
    return graph.constrained.wall_clock_s if graph.constrained else None


def _simulated(results: ScenarioResults) -> SimulatedFigures | None:
    decision = results.analysis.decision
    return decision.simulation if decision else None


def _simulated_p90_wall_clock(results: ScenarioResults) -> float | None:
    simulated = _simulated(results)
    return simulated.proposed_p90_wall_clock_s if simulated else None


def _simulated_p90_queue_delay(results: ScenarioResults) -> float | None:
    simulated = _simulated(results)
    return simulated.proposed_p90_queue_delay_s if simulated else None


def _planned_mean_wall_clock(results: ScenarioResults) -> float | None:
    planned = results.analysis.plan.planned
    return planned.mean_wall_clock_s if planned else None


def _payback(results: ScenarioResults) -> float | None:
    """Days, ranked so that at once is best and never is worst."""
    money = results.analysis.plan.money
    return {"immediate": 0.0, "never": math.inf}.get(money.payback or "", money.payback_days)


def _payback_text(value: float | None) -> str:
    if value == 0:
        return "immediate"
    if value == math.inf:
        return "never"
    return days(value)


def _figures() -> list[tuple[str, Figure, Format, Better]]:
    """(label, figure, format, better) for every compared row."""
    return [
        ("Current wall clock", lambda r: _current(r).wall_clock_s, duration, "lower"),
        ("Proposed wall clock", lambda r: _proposed(r).wall_clock_s, duration, "lower"),
        ("Saving", lambda r: r.analysis.savings.wall_clock_s, duration, "higher"),
        ("Saving (%)", lambda r: r.analysis.savings.wall_clock_pct, pct, "higher"),
        ("Proposed milestone", lambda r: _proposed(r).milestone_wall_clock_s, duration, "lower"),
        ("Proposed on the pools' runners", lambda r: _on_pools(_proposed(r)), duration, "lower"),
        ("Compute", lambda r: _proposed(r).compute_s, duration, "lower"),
        ("Peak runners", lambda r: _proposed(r).peak_runners.get(TOTAL), number, "lower"),
        ("Simulated p90 wall clock", _simulated_p90_wall_clock, duration, "lower"),
        ("Simulated p90 queueing delay", _simulated_p90_queue_delay, duration, "lower"),
        ("Mean wall clock at this load", _planned_mean_wall_clock, duration, "lower"),
        (
            "Change in runner cost per month",
            lambda r: r.analysis.plan.money.added_usd_per_month,
            usd,
            "lower",
        ),
        (
            "Hours saved per month",
            lambda r: r.analysis.plan.money.hours_saved_per_month,
            hours,
            "higher",
        ),
        ("Net benefit per month", lambda r: r.analysis.plan.money.net_usd_per_month, usd, "higher"),
        ("Payback", _payback, _payback_text, "lower"),
    ]


def comparison_table(columns: list[SavedAnalysis]) -> Comparison:
    """The rows of the comparison (page and PDF alike)."""
    table = Comparison(columns=columns)
    results = [column.results for column in columns]
    unranked: list[float | None] = [None] * len(columns)
    table.rows.append(Row("Verdict", [r.verdict_title for r in results], unranked, ""))
    table.rows.append(Row("The ask", [r.ask for r in results], unranked, ""))
    for label, figure, formatted, better in _figures():
        values = [figure(r) for r in results]
        table.rows.append(Row(label, [formatted(v) for v in values], values, better))
    safety = ["safe" if r.analysis.safety.safe else "publish gate loosened" for r in results]
    table.rows.append(Row("Publish-gate safety", safety, unranked, ""))
    return table
