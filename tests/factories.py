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
