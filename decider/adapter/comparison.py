"""Two to four analysed scenarios side by side: the inputs that differ, every figure in a row,
the best one marked where lower or higher is plainly better.

A pure function of analyses: who may compare what, and how many, is the compare form's rule.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from decider.adapter.results import ScenarioResults, key_figures
from decider.adapter.saved import SavedAnalysis
from decider.adapter.scenario_words import input_texts
from decider.engine.analysis import GraphResult
from decider.engine.formatting import NOT_AVAILABLE, count, days, duration, hours, pct, signed_usd
from decider.engine.schedule import TOTAL
from decider.engine.verdict import SimulatedFigures

Better = str  # "lower", "higher" or "" (not ranked)
# Rows still ranked when the scenarios belong to different workflows: money compares across
# pipelines, wall clocks do not.
RANKED_ACROSS_WORKFLOWS = {
    "Change in runner cost per month",
    "Net benefit per month",
    "Hours saved per month",
    "Payback",
}


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
    inputs: list[Row] = field(default_factory=list)  # only the inputs that differ

    @property
    def money_missing(self) -> list[str]:
        """Why a column's money rows read n/a: 'Name: needs pipelines per month and ...'."""
        return [
            f"{column.row.name}: needs {' and '.join(missing)}"
            for column in self.columns
            if (missing := column.results.analysis.plan.money.missing)
        ]

    @property
    def workflows(self) -> list[str]:
        """Each distinct workflow compared, 'repository · workflow', in column order."""
        return list(
            dict.fromkeys(
                f"{c.row.repository_label} · {c.row.workflow_label}" for c in self.columns
            )
        )


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
    """(label, figure, format, better) for every compared row. Only figures the user wants as
    low (or as high) as possible are ranked: today's graph, compute and peak runners describe
    a scenario, they do not make it better."""
    return [
        (
            "p90 wall clock at the stated load",
            lambda r: key_figures(r).p90_wall_clock_s,
            duration,
            "lower",
        ),
        (
            "Change in runner cost per month",
            lambda r: key_figures(r).added_usd_per_month,
            signed_usd,
            "lower",
        ),
        ("Net benefit per month", lambda r: key_figures(r).net_usd_per_month, signed_usd, "higher"),
        ("Current wall clock", lambda r: _current(r).wall_clock_s, duration, ""),
        ("Proposed wall clock", lambda r: _proposed(r).wall_clock_s, duration, "lower"),
        ("Saving", lambda r: r.analysis.savings.wall_clock_s, duration, "higher"),
        ("Saving (%)", lambda r: r.analysis.savings.wall_clock_pct, pct, "higher"),
        ("Proposed milestone", lambda r: _proposed(r).milestone_wall_clock_s, duration, "lower"),
        ("Proposed on the pools' runners", lambda r: _on_pools(_proposed(r)), duration, "lower"),
        ("Compute", lambda r: _proposed(r).compute_s, duration, ""),
        ("Peak runners", lambda r: _proposed(r).peak_runners.get(TOTAL), _runners, ""),
        ("p90 waiting for runners", _simulated_p90_queue_delay, duration, "lower"),
        ("Mean wall clock at this load", _planned_mean_wall_clock, duration, "lower"),
        (
            "Hours saved per month",
            lambda r: r.analysis.plan.money.hours_saved_per_month,
            hours,
            "higher",
        ),
        ("Payback", _payback, _payback_text, "lower"),
    ]


def _runners(value: float | None) -> str:
    return count(value, "runner")


def differing_inputs(columns: list[SavedAnalysis]) -> list[Row]:
    """The inputs (pools, needs edges, overrides, load, money) whose words differ between the
    columns; an input a column does not have (a pool of another team) reads 'n/a'."""
    described = [input_texts(column) for column in columns]
    labels = list(dict.fromkeys(label for texts in described for label in texts))
    unranked: list[float | None] = [None] * len(columns)
    rows = [
        Row(label, [t.get(label, NOT_AVAILABLE) for t in described], unranked, "")
        for label in labels
    ]
    return [row for row in rows if row.differs]


def comparison_table(columns: list[SavedAnalysis]) -> Comparison:
    """The rows of the comparison (page and PDF alike)."""
    table = Comparison(columns=columns, inputs=differing_inputs(columns))
    results = [column.results for column in columns]
    unranked: list[float | None] = [None] * len(columns)
    table.rows.append(Row("Verdict", [r.verdict_title for r in results], unranked, ""))
    table.rows.append(Row("The ask", [r.ask for r in results], unranked, ""))
    mixed = len(table.workflows) > 1
    for label, figure, formatted, better in _figures():
        values = [figure(r) for r in results]
        if mixed and label not in RANKED_ACROSS_WORKFLOWS:
            better = ""  # the wall clocks of different pipelines: neither is "best"
        table.rows.append(Row(label, [formatted(v) for v in values], values, better))
    safety = ["safe" if r.analysis.safety.safe else "publish gate loosened" for r in results]
    table.rows.append(Row("Publish-gate safety", safety, unranked, ""))
    return table
