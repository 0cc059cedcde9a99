"""What a scenario's page, comparison and PDF show: the engine's analysis, put into words,
rows and charts once, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from decider.charts import (
    concurrency_svg,
    gantt_svg,
    marginal_charts,
    options_charts,
    sensitivity_chart,
    shared_time_max_s,
)
from decider.engine.analysis import Analysis, GraphResult, PoolOut
from decider.engine.evidence import READING_TEXT, PairEvidence
from decider.engine.formatting import (
    count,
    duration,
    noun,
    pct,
    peak_in_words,
    signed_count,
    signed_duration,
    signed_pct,
    usd,
)
from decider.engine.framework import (
    COST_BENEFIT_BANDS,
    DECISION_MATRIX,
    POOL_SIZE_SCENARIOS,
    Band,
    FrameworkResult,
    Range,
)
from decider.engine.options import Options, PoolOptions
from decider.engine.plan import PoolPlan
from decider.engine.schedule import TOTAL
from decider.engine.verdict import Decision, PoolDemand

UTILIZATION_BANDS = ["low", "moderate", "high"]
VERDICT_TITLES = {
    "proceed": "Proceed",
    "add_runners": "Proceed after adding runners",
    "stay_sequential": "Stay sequential",
    "undecided": "Undecided",
}


@dataclass
class MetricRow:
    label: str
    current: float | None
    proposed: float | None
    unit: str  # "s" or "runners"
    lower_is_better: bool = True
    term: str = ""  # the glossary anchor that explains the row, if any

    def _amount(self, value: float | None) -> str:
        return duration(value) if self.unit == "s" else count(value, "runner")

    @property
    def current_text(self) -> str:
        """'16 min 52 s', '5 runners'."""
        return self._amount(self.current)

    @property
    def proposed_text(self) -> str:
        return self._amount(self.proposed)

    @property
    def change(self) -> float | None:
        if self.current is None or self.proposed is None:
            return None
        return self.proposed - self.current

    @property
    def change_pct(self) -> float | None:
        if self.change is None or not self.current:
            return None
        return self.change / self.current * 100

    @property
    def change_text(self) -> str:
        """'-8 min 8 s (-48.2%)', '+3 runners (+60.0%)' or 'same'."""
        if not self.change:
            return "same"
        if self.unit == "s":
            text = signed_duration(self.change)
        else:
            text = signed_count(self.change, "runner")
        if self.change_pct is not None:
            text += f" ({signed_pct(self.change_pct)})"
        return text

    @property
    def verdict(self) -> str:
        """'better', 'worse' or 'same', for highlighting."""
        if not self.change:
            return "same"
        improved = self.change < 0 if self.lower_is_better else self.change > 0
        return "better" if improved else "worse"


@dataclass
class JobTableRow:
    name: str
    key: str
    pool: str
    duration_s: float | None
    measured: bool
    runs: str  # "12 runs used, 3 failed left out", or why none is
    start_s: float
    end_s: float
    queue_wait_s: float
    critical: bool


@dataclass
class ScenarioResults:
    analysis: Analysis
    headline: str
    ask: str
    metrics: list[MetricRow]
    charts: dict[str, SafeString] = field(default_factory=dict)
    marginal_charts: list[tuple[str, SafeString]] = field(default_factory=list)
    sensitivity_chart: SafeString | None = None
    # Per pool: its options and their chart (None: nothing to draw), as the panel shows them.
    options_pools: list[tuple[PoolOptions, SafeString | None]] = field(default_factory=list)

    @property
    def verdict_title(self) -> str:
        decision = self.analysis.decision
        return VERDICT_TITLES[decision.verdict] if decision else "Not simulated"

    @property
    def decision(self) -> Decision | None:
        return self.analysis.decision

    @property
    def job_names(self) -> dict[int, str]:
        return {job.id: job.name for job in self.analysis.jobs}

    def critical_path_names(self, which: str) -> list[str]:
        graph: GraphResult = getattr(self.analysis, which)
        return [self.job_names[job_id] for job_id in graph.critical_path]

    @property
    def peak_current(self) -> str:
        return peak_in_words(self.analysis.current.peak_runners)

    @property
    def peak_proposed(self) -> str:
        return peak_in_words(self.analysis.proposed.peak_runners)

    @property
    def critical_path_current(self) -> list[str]:
        return self.critical_path_names("current")

    @property
    def critical_path_proposed(self) -> list[str]:
        return self.critical_path_names("proposed")

    def pool_rows(self) -> list[tuple[PoolOut, int]]:
        """Each pool as the scenario ran it, with the runners the verdict adds to it."""
        decision = self.analysis.decision
        additions = decision.additions if decision else {}
        return [(pool, additions.get(pool.name, 0)) for pool in self.analysis.pools]

    def cache_rows(self) -> list[tuple[PairEvidence, str]]:
        """Each test/production build pair with its reading in words; the pair's own `text`
        repeats the figures its row already shows."""
        return [(pair, READING_TEXT[pair.reading]) for pair in self.analysis.cache_evidence.pairs]

    def demand_rows(self) -> list[tuple[PoolDemand, PoolPlan | None]]:
        """Each pool's demand at the peak beside the plan's pool (its recommended runners)."""
        decision = self.analysis.decision
        if decision is None:
            return []
        planned = {pool.name: pool for pool in self.analysis.plan.pools}
        return [(row, planned.get(row.pool)) for row in decision.demand]

    @property
    def critical_job_ids(self) -> list[int]:
        """The proposed graph's critical path as the job table marks it (on the pools' runners
        when there is a schedule on them), for the what-if page's "critical path" filter."""
        graph = self.analysis.proposed
        return list((graph.constrained or graph).critical_path)

    def job_table(self, which: str = "proposed") -> list[JobTableRow]:
        """Per job: pool, duration and the runs it uses, start, end, queue wait, on the
        critical path."""
        graph: GraphResult = getattr(self.analysis, which)
        schedule = graph.constrained
        timings = {t.id: t for t in (schedule.jobs if schedule else graph.timings)}
        on_path = set((schedule or graph).critical_path)
        return [
            JobTableRow(
                name=job.name,
                key=job.key,
                pool=job.pool,
                duration_s=job.proposed_duration_s if which == "proposed" else job.duration_s,
                measured=job.duration_s is not None,
                runs=job.runs.text,
                start_s=timings[job.id].start_s,
                end_s=timings[job.id].end_s,
                queue_wait_s=timings[job.id].queue_wait_s,
                critical=job.id in on_path,
            )
            for job in self.analysis.jobs
        ]

    @property
    def framework(self) -> FrameworkResult | None:
        return self.analysis.decision.framework if self.analysis.decision else None

    def framework_grid(self) -> list[GridRow]:
        return framework_grid(self.framework)

    def pool_size_rows(self) -> list[BandRow]:
        return band_rows(POOL_SIZE_SCENARIOS, self.framework)

    def cost_band_rows(self) -> list[BandRow]:
        return band_rows(COST_BENEFIT_BANDS, self.framework)


@dataclass(frozen=True)
class KeyFigures:
    """The three figures a list or a comparison shows for a scenario. None: not known (no
    verdict yet, or the value of time saved was not given)."""

    p90_wall_clock_s: float | None  # p90 pipeline wall clock at the stated load, on the plan
    added_usd_per_month: float | None  # the change in runner cost
    net_usd_per_month: float | None  # the value of the time saved minus that change


def key_figures(results: ScenarioResults) -> KeyFigures:
    """The one place lists and comparisons read a scenario's key figures from."""
    plan = results.analysis.plan
    if plan.no_verdict is not None:
        return KeyFigures(None, None, None)
    return KeyFigures(
        p90_wall_clock_s=plan.planned.p90_wall_clock_s if plan.planned else None,
        added_usd_per_month=plan.money.added_usd_per_month,
        net_usd_per_month=plan.money.net_usd_per_month,
    )


def build_results(analysis: Analysis) -> ScenarioResults:
    return ScenarioResults(
        analysis=analysis,
        headline=headline(analysis),
        ask=ask(analysis),
        metrics=metric_rows(analysis),
        charts=charts(analysis),
        marginal_charts=[(pool, mark_safe(svg)) for pool, svg in marginal_charts(analysis.plan)],
        sensitivity_chart=_safe(sensitivity_chart(analysis.sensitivity)),
        options_pools=options_with_charts(analysis.options, mark_safe),
    )


def options_with_charts[Chart](
    options: Options | None, drawn: Callable[[str], Chart], *, width: int = 960
) -> list[tuple[PoolOptions, Chart | None]]:
    """Each pool's options with its chart, as `drawn` gives it (inline on a page, an image
    in the PDF); empty when there are no options."""
    charts = dict(options_charts(options, width=width))
    pools = options.pools if options is not None and options.missing is None else []
    return [(pool, drawn(charts[pool.pool]) if pool.pool in charts else None) for pool in pools]


def _safe(svg: str | None) -> SafeString | None:
    # The charts escape every text they draw (decider.charts.svg.clean).
    return None if svg is None else mark_safe(svg)


def metric_rows(analysis: Analysis) -> list[MetricRow]:
    current, proposed = analysis.current, analysis.proposed
    rows = [
        MetricRow(
            "Wall clock", current.wall_clock_s, proposed.wall_clock_s, "s", term="wall-clock"
        ),
    ]
    if current.milestone_wall_clock_s is not None:
        rows.append(
            MetricRow(
                "Milestone (chosen jobs done)",
                current.milestone_wall_clock_s,
                proposed.milestone_wall_clock_s,
                "s",
                term="milestone",
            )
        )
    if current.constrained and proposed.constrained:
        rows.append(
            MetricRow(
                "Wall clock on the pools' runners",
                current.constrained.wall_clock_s,
                proposed.constrained.wall_clock_s,
                "s",
            )
        )
        rows.append(
            MetricRow(
                "Queue wait on the critical path",
                current.constrained.critical_path_queue_wait_s,
                proposed.constrained.critical_path_queue_wait_s,
                "s",
                term="queue-wait",
            )
        )
    rows.append(
        MetricRow(
            "Compute (busy runner time)",
            current.compute_s,
            proposed.compute_s,
            "s",
            term="compute",
        )
    )
    rows.append(
        MetricRow(
            "Peak runners, total",
            current.peak_runners.get(TOTAL, 0),
            proposed.peak_runners.get(TOTAL, 0),
            "runners",
            term="peak",
        )
    )
    for pool in sorted(set(current.peak_runners) | set(proposed.peak_runners) - {TOTAL}):
        if pool == TOTAL:
            continue
        before, after = current.peak_runners.get(pool, 0), proposed.peak_runners.get(pool, 0)
        if before or after:
            rows.append(MetricRow(f"Peak runners, {pool}", before, after, "runners"))
    return rows


def _graph_change(analysis: Analysis) -> str:
    current, proposed, savings = analysis.current, analysis.proposed, analysis.savings
    text = (
        f"the pipeline goes from {duration(current.wall_clock_s)} to "
        f"{duration(proposed.wall_clock_s)}"
    )
    if savings.wall_clock_s > 0:
        text += f" ({pct(savings.wall_clock_pct)} faster)"
    elif savings.wall_clock_s < 0:
        text += f" ({pct(-savings.wall_clock_pct)} slower)"
    if savings.milestone_s is not None and proposed.milestone_wall_clock_s is not None:
        text += (
            f"; the milestone is reached at {duration(proposed.milestone_wall_clock_s)} instead "
            f"of {duration(current.milestone_wall_clock_s)}"
        )
    if abs(current.compute_s - proposed.compute_s) < 0.5:
        text += f"; compute is unchanged at {duration(current.compute_s)}"
    else:
        text += (
            f"; compute goes from {duration(current.compute_s)} to {duration(proposed.compute_s)}"
        )
    before, after = current.peak_runners.get(TOTAL, 0), proposed.peak_runners.get(TOTAL, 0)
    text += f"; {count(after, 'runner')} run at once at the peak (now {before})"
    return text


def headline(analysis: Analysis) -> str:
    """The TL;DR: the verdict, what changes, and the ask, in one paragraph."""
    change = _graph_change(analysis)
    decision = analysis.decision
    if decision is None:
        return f"{change[0].upper()}{change[1:]}."
    title = VERDICT_TITLES[decision.verdict]
    text = f"{title}: {change}."
    if decision.verdict == "proceed" and not analysis.plan.money.added_runners:
        text += " Your pools take the extra load at no additional cost."
    # The engine's reason names the runners to add and the simulated figures.
    return f"{text} {decision.reason}"


def ask(analysis: Analysis) -> str:
    """The plan's change to today's runners and its monthly price: the budget holder's ask."""
    plan = analysis.plan
    if plan.no_verdict is not None:
        return "No ask yet: the figures it rests on are missing"
    change = plan.money.added_runners
    if not change:
        return "No change to today's runners"
    added = {pool: n for pool, n in change.items() if n > 0}
    removed = {pool: -n for pool, n in change.items() if n < 0}
    parts = []
    for verb, runners in (("add", added), ("remove", removed)):
        if runners:
            listed = ", ".join(f"{n} {pool}" for pool, n in runners.items())
            parts.append(f"{verb} {listed} {noun(sum(runners.values()), 'runner')}")
    text = " and ".join(parts)
    price = plan.money.added_usd_per_month
    money = f"{usd(price)}/month" if price >= 0 else f"saves {usd(-price)}/month"
    return f"{text[0].upper()}{text[1:]} ({money})"


def charts(analysis: Analysis) -> dict[str, SafeString]:
    """SVG markup the chart module escaped; the same strings go into the PDF.

    Current and proposed share one time scale so their bars compare by length.
    """
    constrained = analysis.current.constrained is not None
    longest = shared_time_max_s(analysis, constrained)
    drawn = {}
    for which in ("current", "proposed"):
        drawn[f"gantt_{which}"] = mark_safe(
            gantt_svg(analysis, which, constrained, time_max_s=longest, id_prefix=f"g{which}")
        )
        drawn[f"concurrency_{which}"] = mark_safe(
            concurrency_svg(analysis, which, constrained, time_max_s=longest, id_prefix=f"c{which}")
        )
    return drawn


@dataclass
class GridCell:
    text: str
    applied: bool
    gap: bool


@dataclass
class GridRow:
    label: str
    cells: list[GridCell]


@dataclass
class BandRow:
    label: str
    text: str
    applied: bool


def framework_grid(framework: FrameworkResult | None) -> list[GridRow]:
    """The rule-of-thumb decision table as rows (runner ranges) by columns (utilization
    bands), the cell that applied marked and the cells it leaves open shown as gaps."""
    ranges = list(dict.fromkeys(cell.runners.label for cell in DECISION_MATRIX))
    rows = []
    for label in ranges:
        cells = []
        for band in UTILIZATION_BANDS:
            found = [
                c for c in DECISION_MATRIX if c.runners.label == label and c.utilization == band
            ]
            applied = bool(
                framework
                and framework.utilization_band == band
                and any(c.runners.contains(framework.runners) for c in found)
            )
            if not found:
                applied = bool(
                    framework
                    and framework.utilization_band == band
                    and framework.cells[0].gap
                    and _range_of(label).contains(framework.runners)
                )
            cells.append(
                GridCell(
                    text=found[0].recommendation if found else "No answer given.",
                    applied=applied,
                    gap=not found,
                )
            )
        rows.append(GridRow(label=label, cells=cells))
    return rows


def band_rows(bands: list[Band], framework: FrameworkResult | None) -> list[BandRow]:
    return [
        BandRow(
            label=band.range.label,
            text=band.text,
            applied=bool(framework and band.range.contains(framework.runners)),
        )
        for band in bands
    ]


def _range_of(label: str) -> Range:
    return next(c.runners for c in DECISION_MATRIX if c.runners.label == label)
