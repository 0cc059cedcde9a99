"""A big workflow's PDF on paper: charts cut into page-sized parts, each with its time axis and
a "continued" caption, no page holding only a heading, and a sane page count."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from decider.models import Scenario, Team
from decider.reports.pdf import render_scenario_pdf
from tests.factories import ScenarioFactory, staged_workflow

pytestmark = pytest.mark.django_db

# The page furniture every page repeats: running title, header, page number.
FURNITURE = ("decider: recommendation for budget approval", "Page ")
# How long a 500-job report takes is bench/pdf.py's to measure (BIG_BUDGET_S), as a ratio
# in one run: a wall-clock limit here failed on a slower machine that passed everything else.


@pytest.fixture
def big_scenario(team: Team) -> Scenario:
    return ScenarioFactory(workflow=staged_workflow(team, jobs=500), name="Five hundred jobs")


def _pages(pdf: bytes) -> list[list[str]]:
    """Each page's lines of text, without the page furniture."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        lines = [line.strip() for line in page.extract_text().splitlines()]
        pages.append(
            [
                line
                for line in lines
                if line
                and not line.startswith(FURNITURE)
                and line != "Five hundred jobs, version 1"
            ]
        )
    return pages


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_500_job_pdf_cuts_its_charts_into_parts_each_with_its_axis(
    big_scenario: Scenario, paper: str
) -> None:
    pdf = render_scenario_pdf(big_scenario, paper=paper)
    pages = _pages(pdf)
    # The Options section adds a chart and a table per pool (two pages or so).
    assert 5 <= len(pages) <= 16
    text = "\n".join("\n".join(page) for page in pages)
    assert "Timeline" in text and "Runners busy over time" in text
    assert "the critical path and the longest jobs have a row each" in " ".join(text.split())

    continued = 0
    for page in pages:
        joined = " ".join(page)
        parts_here = joined.count("continued (part")
        continued += parts_here
        # Each chart part carries its own time axis title, so a continued part has one too.
        assert joined.count("time since the run started") >= parts_here
        # No page holds only a heading (or a heading and a line of help).
        assert len(page) > 3, page
    assert continued >= 1


def test_every_chart_part_keeps_its_axis_title_on_the_same_page(big_scenario: Scenario) -> None:
    """A part that ran under the footer would lose its axis to the next page or to nowhere:
    each page has as many axis titles as chart captions."""
    for page in _pages(render_scenario_pdf(big_scenario)):
        joined = " ".join(page)
        captions = joined.count("Current graph") + joined.count("Proposed graph")
        assert joined.count("time since the run started") == captions
