"""Load the seed example (fixtures/) through the same importers a user would use.

Idempotent: running it again changes nothing. It makes a demo team with an editor login
so the README's run command can say how to log in. `--team` loads the same data into another
team (the load test gives each of its teams its own copy).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.db import transaction
from django.utils import timezone

from decider.adapter.alerts import check_workflow, ensure_default_rules
from decider.adapter.generated_history import HistoryShape, PlannedJob, generate_history
from decider.adapter.monitor_warming import keep_adopted_milestone, warm_later
from decider.adapter.saved import analyse_saved
from decider.adapter.versions import new_version
from decider.adapter.whatif import WhatIf
from decider.engine import inputs as engine_inputs
from decider.engine.analysis import GraphResult
from decider.engine.presets import apply_preset
from decider.importers.job_runs import parse_runs
from decider.importers.pools_csv import parse_pools_csv
from decider.importers.store import store_pools, store_runs, store_workflows
from decider.importers.workflow_yaml import parse_workflow_files
from decider.management.commands._base import DatabaseCommand
from decider.models import Adoption, Membership, Repository, Scenario, Team, Workflow

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_TEAM = ("Demo team", "demo")
# (repository, workflow file, path it has on GitHub, run data)
DEMO_SCENARIO = "Parallel production builds"
DEMO_DAYS_SINCE_ADOPTION = 21
PRODUCTION_IMAGES = [
    "build-production-api",
    "build-production-worker",
    "build-production-migrations",
    "build-production-eight-ball",
]
DEMO_REPOSITORIES = [
    ("tactivos/mural-api", "mural-api-build.yml", ".github/workflows/build.yml", "job-runs.csv"),
    (
        "tactivos/murally",
        "murally-build.yml",
        ".github/workflows/build.yml",
        "murally-job-runs.csv",
    ),
]


class Command(DatabaseCommand):
    help = "Load the demo team, login, pools, the mural-api and murally workflows and their runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default="demo")
        parser.add_argument("--team", default=DEMO_TEAM[1], help="the team's slug")
        parser.add_argument("--team-name", default=DEMO_TEAM[0], help="its name, when new")
        parser.add_argument(
            "--without-monitor-history",
            action="store_true",
            help="no adoption and no generated runs: only the seed's own runs (the tests' "
            "golden figures read those)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            team, _ = Team.objects.get_or_create(
                slug=options["team"], defaults={"name": options["team_name"]}
            )
            user = self._user(options["username"], options["password"])
            Membership.objects.update_or_create(
                team=team, user=user, defaults={"role": Membership.Role.EDITOR}
            )
            pools_csv = FIXTURES / "runner-pools.csv"
            store_pools(team, parse_pools_csv(pools_csv.name, pools_csv.read_bytes()))
            for repo_name, workflow_file, github_path, runs_file in DEMO_REPOSITORIES:
                repository, _ = Repository.objects.get_or_create(team=team, name=repo_name)
                source = (FIXTURES / workflow_file).read_bytes()
                records = parse_workflow_files([(github_path, source)], repository=repo_name)
                (report,) = store_workflows(repository, records)
                run_data = parse_runs([(runs_file, (FIXTURES / runs_file).read_bytes())])
                runs_report = store_runs(report.workflow, run_data)
                self.stdout.write(f"{repo_name}: {runs_report.summary()}")
            mural = Workflow.objects.get(
                repository__team=team, repository__name="tactivos/mural-api"
            )
            self._demo_scenario(team, mural, user)
            if not options["without_monitor_history"]:
                self._demo_adoption(mural, user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded: team '{team.name}', log in as "
                f"{options['username']} / {options['password']}"
            )
        )

    def _demo_scenario(self, team: Team, workflow: Workflow, user: Any) -> None:
        """The seed's story as a saved scenario: production images built in parallel."""
        if Scenario.objects.filter(workflow=workflow, name=DEMO_SCENARIO).exists():
            return
        whatif = WhatIf.of(workflow)
        keys = {job.key: job.id for job in whatif.graph.jobs}
        milestone = [keys[key] for key in PRODUCTION_IMAGES]
        scenario = apply_preset(
            whatif.graph, engine_inputs.Scenario(milestone=milestone), "parallel"
        )
        content = new_version(None, scenario, whatif)
        Scenario.objects.create_for(
            user,
            workflow,
            name=DEMO_SCENARIO,
            note=(
                "The mural-api analysis: production image builds stop waiting for the test "
                "image builds; publish-api still waits for the API's lint, unit and "
                "integration tests."
            ),
            inputs=content.inputs,
            job_keys=content.job_keys,
            snapshot=content.snapshot,
        )

    def _demo_adoption(self, workflow: Workflow, user: Any) -> None:
        """The demo scenario adopted three weeks ago, with a generated history around it:
        before, every pipeline runs as today's graph on today's runners; after, as the
        proposed graph, so the monitor has something to show out of the box."""
        if Adoption.objects.filter(workflow=workflow).exists():
            return
        row = Scenario.objects.get(workflow=workflow, name=DEMO_SCENARIO)
        saved = analyse_saved(row)
        analysis = saved.results.analysis
        keys = {job.id: job.key for job in analysis.jobs}

        def timings(graph: GraphResult) -> list[PlannedJob]:
            schedule = graph.constrained
            jobs = schedule.jobs if schedule is not None else graph.timings
            return [
                PlannedJob(keys[job.id], job.ready_s, job.start_s, job.end_s)
                for job in jobs
                if job.end_s > job.start_s
            ]

        live_on = timezone.now().date() - timedelta(days=DEMO_DAYS_SINCE_ADOPTION)
        shape = HistoryShape(
            before=timings(analysis.current),
            after=timings(analysis.proposed),
            live_on=live_on,
            days_before=28,
            days_after=DEMO_DAYS_SINCE_ADOPTION,  # up to yesterday: no run in the future
            other_branch="feature/payments",
            other_branch_per_day=3,
        )
        generate_history(workflow, shape)
        Adoption.adopt(
            row.versions.get(number=row.version),
            workflow,
            user,
            live_on=live_on,
            approved_by="Dana Ruiz, VP Engineering",
            # The budget holder approved what the plan asked for.
            budget_usd_per_month=Decimal(
                round(sum(pool.recommended_usd_per_month for pool in analysis.plan.pools))
            ),
            note="Production images build in parallel with the test images from this day on.",
        )
        keep_adopted_milestone(workflow)
        warm_later(workflow)  # the worker computes the monitor's first view ahead
        # The default rules, checked once: the proposed graph queues longer on medium than
        # the version's target, so a new user sees a firing alert and what it says.
        ensure_default_rules(workflow)
        check_workflow(workflow)

    def _user(self, username: str, password: str) -> Any:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(username=username)
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        return user
