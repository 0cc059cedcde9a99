"""The follow-up PDF of the demo's adoption: one value everywhere (every figure of the monitor
page's predicted-against-actual table is the PDF's), the shift it reports, the download and
who may have it."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from decider.engine.formatting import duration, signed_usd, usd
from decider.models import Adoption, Scenario, Team
from decider.reports.followup_pdf import render_followup_pdf
from decider.web.views.pdfs import render_slots
from tests.conftest import client_for, client_with_role, load_demo
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(db: None) -> Scenario:
    """The demo as `make run` loads it: adopted three weeks ago, with its generated history."""
    return load_demo(monitor_history=True)


@pytest.fixture
def member(adopted: Scenario) -> Client:
    return client_with_role(adopted.team, "viewer")


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return _squeezed("".join(page.extract_text() for page in reader.pages))


def _section(page: str, section_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{section_id}".*?</section>', page, re.S)
    assert found, section_id
    return found.group(0)


def _cells_text(fragment: str) -> str:
    return _squeezed(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def _table_rows(section: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", section, re.S)
    assert body
    return [_cells_text(row) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]


def _followup_url(scenario: Scenario) -> str:
    return reverse("followup_pdf", args=[scenario.workflow_id])


def test_every_figure_of_the_pdf_is_the_monitor_pages(adopted: Scenario, member: Client) -> None:
    monitor_url = reverse("workflow_monitor", args=[adopted.workflow_id])
    page = member.get(monitor_url + "?branch=main").content.decode()
    link = re.search(r'href="([^"]*follow-up\.pdf\?[^"]*)"', page)
    assert link, "the monitor page links the follow-up PDF"
    response = member.get(html.unescape(link.group(1)))
    assert response.status_code == 200
    pdf = _pdf_text(response.content)

    # The page leaves its predicted-against-actual table to a second request, as htmx sends it.
    placeholder = re.search(r'id="predicted-actual" hx-get="([^"]+)"', page)
    assert placeholder, "a cold page carries the table's placeholder"
    fragment = member.get(html.unescape(placeholder.group(1)), headers={"HX-Request": "true"})
    table = _section(fragment.content.decode(), "predicted-actual")
    assert table == _section(
        member.get(monitor_url + "?branch=main").content.decode(), "predicted-actual"
    )
    rows = _table_rows(table)
    assert len(rows) == 6  # p50, p90, milestone, two pools' waits, runner cost
    for row in rows:
        assert row in pdf, row
    # The rows are the figures, formatted, not empty cells that match anything.
    p50 = duration(524)
    assert rows[0] == _squeezed(f"Pipeline wall clock, median (p50){p50}{p50}{p50}0 s0 s")
    assert rows[-1].startswith(_squeezed(f"Runner cost per month{usd(1350)}"))
    assert _squeezed(f"{usd(900)}{signed_usd(0)}{signed_usd(-450)}") in rows[-1]
    # The money sentence's figures: runners now, predicted, the approved budget.
    money = re.search(r"<strong>Money\.</strong>(.*?)</p>", table, re.S)
    assert money
    figures = re.findall(r'<span class="figure">(.*?)</span>', money.group(1))
    assert figures == ["$900 a month", "$1,350", "$1,350"]
    assert _squeezed("Runner cost$900$1,350$1,350$900") in pdf
    # Pipelines since and the load, as the page writes them.
    since = re.search(
        r"<p>(\d+) pipelines ran since the change: <span class=\"figure\">(.*?)<", table
    )
    assert since
    assert _squeezed(f"{since.group(1)} pipelines ran") in pdf
    assert _squeezed(since.group(2)) in pdf


def test_the_pdf_reports_the_shift_at_the_live_day(adopted: Scenario, member: Client) -> None:
    pdf = _pdf_text(member.get(_followup_url(adopted)).content)
    assert _squeezed("Parallel production builds: 3 weeks after") in pdf
    # 1012 s before, 524 s since: the generated history's known shift.
    assert (
        _squeezed(
            f"The median pipeline took {duration(524)} since the change, against {duration(1012)}"
        )
        in pdf
    )
    assert _squeezed("What to do next: Add runners:") in pdf
    assert _squeezed("to medium") in pdf
    for heading in ("What was promised", "What happened", "Week by week", "What it cost"):
        assert _squeezed(heading) in pdf
    assert _squeezed("generated for the demo, not real runs") in pdf
    for internal in ("seed", "montecarlo", "snapshot"):
        assert internal not in pdf.lower(), internal
    assert "None" not in pdf  # a figure the template could not read


def test_letter_paper_and_the_filename(adopted: Scenario, member: Client) -> None:
    response = member.get(_followup_url(adopted) + "?paper=letter")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    live_on = Adoption.objects.current().get().live_on
    assert response["Content-Disposition"] == (
        f'attachment; filename="decider-followup-parallel-production-builds-v1-{live_on}.pdf"'
    )
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert round(float(page.mediabox.width)) == 612  # Letter: 8.5 in
    assert "Page1of" in _squeezed(page.extract_text())
    assert member.get(_followup_url(adopted) + "?paper=a3").status_code == 400


def test_another_teams_workflow_or_adoption_is_a_404(adopted: Scenario, other_team: Team) -> None:
    outsider = client_with_role(other_team, "editor")
    adoption = Adoption.objects.current().get()
    assert outsider.get(_followup_url(adopted)).status_code == 404
    url = reverse("adoption_followup_pdf", args=[adopted.workflow_id, adoption.pk])
    assert outsider.get(url).status_code == 404


def test_a_workflow_without_an_adoption_is_a_404(db: None) -> None:
    scenario = load_demo()
    user = UserFactory()
    MembershipFactory(team=scenario.team, user=user, role="viewer")
    assert client_for(user).get(_followup_url(scenario)).status_code == 404


def test_an_adoption_of_another_workflow_is_a_404(adopted: Scenario, member: Client) -> None:
    adoption = Adoption.objects.current().get()
    other = adopted.team.repositories.get(name="tactivos/murally").workflows.first()
    assert other is not None
    url = reverse("adoption_followup_pdf", args=[other.pk, adoption.pk])
    assert member.get(url).status_code == 404


def test_a_past_adoption_has_its_own_report(adopted: Scenario, member: Client) -> None:
    first = Adoption.objects.current().get()
    Adoption.adopt(
        adopted.versions.get(),
        adopted.workflow,
        adopted.created_by,
        live_on=first.live_on + timedelta(days=10),
        approved_by="Dana Ruiz",
        budget_usd_per_month=Decimal(1350),
    )
    url = reverse("adoption_followup_pdf", args=[adopted.workflow_id, first.pk])
    response = member.get(url)
    assert response.status_code == 200
    pdf = _pdf_text(response.content)
    assert _squeezed("Parallel production builds: 10 days after") in pdf
    assert _squeezed("replaced; measured up to") in pdf
    monitor = member.get(reverse("workflow_monitor", args=[adopted.workflow_id]))
    assert url in monitor.content.decode()


def test_over_the_render_cap_it_is_a_503(adopted: Scenario, member: Client, settings) -> None:
    settings.PDF_MAX_CONCURRENT_RENDERS = 1
    with render_slots.slot() as held:
        assert held
        response = member.get(_followup_url(adopted))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"


def test_export_pdf_writes_the_followup(adopted: Scenario, tmp_path: Path) -> None:
    output = tmp_path / "f.pdf"
    call_command("export_pdf", "--followup", str(adopted.workflow_id), "-o", str(output))
    assert _squeezed("3 weeks after") in _pdf_text(output.read_bytes())
    with pytest.raises(CommandError, match="has no adopted version"):
        call_command("export_pdf", "--followup", "999999", "-o", str(output))


def test_a_change_not_live_yet_has_a_report_that_says_so(db: None) -> None:
    scenario = load_demo()
    adoption = Adoption.adopt(
        scenario.versions.get(),
        scenario.workflow,
        scenario.created_by,
        live_on=timezone.now().date() + timedelta(days=3),
        approved_by="Dana Ruiz",
        budget_usd_per_month=Decimal(1350),
    )
    pdf = _pdf_text(render_followup_pdf(adoption, now=timezone.now()))
    assert _squeezed("What to do next: No verdict yet") in pdf
    assert _squeezed("The change has not gone live yet: nothing was measured since.") in pdf
    assert "None" not in pdf
