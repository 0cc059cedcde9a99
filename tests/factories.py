"""One factory per model; tests build only the rows they talk about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import factory
from django.contrib.auth import get_user_model

from decider.models import (
    Job,
    JobRun,
    Membership,
    Repository,
    RunnerPool,
    Scenario,
    Team,
    Workflow,
    WorkflowRun,
)

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.EDITOR


class RepositoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repository

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"acme/service-{n}")


class WorkflowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workflow

    repository = factory.SubFactory(RepositoryFactory)
    path = factory.Sequence(lambda n: f".github/workflows/ci-{n}.yml")
    name = "build"
    source = "name: build\non: push\njobs: {}\n"


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    workflow = factory.SubFactory(WorkflowFactory)
    key = factory.Sequence(lambda n: f"job-{n}")
    yaml_id = factory.LazyAttribute(lambda job: job.key)
    name = factory.LazyAttribute(lambda job: job.key)
    runs_on = factory.LazyFunction(lambda: ["self-hosted", "linux", "small"])
    order = factory.Sequence(lambda n: n)


class RunnerPoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunnerPool

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"pool-{n}")
    labels = factory.LazyFunction(lambda: ["self-hosted", "linux", "small"])
    runners = 4
    monthly_cost_usd_per_runner = 75
    baseline_utilization = 0.4


class WorkflowRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkflowRun

    workflow = factory.SubFactory(WorkflowFactory)
    github_run_id = factory.Sequence(lambda n: 1000 + n)
    created_at = factory.LazyFunction(lambda: datetime(2026, 1, 5, 10, 0, tzinfo=UTC))


class JobRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobRun

    job = factory.SubFactory(JobFactory)
    run = factory.SubFactory(WorkflowRunFactory, workflow=factory.SelfAttribute("..job.workflow"))
    created_at = factory.LazyAttribute(lambda o: o.run.created_at)
    started_at = factory.LazyAttribute(lambda o: o.created_at + timedelta(seconds=10))
    completed_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(seconds=o.duration_s))
    duration_s = 300.0


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    workflow = factory.SubFactory(WorkflowFactory)
    team = factory.LazyAttribute(lambda o: o.workflow.repository.team)
    name = factory.Sequence(lambda n: f"scenario {n}")
    inputs = factory.LazyFunction(dict)


def staged_workflow(team: Team, jobs: int = 500, stage_width: int = 25) -> Workflow:
    """A big measured workflow shaped like real ones: stages of `stage_width` jobs, each job
    needing up to three jobs of the stage before, on two self-hosted pools and a hosted label,
    one measured run each with durations from 40 s to about 15 min. 500 jobs is the largest
    accepted workflow the PDF and page budgets are measured on (bench/pdf.py)."""
    for name, runners in (("small", 12), ("medium", 6)):
        if not team.pools.filter(name=name).exists():
            RunnerPoolFactory(
                team=team, name=name, labels=["self-hosted", "linux", name], runners=runners
            )
    workflow = WorkflowFactory(repository__team=team, name=f"staged {jobs}")
    labels = (["self-hosted", "linux", "small"], ["self-hosted", "linux", "medium"])
    rows = Job.objects.bulk_create(
        Job(
            workflow=workflow,
            key=f"stage-{n // stage_width}-job-{n % stage_width}",
            yaml_id=f"stage-{n // stage_width}-job-{n % stage_width}",
            name=f"Stage {n // stage_width} job {n % stage_width}",
            runs_on=["ubuntu-latest"] if n % 7 == 3 else labels[n % 5 == 0],
            order=n,
        )
        for n in range(jobs)
    )
    through = Job.needs.through

    def need(n: int, k: int) -> Job:
        return rows[(n // stage_width - 1) * stage_width + (n + k) % stage_width]

    through.objects.bulk_create(
        through(from_job=row, to_job=need(n, k))
        for n, row in enumerate(rows)
        if n >= stage_width
        for k in range(1 + n % 3)
    )
    run = WorkflowRunFactory(workflow=workflow)
    start = run.created_at
    JobRun.objects.bulk_create(
        JobRun(
            job=row,
            run=run,
            created_at=start,
            started_at=start + timedelta(seconds=5),
            completed_at=start + timedelta(seconds=5 + 40 + (n * 97) % 860),
            duration_s=40 + (n * 97) % 860,
            conclusion="success",
        )
        for n, row in enumerate(rows)
    )
    return workflow
