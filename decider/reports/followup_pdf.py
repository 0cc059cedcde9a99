"""The follow-up PDF, "N weeks after" an adoption, for the budget holder who approved it.

Same paper, fetcher and stylesheet as the scenario PDF (`decider.reports.pdf`); its figures
come from `decider.adapter.followup`, so they are the monitor page's own.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User

from decider.adapter.followup import FollowUp, follow_up
from decider.adapter.followup_rules import MIN_DAYS, MIN_PIPELINES
from decider.adapter.monitor import Filters
from decider.models import Adoption
from decider.reports.pdf import data_url, layout, report_html, slug


def render_followup_pdf(
    adoption: Adoption,
    *,
    filters: Filters | None = None,
    now: datetime,
    paper: str = "a4",
    user: User | None = None,
) -> bytes:
    report = follow_up(adoption, filters or Filters(), now)
    return layout(followup_html(report, paper=paper, user=user), paper).write_pdf()


def followup_html(report: FollowUp, *, paper: str = "a4", user: User | None = None) -> str:
    context = {
        "report": report,
        "adoption": report.adoption,
        "c": report.comparison,
        "money": report.money,
        "plan": report.plan,
        # The charts as images: WeasyPrint reads them with its XML parser (see pdf_charts).
        "charts": [(chart.title, data_url(str(chart.svg))) for chart in report.trends.charts],
        "min_days": MIN_DAYS,
        "min_pipelines": MIN_PIPELINES,
    }
    return report_html("pdf/followup.html", context, paper=paper, user=user)


def followup_filename(adoption: Adoption) -> str:
    """decider-followup-parallel-production-builds-v1-2026-11-14.pdf: a slug and digits."""
    version = adoption.version
    return (
        f"decider-followup-{slug(version.name, 60)}-v{version.number}-"
        f"{adoption.live_on:%Y-%m-%d}.pdf"
    )
