"""Real public workflows, and a generated 500-job one, taken through the whole product as a
new user would: upload the files, upload runs, describe the pools, then edit the graph in the
what-if form, recalculate, save and export the PDF. Each step must answer, not fail, and the
saved scenario must keep the edit and show a verdict.

The runs are generated (three per job, lengths from its position) because the repositories'
run histories are not public files; the workflow files are the repositories' own."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from decider.models import Job, Scenario, Team, Workflow
from tests.factories import RepositoryFactory

REAL = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "real" / "workflows"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not REAL.exists(), reason="the shared real workflows are not here"),
]


def _generated_500_jobs() -> bytes:
    """500 jobs on two labels, each needing up to three of the ten jobs before it."""
    lines = ["name: generated", "on: [push, pull_request]", "jobs:"]
    for n in range(500):
        lines += [f"  job-{n}:", f"    runs-on: {'large' if n % 5 == 0 else 'small'}"]
        needs = [f"job-{m}" for m in range(max(0, n - 10), n) if m % 4 == n % 4][:3]
        if needs:
            lines.append(f"    needs: [{', '.join(needs)}]")
        lines.append("    steps: [{run: make}]")
    return ("\n".join(lines) + "\n").encode()


def _files(case: str) -> list[tuple[str, bytes]]:
    if case == "generated 500 jobs":
        return [("generated.yml", _generated_500_jobs())]
    # The unit-tests workflow calls its sibling workflows: uploaded together, 128 jobs.
    pattern = {
        "DefectDojo unit tests with the workflows it calls": "DefectDojo__django-DefectDojo__*.yml",
        "tailscale test": "tailscale__tailscale__test.yml",
        "boundary build": "hashicorp__boundary__build.yml",
    }[case]
    return [(path.name.split("__")[-1], path.read_bytes()) for path in sorted(REAL.glob(pattern))]


# Each case: the file whose workflow is edited, and how many jobs it has once imported.
CASES = {
    "DefectDojo unit tests with the workflows it calls": ("unit-tests.yml", 128),
    "tailscale test": ("test.yml", 51),
    "boundary build": ("build.yml", 28),
    "generated 500 jobs": ("generated.yml", 500),
}


def _upload(client: Client, url: str, files: list[tuple[str, bytes]], **fields: object) -> None:
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    response = client.post(url, {"files": uploads, **fields})
    assert response.status_code == 302, response.content.decode()[:2000]


def _runs_csv(workflow: Workflow) -> bytes:
    rows = ["run_id,job,duration_s"]
    for job in workflow.jobs.all():
        for run in range(3):
            rows.append(
                f'{run + 1},"{job.name or job.key}",{60 + (job.order * 37 + run * 11) % 540}'
            )
    return ("\n".join(rows) + "\n").encode()


def _pools_for(client: Client, team: Team, workflow: Workflow) -> None:
    labels = {label for job in workflow.jobs.all() for label in job.runs_on[:1]}
    for n, label in enumerate(sorted(labels)):
        pool = {
            "name": f"pool-{n}",
            "labels": label,
            "runners": 20,
            "monthly_cost_usd_per_runner": 80,
            "baseline_utilization": 0.2,
        }
        response = client.post(reverse("pools", args=[team.slug]), pool)
        assert response.status_code == 302, response.content.decode()[:2000]


def _form_data(client: Client, workflow: Workflow) -> dict[str, object]:
    page = client.get(reverse("scenario_new", args=[workflow.pk]))
    assert page.status_code == 200
    data: dict[str, object] = {}
    for field in page.context["form"]:
        value = field.value()
        if value not in (None, "", []):
            data[field.html_name] = value
    return data


@pytest.mark.parametrize("case", CASES)
def test_a_real_workflow_is_edited_saved_and_exported(
    case: str, editor_client: Client, team: Team
) -> None:
    file_name, jobs = CASES[case]
    repository = RepositoryFactory(team=team)
    _upload(editor_client, reverse("workflow_upload", args=[repository.pk]), _files(case))
    workflow = Workflow.objects.get(repository=repository, path__endswith=file_name)
    _upload(
        editor_client,
        reverse("runs_upload", args=[repository.pk]),
        [("runs.csv", _runs_csv(workflow))],
        workflow=workflow.pk,
    )
    _pools_for(editor_client, team, workflow)
    assert editor_client.get(reverse("repository", args=[repository.pk])).status_code == 200

    data = _form_data(editor_client, workflow)
    job = next(job for job in Job.objects.filter(workflow=workflow) if job.needs.exists())
    need = job.needs.order_by("order").first()
    assert need is not None
    data["remove_needs"] = f"{job.key}: {need.key}"

    calculated = editor_client.post(
        reverse("scenario_calculate", args=[workflow.pk]), data, headers={"HX-Request": "true"}
    )
    assert calculated.status_code == 200
    assert 'id="results"' in calculated.content.decode()
    verdict = editor_client.post(
        reverse("scenario_verdict", args=[workflow.pk]), data, headers={"HX-Request": "true"}
    )
    assert verdict.status_code == 200
    decision = verdict.context["results"].analysis.decision
    assert decision is not None and decision.reason
    # A go/no-go with its runner counts, not a refusal: every job is measured and each
    # verdict fits its work budget (the 500-job one with fewer simulated pipelines).
    assert decision.verdict != "undecided", decision.reason
    assert workflow.jobs.count() == jobs

    saved = editor_client.post(
        reverse("scenario_create", args=[workflow.pk]), {**data, "save-name": "One need fewer"}
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    row = Scenario.objects.get(workflow=workflow, name="One need fewer")
    assert len(row.inputs["remove_needs"]) == 1
    page = editor_client.get(reverse("scenario", args=[row.pk]))
    assert page.status_code == 200

    pdf = editor_client.get(reverse("scenario_pdf", args=[row.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "One need fewer" in text
