"""Two to four saved scenarios side by side: every figure in a row, the best one marked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest
from pydantic import ValidationError

from decider import access
from decider.engine.schedule import TOTAL
from decider.models import Scenario
from decider.scenario_results import ScenarioResults, build_results, seconds, usd
from decider.scenarios import engine_pools, engine_workflow, run_analysis, stored_scenario

MIN_COMPARED, MAX_COMPARED = 2, 4


@dataclass
class Column:
    row: Scenario
    results: ScenarioResults


@dataclass
class Row:
    label: str
    texts: list[str]
    values: list[float | None]
    better: str  # "lower", "higher" or "" (not ranked)

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
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    error: str = ""


Figure = Callable[[ScenarioResults], float | None]


def _figures() -> list[tuple[str, Figure, Callable[[float | None], str], str]]:
    """(label, figure, format, better) for every compared row."""

    def cur(r: ScenarioResults) -> object:
        return r.analysis.current

    def pro(r: ScenarioResults) -> object:
        return r.analysis.proposed

    def decision(r: ScenarioResults, name: str) -> float | None:
        d = r.analysis.decision
        return getattr(d, name) if d else None

    def simulated(r: ScenarioResults, name: str) -> float | None:
        d = r.analysis.decision
        return getattr(d.simulation, name) if d and d.simulation else None

    def constrained(graph: object) -> float | None:
        schedule = graph.constrained  # type: ignore[attr-defined]
        return schedule.wall_clock_s if schedule else None

    def count(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.0f}"

    def pct(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f}%"

    def days(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f} days"

    def hours(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f} h"

    return [
        ("Current wall clock", lambda r: cur(r).wall_clock_s, seconds, "lower"),
        ("Proposed wall clock", lambda r: pro(r).wall_clock_s, seconds, "lower"),
        ("Saving", lambda r: r.analysis.savings.wall_clock_s, seconds, "higher"),
        ("Saving (%)", lambda r: r.analysis.savings.wall_clock_pct, pct, "higher"),
        ("Proposed milestone", lambda r: pro(r).milestone_wall_clock_s, seconds, "lower"),
        ("Proposed on the pools' runners", lambda r: constrained(pro(r)), seconds, "lower"),
        ("Compute", lambda r: pro(r).compute_s, seconds, "lower"),
        ("Peak runners", lambda r: pro(r).peak_runners.get(TOTAL), count, "lower"),
        (
            "Simulated p90 wall clock",
            lambda r: simulated(r, "proposed_p90_wall_clock_s"),
            seconds,
            "lower",
        ),
        (
            "Simulated p90 queueing delay",
            lambda r: simulated(r, "proposed_p90_queue_delay_s"),
            seconds,
            "lower",
        ),
        ("Runners to add ($/month)", lambda r: decision(r, "added_usd_per_month"), usd, "lower"),
        (
            "Hours saved per month",
            lambda r: r.analysis.costs.hours_saved_per_month,
            hours,
            "higher",
        ),
        ("Net benefit per month", lambda r: r.analysis.costs.net_usd_per_month, usd, "higher"),
        ("Payback", lambda r: r.analysis.costs.payback_days, days, "lower"),
    ]


def comparison(request: HttpRequest, ids: list[str]) -> Comparison:
    unique = list(dict.fromkeys(ids))
    if not MIN_COMPARED <= len(unique) <= MAX_COMPARED:
        return Comparison(error=f"Choose {MIN_COMPARED} to {MAX_COMPARED} scenarios to compare.")
    if not all(value.isdigit() for value in unique):
        return Comparison(error="Scenario ids are numbers.")
    columns = []
    for scenario_id in unique:
        row = access.scenario_or_404(request, int(scenario_id))
        graph, pools = engine_workflow(row.workflow), engine_pools(row.team)
        try:
            scenario = stored_scenario(row.inputs, row.job_keys, graph, pools).scenario
        except ValidationError as error:
            return Comparison(error=f"“{row.name}” no longer fits its workflow: {error}")
        analysis = run_analysis(graph, pools, scenario, with_verdict=True)
        columns.append(Column(row=row, results=build_results(analysis)))
    return comparison_table(columns)


def comparison_table(columns: list[Column]) -> Comparison:
    """The rows of the comparison for scenarios already analysed (page and PDF alike)."""
    table = Comparison(columns=columns)
    unranked = [None] * len(columns)
    table.rows.append(Row("Verdict", [c.results.verdict_title for c in columns], unranked, ""))
    table.rows.append(Row("The ask", [c.results.ask for c in columns], unranked, ""))
    for label, figure, formatted, better in _figures():
        values = [figure(column.results) for column in columns]
        table.rows.append(Row(label, [formatted(v) for v in values], values, better))
    safety = [
        "safe" if c.results.analysis.safety.safe else "publish gate loosened" for c in columns
    ]
    table.rows.append(Row("Publish-gate safety", safety, unranked, ""))
    return table
