from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from decider.adapter.inputs import engine_workflow
from decider.engine import inputs as engine_inputs
from decider.engine.presets import apply_preset
from decider.models import Scenario, Team
from decider.reports import fetcher as pdf_fetcher
from decider.reports.pdf import render_scenario_pdf, scenario_filename
from tests.factories import (
    JobFactory,
    JobRunFactory,
    RepositoryFactory,
    RunnerPoolFactory,
    ScenarioFactory,
    WorkflowFactory,
)

A4 = (595, 842)
LETTER = (612, 792)
IMG_NAME = '<img src="file:///etc/passwd">'
LINK_NAME = '<link rel=attachment href="file:///etc/hostname">'


def _text(pdf: bytes) -> str:
    """All text, without whitespace: a name wrapped across lines still matches."""
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text() for page in reader.pages).split())


def _squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def cache_scenario(demo_scenario: Scenario) -> Scenario:
    """A second saved scenario, made the way the page saves one."""
    graph = engine_workflow(demo_scenario.workflow)
    scenario = apply_preset(graph, engine_inputs.Scenario(), "cache_persistence")
    return Scenario.objects.create(
        team=demo_scenario.team,
        workflow=demo_scenario.workflow,
        name="Build cache persistence",
        inputs=scenario.model_dump(mode="json"),
        job_keys=[job.key for job in graph.jobs],
        created_by=demo_scenario.created_by,
        updated_by=demo_scenario.created_by,
    )


def test_the_demo_pdf_downloads_with_the_key_figures_and_the_verdict(
    demo_scenario, demo_viewer
) -> None:
    response = demo_viewer.get(reverse("scenario_pdf", args=[demo_scenario.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="decider-parallel-production-builds-v1.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    text = _text(response.content)
    for figure in ["16 min 52 s", "8 min 44 s", "8 min 8 s", "34 min 17 s", "8 runners"]:
        assert _squeezed(figure) in text
    assert _squeezed("Recommendation: Proceed after adding runners") in text
    assert _squeezed("Add 3 medium, 2 small runners ($450/month)") in text
    for heading in ["Key figures", "Decision framework", "Cost-benefit", "Risks", "Approval"]:
        assert _squeezed(heading) in text
    assert _squeezed("Appendix: jobs in the proposed graph") in text
    assert _squeezed("no dates in the data") in text


def test_every_page_is_numbered_and_the_later_ones_name_the_scenario(demo_scenario) -> None:
    reader = PdfReader(io.BytesIO(render_scenario_pdf(demo_scenario)))
    count = len(reader.pages)
    assert count > 1
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page{number}of{count}" in _squeezed(page.extract_text())
    assert _squeezed("Parallel production builds") in _squeezed(reader.pages[1].extract_text())


@pytest.mark.parametrize(("query", "size"), [("", A4), ("?paper=letter", LETTER)])
def test_the_paper_is_a4_or_letter(demo_scenario, demo_viewer, query, size) -> None:
    response = demo_viewer.get(reverse("scenario_pdf", args=[demo_scenario.pk]) + query)
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == size


def test_an_unknown_paper_is_refused(demo_scenario, demo_viewer) -> None:
    response = demo_viewer.get(reverse("scenario_pdf", args=[demo_scenario.pk]) + "?paper=a3")
    assert response.status_code == 400


def test_another_teams_scenario_is_a_404(demo_scenario, editor_client) -> None:
    assert editor_client.get(reverse("scenario_pdf", args=[demo_scenario.pk])).status_code == 404
    url = reverse("scenario_compare_pdf") + f"?id={demo_scenario.pk}&id={demo_scenario.pk + 1}"
    assert editor_client.get(url).status_code == 404


def test_anonymous_users_are_sent_to_log_in(demo_scenario) -> None:
    for url in [
        reverse("scenario_pdf", args=[demo_scenario.pk]),
        reverse("scenario_compare_pdf") + f"?id={demo_scenario.pk}&id={demo_scenario.pk}",
    ]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "filename"),
    [
        ("Parallel production builds", "decider-parallel-production-builds-v3.pdf"),
        ('He said "go"/no\r\ngo', "decider-he-said-gono-go-v3.pdf"),
        ("Zürich → café", "decider-zurich-cafe-v3.pdf"),
        ("../../etc/passwd", "decider-etcpasswd-v3.pdf"),
        ("日本語", "decider-scenario-v3.pdf"),
    ],
)
def test_the_filename_is_a_slug_of_the_scenario_name(name: str, filename: str) -> None:
    assert scenario_filename(Scenario(name=name, version=3)) == filename


def test_the_download_header_never_carries_the_raw_name(team, viewer_client) -> None:
    row = _hostile_scenario(team, name='x"; filename="evil.exe\n<b>ü/..')
    response = viewer_client.get(reverse("scenario_pdf", args=[row.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition == 'attachment; filename="decider-x-filenameevilexe-bu-v1.pdf"'


def _hostile_scenario(team: Team, *, name: str = "Scenario <b>bold</b>") -> Scenario:
    """A workflow whose repository, job and scenario names are HTML that would fetch files."""
    repository = RepositoryFactory(team=team, name=f"acme/{IMG_NAME}")
    workflow = WorkflowFactory(repository=repository, name=f"CI {LINK_NAME}")
    RunnerPoolFactory(team=team, name="small", runners=2)
    build = JobFactory(workflow=workflow, key="build", name=LINK_NAME)
    publish = JobFactory(workflow=workflow, key="publish", name=f"publish {IMG_NAME}")
    publish.needs.add(build)
    JobRunFactory(job=build, duration_s=300)
    JobRunFactory(job=publish, duration_s=60)
    return ScenarioFactory(workflow=workflow, name=name, note=f"note {LINK_NAME}")


def test_names_with_html_render_as_text_fetch_nothing_and_attach_nothing(
    team, viewer_client, monkeypatch
) -> None:
    asked: list[str] = []
    fetch = pdf_fetcher.StaticFilesFetcher.fetch

    def recording_fetch(self, url, headers=None):
        asked.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(pdf_fetcher.StaticFilesFetcher, "fetch", recording_fetch)
    row = _hostile_scenario(team)
    response = viewer_client.get(reverse("scenario_pdf", args=[row.pk]))
    assert response.status_code == 200

    text = _text(response.content)
    assert _squeezed(IMG_NAME) in text
    assert _squeezed(LINK_NAME) in text
    assert _squeezed("Scenario <b>bold</b>") in text
    # The stylesheet and the charts (SVG data: URLs: four timelines, the one sized pool's
    # runner chart and its options chart), nothing the names asked for.
    charts = [url for url in asked if url.startswith("data:image/svg+xml;base64,")]
    assert len(charts) == 6
    assert [url for url in asked if url not in charts] == [
        pdf_fetcher.static_file_url("css/pdf.css")
    ]

    reader = PdfReader(io.BytesIO(response.content))
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"


def test_the_comparison_pdf_sets_scenarios_side_by_side_with_their_verdicts(
    demo_scenario, cache_scenario, demo_viewer
) -> None:
    url = reverse("scenario_compare_pdf") + f"?id={demo_scenario.pk}&id={cache_scenario.pk}"
    response = demo_viewer.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="decider-comparison-parallel-production-builds-vs-'
        'build-cache-persistence.pdf"'
    )
    text = _text(response.content)
    for expected in [
        "Side by side",
        "Parallel production builds",
        "Build cache persistence",
        "Proposed wall clock",
        "Proceed after adding runners",
        "Each scenario's verdict",
        "Approval",
    ]:
        assert _squeezed(expected) in text


@pytest.mark.parametrize("ids", [[], ["1"], ["1", "2", "3", "4", "5"], ["1", "x"]])
def test_a_comparison_needs_two_to_four_scenario_ids(demo_scenario, demo_viewer, ids) -> None:
    query = "&".join(f"id={value}" for value in ids)
    response = demo_viewer.get(reverse("scenario_compare_pdf") + f"?{query}")
    assert response.status_code == 400


def test_export_pdf_writes_a_scenario_and_a_comparison(
    demo_scenario, cache_scenario, tmp_path
) -> None:
    single = tmp_path / "one.pdf"
    call_command(
        "export_pdf", "--scenario", str(demo_scenario.pk), "-o", str(single), stdout=io.StringIO()
    )
    assert single.read_bytes().startswith(b"%PDF")
    assert _squeezed("16 min 52 s") in _text(single.read_bytes())

    compared = tmp_path / "compared.pdf"
    call_command(
        "export_pdf",
        "--compare",
        str(demo_scenario.pk),
        str(cache_scenario.pk),
        "--paper",
        "letter",
        "-o",
        str(compared),
        stdout=io.StringIO(),
    )
    page = PdfReader(compared).pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == LETTER


@pytest.mark.parametrize(
    "arguments",
    [
        ["--scenario", "999999"],
        ["--compare", "{demo_scenario}"],
        ["--compare", "{demo_scenario}", "{demo_scenario}"],
        ["--compare", "{demo_scenario}", "999999"],
    ],
)
def test_export_pdf_refuses_bad_ids(demo_scenario, tmp_path, arguments) -> None:
    output = tmp_path / "out.pdf"
    arguments = [value.format(demo_scenario=demo_scenario.pk) for value in arguments]
    with pytest.raises(CommandError):
        call_command("export_pdf", *arguments, "-o", str(output), stdout=io.StringIO())
    assert not output.exists()


def test_the_scenario_and_compare_pages_link_to_their_pdfs(
    demo_scenario, cache_scenario, demo_viewer
) -> None:
    page = demo_viewer.get(reverse("scenario", args=[demo_scenario.pk])).content.decode()
    assert f'href="{reverse("scenario_pdf", args=[demo_scenario.pk])}"' in page
    query = f"id={demo_scenario.pk}&amp;id={cache_scenario.pk}"
    compare = demo_viewer.get(
        reverse("scenario_compare") + f"?id={demo_scenario.pk}&id={cache_scenario.pk}"
    ).content.decode()
    assert f'href="{reverse("scenario_compare_pdf")}?{query}"' in compare


def test_the_pools_table_shows_the_runners_the_verdict_adds(demo_scenario) -> None:
    text = _text(render_scenario_pdf(demo_scenario))
    assert _squeezed("medium self-hosted, linux, medium 3 60% $100 +3") in text
    assert _squeezed("small self-hosted, linux, small 4 40% $75 +2") in text


def test_a_scenario_that_no_longer_fits_its_workflow_is_a_409_not_a_500(demo_scenario, demo_viewer):
    demo_scenario.inputs = {**demo_scenario.inputs, "statistic": "fastest"}
    demo_scenario.save()
    response = demo_viewer.get(reverse("scenario_pdf", args=[demo_scenario.pk]))
    assert response.status_code == 409
    assert b"no longer fits" in response.content
