"""Connect a repository to the fake GitHub API, sync it on a real worker with live progress,
see its runs and the pools' measured load on the repository page, then open the what-if, which
starts from the measured load and says where it came from."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from decider.github.fake import Served, generate_history
from decider.models import JobRun, Repository
from tests.conftest import GITHUB_TOKEN
from tests.e2e.conftest import log_in_as
from tests.factories import MembershipFactory, RunnerPoolFactory, TeamFactory, UserFactory
from tests.github.worker import start_worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path("/tmp/decider-sync-screens")
RUNS, JOBS = 120, 30


def test_connect_sync_with_live_progress_then_see_the_runs(
    page: Page, live_server, github: Served, console_errors
) -> None:
    team = TeamFactory(name="Platform", slug="platform")
    editor = UserFactory(username="ed")
    MembershipFactory(team=team, user=editor, role="editor")
    repository = Repository.objects.create(team=team, name="acme/widgets")
    for size in ("small", "large"):  # the fake's runner groups are small-pool and large-pool
        RunnerPoolFactory(team=team, name=size, labels=["self-hosted", "linux", size], runners=8)
    generate_history(github.fake, runs=RUNS, jobs_per_run=JOBS, in_progress=1)
    github.fake.delay_s = 0.03  # a few seconds of sync, so its progress can be watched
    log_in_as(page.context, live_server.url, editor)

    page.goto(f"{live_server.url}/repositories/{repository.pk}/")
    page.get_by_role("link", name="Connect to GitHub").click()
    page.get_by_label("API URL").fill(github.url)
    page.locator("#id_token").fill(GITHUB_TOKEN)
    page.get_by_role("button", name="Save connection").click()
    expect(page.get_by_text("acme/widgets is connected to GitHub")).to_be_visible()
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator(".connection-checks li")).to_have_count(3)
    expect(page.locator(".connection-checks li.bad")).to_have_count(0)
    assert GITHUB_TOKEN not in page.content()

    page.get_by_role("link", name="Back to the repository to sync").click()
    page.get_by_label("Runs of the last (days)").fill("7")
    page.get_by_role("button", name="Sync from GitHub").click()
    expect(page.locator("#sync-panel")).to_contain_text("waiting for a worker")
    worker = start_worker()
    try:
        expect(page.locator("#sync-panel")).to_contain_text("Sync running", timeout=20_000)
        expect(page.get_by_role("button", name="Cancel sync")).to_be_visible()
        # The figures move while it runs (the panel polls; the page is not reloaded).
        expect(page.locator('[data-figure="runs"]')).not_to_have_text("0 runs", timeout=20_000)
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "progress.png"), full_page=True)
        expect(page.locator("#sync-panel")).to_contain_text("Last sync: finished", timeout=60_000)
    finally:
        worker.terminate()
        worker.wait(10)
    expect(page.locator('[data-figure="runs"]')).to_have_text(f"{RUNS} runs")
    page.get_by_role("link", name="Show the synced workflows and runs").click()
    section = page.locator("section.card", has_text=".github/workflows/ci.yml")
    expect(section).to_contain_text(f"{RUNS} workflow runs imported")
    page.screenshot(path=str(SCREENSHOTS / "synced.png"), full_page=True)
    # Runs 20, 40, ..., 100 re-ran a job (run 120 is still in progress, its first 3 jobs
    # finished: only those are measured).
    assert JobRun.objects.count() == (RUNS - 1) * JOBS + 5 + 3

    # The measured load of the team's pools: every synced job ran on one of the two pools.
    load = page.locator("#measured-load")
    expect(load).to_contain_text("Measured over 14 days")
    for size in ("small", "large"):
        row = load.locator("table.measured-load tr", has_text=size)
        expect(row).to_be_visible()
        expect(row.locator("td").nth(1)).not_to_have_text("0")  # jobs counted on the pool
    expect(load.locator("svg").first).to_be_visible()  # the jobs-per-hour heat map

    # The what-if opens with the measured pipelines per hour and says where it came from.
    section.get_by_role("link", name="What if…").click()
    expect(page.locator("#id_pipelines_per_hour")).not_to_have_value("")
    notes = page.locator(".measured-notes")
    expect(notes).to_contain_text("pipelines per hour")
    expect(notes).to_contain_text(f"from {RUNS} runs of this workflow")
    page.screenshot(path=str(SCREENSHOTS / "whatif.png"), full_page=True)
    assert console_errors == []
