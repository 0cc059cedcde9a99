"""PDF recommendations for budget approval: one scenario, or 2-4 side by side.

The PDF says what the scenario page says (the same `ScenarioResults`, the same chart code)
plus what a budget holder asks before signing: where the numbers come from, what was
assumed, and a place to approve. Templates live under templates/pdf/; WeasyPrint renders
them with `StaticFilesFetcher`, so a report reads nothing but the app's static files.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime

import weasyprint
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, Min
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from pydantic import ValidationError

from decider import scenario_compare
from decider.charts import concurrency_svg, gantt_svg, shared_time_max_s
from decider.engine import inputs as engine
from decider.engine.analysis import Analysis
from decider.models import JobRun, Scenario
from decider.pdf_fetcher import shared_fetcher, static_file_url
from decider.scenario_compare import MAX_COMPARED, MIN_COMPARED, Column, Comparison
from decider.scenario_form import STATISTICS
from decider.scenario_results import ScenarioResults, build_results, seconds
from decider.scenarios import engine_pools, engine_workflow, run_analysis, stored_scenario

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
# Charts are drawn this many user units across and shown at the text width (about 680 px on
# A4 at 96 dpi, a little more on Letter): their 11-12 unit labels print at about 7.5 pt, not
# the 6 pt a 960-unit web chart shrinks to, and the 200-unit name column still holds names
# such as "Migrations Production Image" whole.
CHART_WIDTH = 800
STATISTIC_TEXTS = dict(STATISTICS)


class ReportError(Exception):
    """The report cannot be made (a saved scenario that no longer fits its workflow)."""


@dataclass
class Provenance:
    """Where the figures come from and what the team or the scenario assumed."""

    workflow_runs: int
    job_runs: int
    first_run: datetime | None
    last_run: datetime | None
    statistic: str
    unmeasured: list[str]
    estimates: list[tuple[str, float]]
    overrides: list[tuple[str, str]]
    removed_needs: list[str]
    added_needs: list[str]
    milestone: list[str]
    concurrency: str
    changed_pool_inputs: list[str] = field(default_factory=list)


@dataclass
class ScenarioReport:
    row: Scenario
    results: ScenarioResults
    provenance: Provenance
    charts: dict[str, str]  # data: URLs of the SVG charts
    warnings: list[str]

    @property
    def verdict_title(self) -> str:
        return self.results.verdict_title


def render_scenario_pdf(
    row: Scenario, *, paper: str = "a4", user: AbstractBaseUser | None = None
) -> bytes:
    """The recommendation for one saved scenario, as PDF bytes."""
    return layout(scenario_html(scenario_report(row), paper=paper, user=user), paper).write_pdf()


def render_comparison_pdf(
    rows: list[Scenario], *, paper: str = "a4", user: AbstractBaseUser | None = None
) -> bytes:
    """2-4 saved scenarios side by side, with each one's verdict, as PDF bytes."""
    if not MIN_COMPARED <= len(rows) <= MAX_COMPARED:
        raise ReportError(f"Choose {MIN_COMPARED} to {MAX_COMPARED} scenarios to compare.")
    reports = [scenario_report(row, with_charts=False) for row in rows]
    context = {
        "table": comparison_table(reports),
        "reports": reports,
        "teams": list(dict.fromkeys(row.team.name for row in rows)),
    }
    html = _html("pdf/compare.html", context, paper=paper, user=user)
    return layout(html, paper).write_pdf()


def scenario_html(
    report: ScenarioReport, *, paper: str = "a4", user: AbstractBaseUser | None = None
) -> str:
    context = {
        "report": report,
        "row": report.row,
        "results": report.results,
        "analysis": report.results.analysis,
        "provenance": report.provenance,
    }
    return _html("pdf/scenario.html", context, paper=paper, user=user)


def _html(
    template: str, context: dict[str, object], *, paper: str, user: AbstractBaseUser | None
) -> str:
    context = {
        **context,
        "stylesheet": static_file_url("css/pdf.css"),
        "paper": paper,
        "exported_by": user,
        "exported_at": timezone.now(),
    }
    return render_to_string(template, context)


def layout(html: str, paper: str) -> weasyprint.Document:
    """WeasyPrint's pages for the HTML; only static files and data: URLs can be read."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"paper is one of {', '.join(PAPER_SIZES)}, not {paper!r}")
    fetcher = shared_fetcher()
    page_size = weasyprint.CSS(
        string=f"@page {{ size: {PAPER_SIZES[paper]} }}", url_fetcher=fetcher
    )
    document = weasyprint.HTML(
        string=html, base_url=static_file_url("css/pdf.css"), url_fetcher=fetcher
    )
    return document.render(stylesheets=[page_size])


def scenario_filename(row: Scenario) -> str:
    """decider-parallel-production-builds-v1.pdf: ASCII letters, digits and dashes only."""
    return f"decider-{_slug(row.name, 80)}-v{row.version}.pdf"


def comparison_filename(rows: list[Scenario]) -> str:
    return f"decider-comparison-{'-vs-'.join(_slug(row.name, 30) for row in rows)}.pdf"


def _slug(name: str, limit: int) -> str:
    # slugify drops quotes, slashes, newlines and (without allow_unicode) anything non-ASCII.
    return slugify(name)[:limit].strip("-") or "scenario"


def scenario_report(row: Scenario, *, with_charts: bool = True) -> ScenarioReport:
    graph, pools = engine_workflow(row.workflow), engine_pools(row.team)
    try:
        stored = stored_scenario(row.inputs, row.job_keys, graph, pools)
    except ValidationError as error:
        raise ReportError(f"“{row.name}” no longer fits its workflow: {error}") from error
    analysis = run_analysis(graph, pools, stored.scenario, with_verdict=True)
    results = build_results(analysis)
    return ScenarioReport(
        row=row,
        results=results,
        provenance=provenance(row, graph, stored.scenario, analysis),
        charts=pdf_charts(analysis) if with_charts else {},
        warnings=stored.warnings,
    )


def pdf_charts(analysis: Analysis) -> dict[str, str]:
    """The page's charts (scenario_results.charts) drawn at the PDF's width, as data: URLs.

    As images, WeasyPrint parses the SVG with its XML parser and skips the HTML parser and
    the CSS cascade for every chart node: the report renders about a quarter faster, and
    the text in the charts is still text in the PDF.
    """
    constrained = analysis.current.constrained is not None
    longest = shared_time_max_s(analysis, constrained)
    drawn = {}
    for which in ("current", "proposed"):
        for name, chart in (("gantt", gantt_svg), ("concurrency", concurrency_svg)):
            svg = chart(
                analysis,
                which,
                constrained,
                width=CHART_WIDTH,
                time_max_s=longest,
                id_prefix=f"{name[0]}{which}",
            )
            encoded = base64.b64encode(svg.encode()).decode("ascii")
            drawn[f"{name}_{which}"] = f"data:image/svg+xml;base64,{encoded}"
    return drawn


def provenance(
    row: Scenario, graph: engine.Workflow, scenario: engine.Scenario, analysis: Analysis
) -> Provenance:
    names = {job.id: job.name for job in graph.jobs}
    runs = row.workflow.runs.aggregate(first=Min("created_at"), last=Max("created_at"))
    job_runs = JobRun.objects.filter(job__workflow=row.workflow)
    first, last = runs["first"], runs["last"]
    if first is None:
        # gh CLI data has no workflow runs with dates; the job runs may still have some.
        dates = job_runs.aggregate(first=Min("started_at"), last=Max("started_at"))
        first, last = dates["first"], dates["last"]
    changed = [
        *(f"{pool}: {count} runners" for pool, count in scenario.runners.items()),
        *(f"{pool}: {share:.0%} busy at baseline" for pool, share in scenario.utilization.items()),
        *(f"{pool}: ${usd:,.0f} per runner-month" for pool, usd in scenario.usd_per_runner.items()),
    ]
    return Provenance(
        workflow_runs=row.workflow.runs.count(),
        job_runs=job_runs.count(),
        first_run=first,
        last_run=last,
        statistic=STATISTIC_TEXTS.get(analysis.statistic, analysis.statistic),
        unmeasured=[names[job] for job in analysis.unmeasured],
        estimates=[(names[e.job], e.seconds) for e in scenario.estimates],
        overrides=[(names[o.job], _override_text(o)) for o in scenario.overrides],
        removed_needs=[f"{names[e.job]} needs {names[e.need]}" for e in scenario.remove_needs],
        added_needs=[f"{names[e.job]} needs {names[e.need]}" for e in scenario.add_needs],
        milestone=[names[job] for job in analysis.milestone],
        concurrency=_concurrency_text(scenario, analysis),
        changed_pool_inputs=changed,
    )


def _concurrency_text(scenario: engine.Scenario, analysis: Analysis) -> str:
    if scenario.pipelines_at_once is not None:
        return f"{scenario.pipelines_at_once} pipelines at once"
    if scenario.pipelines_per_hour is not None:
        text = f"{scenario.pipelines_per_hour:g} pipelines per hour"
        if analysis.decision:
            text += f" (about {analysis.decision.concurrent_pipelines:.1f} running at once)"
        return text
    return "one pipeline at a time"


def _override_text(override: engine.DurationOverride) -> str:
    if override.seconds is not None:
        return f"set to {seconds(override.seconds)}"
    if override.percent_change is not None:
        return f"{override.percent_change:+.0f}%"
    return f"{override.delta_s:+.0f} s"


def comparison_table(reports: list[ScenarioReport]) -> Comparison:
    """The compare page's table, from reports already made."""
    return scenario_compare.comparison_table(
        [Column(row=report.row, results=report.results) for report in reports]
    )
