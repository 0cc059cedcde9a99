"""PDF recommendations for budget approval: one scenario, or 2-4 side by side.

The PDF says what the scenario page says (the same `ScenarioResults`, the same chart code)
plus what a budget holder asks before signing: where the numbers come from, what was
assumed, and a place to approve. Templates live under templates/pdf/; WeasyPrint renders
them with `StaticFilesFetcher`, so a report reads nothing but the app's static files.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

import weasyprint
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from decider.adapter.comparison import comparison_table
from decider.adapter.results import ScenarioResults, options_with_charts
from decider.adapter.saved import SavedAnalysis, analyse_saved, analyse_saved_rows
from decider.charts import (
    concurrency_parts,
    gantt_parts,
    marginal_charts,
    sensitivity_chart,
    shared_time_max_s,
)
from decider.charts.lanes import MAX_JOB_ROWS
from decider.engine.analysis import Analysis
from decider.engine.options import PoolOptions
from decider.models import Scenario, ScenarioVersion
from decider.reports.fetcher import shared_fetcher, static_file_url
from decider.reports.provenance import Provenance, provenance

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
# Charts are drawn this many user units across and shown at the text width (about 680 px on
# A4 at 96 dpi, a little more on Letter): their 11-12 unit labels print at about 7.5 pt, not
# the 6 pt a 960-unit web chart shrinks to, and the 200-unit name column still holds names
# such as "Migrations Production Image" whole.
CHART_WIDTH = 800
# Above this many jobs the PDF leaves out the per-job appendix, and says so: its table is the
# one part of the report that grows with the jobs (the timelines keep a bounded number of rows,
# see `decider.charts.lanes`). The what-if page and the repository page list every job.
PDF_DETAILED_JOBS = 150
# Charts taller than this (in chart units, 800 across the text width) are cut into parts: one
# part, its caption and a section heading above it fit a Letter page (the shorter paper), so
# no chart runs under the footer and no heading is left alone at the foot of a page.
CHART_PART_HEIGHT = 880.0


@dataclass
class ScenarioReport:
    saved: SavedAnalysis
    provenance: Provenance
    charts: dict[str, list[str]]  # data: URLs of the SVG charts, each in page-sized parts
    marginal_charts: list[tuple[str, str]]  # (pool, data: URL) per pool the plan sized
    sensitivity_chart: str | None = None  # data: URL of the tornado, when there is one
    # Per pool: its options and the data: URL of their chart (None: nothing to draw).
    options_pools: list[tuple[PoolOptions, str | None]] = field(default_factory=list)

    @property
    def detailed(self) -> bool:
        """Whether the per-job appendix fits the PDF's time budget."""
        return len(self.results.analysis.jobs) <= PDF_DETAILED_JOBS

    @property
    def left_out(self) -> str:
        """What a big workflow's PDF leaves out, in plain words ('' when nothing)."""
        if self.detailed:
            return ""
        return (
            f"This workflow has {len(self.results.analysis.jobs):,} jobs, more than the "
            f"{PDF_DETAILED_JOBS} a PDF lists one by one: the per-job appendix is left out to "
            "keep the report quick to prepare, and the timelines give a row to the critical "
            "path and the longest jobs only. The what-if page lists every job."
        )

    @property
    def row(self) -> Scenario:
        return self.saved.row

    @property
    def results(self) -> ScenarioResults:
        return self.saved.results

    @property
    def warnings(self) -> list[str]:
        """What a reader must know about the data behind the figures."""
        changes = self.saved.changes
        if self.saved.from_snapshot and changes:
            changes = [
                f"The figures are as saved. Since then the data changed: {' '.join(changes)}"
            ]
        return [*self.saved.notices, *changes]

    @property
    def verdict_title(self) -> str:
        return self.results.verdict_title


def render_scenario_pdf(
    row: Scenario,
    *,
    version: ScenarioVersion | None = None,
    paper: str = "a4",
    user: User | None = None,
) -> bytes:
    """The recommendation for one saved scenario (its latest version unless given), as PDF."""
    report = scenario_report(row, version)
    return layout(scenario_html(report, paper=paper, user=user), paper).write_pdf()


def render_comparison_pdf(
    rows: list[Scenario], *, paper: str = "a4", user: User | None = None
) -> bytes:
    """Saved scenarios side by side, with each one's verdict, as PDF bytes (the compare form
    decides how many may be compared)."""
    # Each workflow's data read once, however many of its scenarios are compared.
    reports = [report_of(saved, with_charts=False) for saved in analyse_saved_rows(rows)]
    context = {
        "table": comparison_table([report.saved for report in reports]),
        "reports": reports,
        "teams": list(dict.fromkeys(row.team.name for row in rows)),
    }
    html = report_html("pdf/compare.html", context, paper=paper, user=user)
    return layout(html, paper).write_pdf()


def scenario_html(report: ScenarioReport, *, paper: str = "a4", user: User | None = None) -> str:
    context = {
        "report": report,
        "row": report.row,
        "version": report.saved,
        "results": report.results,
        "analysis": report.results.analysis,
        "max_job_rows": MAX_JOB_ROWS,
        "provenance": report.provenance,
    }
    return report_html("pdf/scenario.html", context, paper=paper, user=user)


def report_html(template: str, context: dict[str, object], *, paper: str, user: User | None) -> str:
    context = {
        **context,
        "stylesheet": static_file_url("css/pdf.css"),
        "paper": paper,
        # Panels shared with the pages leave out links and page-only hints on paper.
        "for_pdf": True,
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


def scenario_filename(row: Scenario, version: ScenarioVersion | None = None) -> str:
    """decider-parallel-production-builds-v1.pdf: ASCII letters, digits and dashes only."""
    name, number = (version.name, version.number) if version else (row.name, row.version)
    return f"decider-{slug(name, 80)}-v{number}.pdf"


def comparison_filename(rows: list[Scenario]) -> str:
    return f"decider-comparison-{'-vs-'.join(slug(row.name, 30) for row in rows)}.pdf"


def slug(name: str, limit: int) -> str:
    # slugify drops quotes, slashes, newlines and (without allow_unicode) anything non-ASCII.
    return slugify(name)[:limit].strip("-") or "scenario"


def scenario_report(
    row: Scenario, version: ScenarioVersion | None = None, *, with_charts: bool = True
) -> ScenarioReport:
    """Raises ScenarioNoLongerFits when the saved inputs no longer fit the workflow."""
    return report_of(analyse_saved(row, version), with_charts=with_charts)


def report_of(saved: SavedAnalysis, *, with_charts: bool = True) -> ScenarioReport:
    return ScenarioReport(
        saved=saved,
        provenance=provenance(saved),
        charts=pdf_charts(saved.results.analysis) if with_charts else {},
        marginal_charts=[
            (pool, data_url(svg))
            for pool, svg in marginal_charts(saved.results.analysis.plan, width=CHART_WIDTH)
        ]
        if with_charts
        else [],
        sensitivity_chart=_tornado(saved) if with_charts else None,
        options_pools=_options_pools(saved, with_charts),
    )


def _options_pools(saved: SavedAnalysis, with_charts: bool) -> list[tuple[PoolOptions, str | None]]:
    options = saved.results.analysis.options
    if not with_charts:
        return [(pool, None) for pool in options.pools] if options and not options.missing else []
    return options_with_charts(options, data_url, width=CHART_WIDTH)


def _tornado(saved: SavedAnalysis) -> str | None:
    svg = sensitivity_chart(saved.results.analysis.sensitivity, width=CHART_WIDTH)
    return None if svg is None else data_url(svg)


def pdf_charts(analysis: Analysis) -> dict[str, list[str]]:
    """The page's charts (`decider.adapter.results.charts`) drawn at the PDF's width and cut
    into parts of at most `CHART_PART_HEIGHT`, as data: URLs.

    As images, WeasyPrint parses the SVG with its XML parser and skips the HTML parser and
    the CSS cascade for every chart node: the report renders about a quarter faster, and
    the text in the charts is still text in the PDF.
    """
    constrained = analysis.current.constrained is not None
    longest = shared_time_max_s(analysis, constrained)
    drawn = {}
    for which in ("current", "proposed"):
        for name, chart in (("gantt", gantt_parts), ("concurrency", concurrency_parts)):
            parts = chart(
                analysis,
                which,
                constrained,
                width=CHART_WIDTH,
                time_max_s=longest,
                id_prefix=f"{name[0]}{which}",
                max_height=CHART_PART_HEIGHT,
            )
            drawn[f"{name}_{which}"] = [data_url(svg) for svg in parts]
    return drawn


def data_url(svg: str) -> str:
    encoded = base64.b64encode(svg.encode()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"
