from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from decider.adapter.generated_history import FIRST_RUN_ID
from decider.models import Adoption, Job, JobRun, Repository, RunnerPool, Scenario, Team, Workflow
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_load_demo_loads_the_seed_and_running_it_again_changes_nothing() -> None:
    output = run("load_demo")
    assert "log in as demo / demo" in output
    team = Team.objects.get(slug="demo")
    mural = Repository.objects.get(team=team, name="tactivos/mural-api")
    workflow = mural.workflows.get()
    assert workflow.jobs.count() == 11
    seed_runs = JobRun.objects.filter(job__workflow=workflow).exclude(
        run__github_run_id__gte=FIRST_RUN_ID
    )
    assert seed_runs.count() == 16
    # and the monitor's generated history around the demo scenario's adoption
    assert Adoption.objects.current().get(workflow=workflow).version.scenario.workflow == workflow
    assert JobRun.objects.filter(job__workflow=workflow).count() > 16
    assert sorted(RunnerPool.objects.filter(team=team).values_list("name", flat=True)) == [
        "cpu-optimized",
        "medium",
        "small",
    ]
    counts = (Workflow.objects.count(), Job.objects.count(), JobRun.objects.count())
    run("load_demo")
    assert (Workflow.objects.count(), Job.objects.count(), JobRun.objects.count()) == counts


def test_load_demo_into_another_team_gives_it_its_own_copy_and_login() -> None:
    run("load_demo")
    output = run("load_demo", "--team", "load-1", "--team-name", "Load 1", "--username", "ann")
    assert "log in as ann / demo" in output
    team = Team.objects.get(slug="load-1")
    assert team.name == "Load 1"
    assert team.memberships.get().user.username == "ann"
    assert Repository.objects.filter(team=team).count() == 2
    assert Scenario.objects.filter(team=team).count() == 1
    assert Scenario.objects.filter(team__slug="demo").count() == 1


def test_import_commands_report_what_they_did(team, tmp_path: Path) -> None:
    output = run(
        "import_workflow",
        str(FIXTURES / "mural-api-build.yml"),
        "--team",
        team.slug,
        "--repo",
        "tactivos/mural-api",
    )
    assert "11 jobs added" in output
    output = run(
        "import_runs",
        str(FIXTURES / "job-runs.csv"),
        "--team",
        team.slug,
        "--repo",
        "tactivos/mural-api",
    )
    assert "16 job runs added" in output
    output = run(
        "import_runs",
        str(FIXTURES / "job-runs.csv"),
        "--team",
        team.slug,
        "--repo",
        "tactivos/mural-api",
    )
    assert "0 job runs added" in output
    assert "16 already present" in output
    output = run("import_pools", str(FIXTURES / "runner-pools.csv"), "--team", team.slug)
    assert "3 pools added" in output


def test_import_commands_refuse_bad_input_with_the_place(team, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("jobs:\n  a:\n    needs: ghost\n    runs-on: x\n")
    with pytest.raises(CommandError, match=r"bad\.yml.*line 3.*ghost"):
        run("import_workflow", str(bad), "--team", team.slug, "--repo", "acme/x")
    assert not Workflow.objects.exists()
    with pytest.raises(CommandError, match="No team 'nobody'"):
        run("import_pools", str(FIXTURES / "runner-pools.csv"), "--team", "nobody")
    with pytest.raises(CommandError, match="owner/name"):
        run(
            "import_workflow",
            str(FIXTURES / "mural-api-build.yml"),
            "--team",
            team.slug,
            "--repo",
            "x",
        )


@pytest.mark.django_db
def test_analyze_refuses_a_scenario_id_that_does_not_exist() -> None:
    with pytest.raises(CommandError, match="No saved scenario has id 999999"):
        call_command("analyze", "--scenario", "999999", stdout=StringIO())


def test_analyze_needs_a_scenario_or_a_workflow() -> None:
    with pytest.raises(CommandError, match="Give --scenario ID"):
        call_command("analyze", stdout=StringIO())
