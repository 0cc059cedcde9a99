"""decider's data: teams own repositories, workflows, jobs, measured runs, pools and scenarios.

Durations and queue waits of job runs are derived from GitHub's timestamps when it gives
them; a CSV may give the duration alone. Every query a view makes starts from the user's
teams (`Team.objects.for_user`), so another team's rows are never reachable.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone

from decider import aggregates  # noqa: F401  (SQLite connections learn the percentile)
from decider.engine import limits
from decider.engine.vocabulary import CONCLUSIONS, JOB_KINDS

# Sent when a workflow's jobs or runs changed (every import, sync and webhook stores through
# `Workflow.data_changed`): alert checks listen, from a layer the importers cannot import.
workflow_data_changed = Signal()


class TeamQuerySet(models.QuerySet["Team"]):
    def for_user(self, user: User) -> TeamQuerySet:
        return self.filter(memberships__user=user)

    def edited_by(self, user: User) -> TeamQuerySet:
        """Teams where `user` is an editor. One filter() call, so both conditions hold for the
        same membership (chained filters on a multi-valued relation join it twice)."""
        return self.filter(memberships__user=user, memberships__role=Membership.Role.EDITOR)


class Team(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        VIEWER = "viewer", "Viewer"
        EDITOR = "editor", "Editor"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique_team_user"),
            models.CheckConstraint(
                condition=Q(role__in=["viewer", "editor"]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"


class Repository(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="repositories")
    name = models.CharField(max_length=200, help_text="owner/name, e.g. tactivos/mural-api")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "repositories"
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="repository_unique_team_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Workflow(models.Model):
    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="workflows")
    path = models.CharField(max_length=300)
    name = models.CharField(max_length=200)
    source = models.TextField(help_text="The workflow YAML as imported")
    triggers = models.JSONField(default=list, blank=True)
    trigger_notes = models.JSONField(
        default=dict, blank=True, help_text="Per trigger, what the `on:` filters say"
    )
    warnings = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(auto_now=True)
    # Bumped by every import into the workflow (jobs or runs): what caches of its measured
    # runs are keyed on, so they are rebuilt once per change of the data, not per request.
    data_version = models.PositiveIntegerField(default=0)
    # The jobs (row ids, ascending) whose last completion ends a run's milestone in its kept
    # `PipelineDay` rows: the adopted version's milestone (`importers.monitor_days`).
    milestone_job_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name", "path"]
        constraints = [
            models.UniqueConstraint(fields=["repository", "path"], name="workflow_unique_path"),
        ]

    def __str__(self) -> str:
        return f"{self.repository.name}: {self.name}"

    def data_changed(self) -> None:
        """Say that its jobs or runs changed. Importers call it; so must anything else that
        edits stored runs in place (adding or deleting runs is noticed anyway)."""
        Workflow.objects.filter(pk=self.pk).update(data_version=F("data_version") + 1)
        self.refresh_from_db(fields=["data_version"])
        workflow_data_changed.send(sender=Workflow, workflow=self)


# What a job's flags mean, in the words the pages use.
JOB_FLAG_LABELS = {
    "runs_on_expression": "runs-on unresolved",
    "dynamic_matrix": "dynamic matrix",
    "matrix_expression": "matrix value known at run time",
    "reusable_unexpanded": "callee not imported",
    "name_expression": "name unresolved",
    "timeout_expression": "timeout unresolved",
}
CONTINUE_ON_ERROR = (
    ("no", "No"),
    ("yes", "Yes"),
    ("expression", "Decided when it runs"),
)


class Job(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="jobs")
    key = models.CharField(max_length=300, help_text="Unique in the workflow")
    yaml_id = models.CharField(max_length=200)
    name = models.CharField(max_length=300, help_text="As GitHub shows it")
    runs_on = models.JSONField(default=list, blank=True)
    runs_on_group = models.CharField(max_length=200, blank=True)
    needs = models.ManyToManyField("self", symmetrical=False, related_name="needed_by", blank=True)
    matrix_values = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    kind = models.CharField(max_length=10, choices=JOB_KINDS, default="other")
    caller_key = models.CharField(max_length=300, blank=True)
    line = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    condition = models.TextField(blank=True, help_text="The job's `if:` as written")
    runs_when = models.JSONField(
        default=dict, blank=True, help_text="Per trigger, whether `if:` lets the job run"
    )
    timeout_minutes = models.FloatField(
        null=True, blank=True, help_text="`timeout-minutes`; empty: GitHub's default of 360"
    )
    continue_on_error = models.CharField(max_length=10, choices=CONTINUE_ON_ERROR, default="no")

    class Meta:
        ordering = ["workflow", "order"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "key"], name="job_unique_key"),
            models.CheckConstraint(
                condition=Q(kind__in=[kind for kind, _ in JOB_KINDS]), name="job_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def flag_labels(self) -> list[str]:
        return [JOB_FLAG_LABELS.get(flag, flag) for flag in self.flags]


class RunnerPool(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="pools")
    name = models.CharField(max_length=100)
    labels = models.JSONField(
        default=list, help_text="A job runs here when this set holds all its runs-on labels"
    )
    runners = models.PositiveIntegerField(
        validators=[MaxValueValidator(limits.MAX_RUNNERS)], help_text=limits.HELP["runners"]
    )
    monthly_cost_usd_per_runner = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(limits.MAX_USD_PER_RUNNER_MONTH)],
        help_text=limits.HELP["usd_per_runner_month"],
    )
    baseline_utilization = models.FloatField(
        help_text="0..1, share of the pool busy with other work"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="pool_unique_team_name"),
            models.CheckConstraint(condition=Q(runners__gte=0), name="pool_runners_nonnegative"),
            models.CheckConstraint(
                condition=Q(monthly_cost_usd_per_runner__gte=0), name="pool_cost_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(baseline_utilization__gte=0) & Q(baseline_utilization__lte=1),
                name="pool_utilization_in_unit_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def monthly_cost_usd(self) -> float:
        return float(self.monthly_cost_usd_per_runner) * self.runners


RATE_KINDS = [
    ("github_hosted", "GitHub-hosted runner"),
    ("vendor", "Runner vendor"),
    ("platform_charge", "GitHub platform charge on self-hosted minutes"),
]


class PriceRate(models.Model):
    """A dated per-minute rate of a runner size (engine/prices.Rate). Without a team it is the
    book every team starts from: GitHub's rows, loaded by a migration and kept by admins. A
    team's rows replace the book's for the same size on the days they cover."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="price_rates", null=True, blank=True
    )
    size = models.CharField(max_length=100, help_text="e.g. linux-2-core, or a vendor's size")
    label = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=RATE_KINDS, default="github_hosted")
    vendor = models.CharField(max_length=100, blank=True)
    usd_per_minute = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(limits.MAX_USD_PER_MINUTE)],
    )
    effective_from = models.DateField()
    effective_to = models.DateField(
        null=True, blank=True, help_text="The first day it no longer holds; empty: still in force"
    )
    source = models.CharField(max_length=500, blank=True, help_text="Where the figure comes from")
    on_by_default = models.BooleanField(
        default=True, help_text="Off: counted only when a scenario asks (the platform charge)"
    )

    class Meta:
        ordering = ["size", "effective_from"]
        constraints = [
            # NULLs are distinct in a unique constraint: the book's rows need their own.
            models.UniqueConstraint(
                fields=["size", "effective_from"],
                condition=Q(team__isnull=True),
                name="pricerate_unique_book_row",
            ),
            models.UniqueConstraint(
                fields=["team", "size", "effective_from"],
                condition=Q(team__isnull=False),
                name="pricerate_unique_team_row",
            ),
            models.CheckConstraint(
                condition=Q(usd_per_minute__gte=0), name="pricerate_price_nonnegative"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
                name="pricerate_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.size} from {self.effective_from}"


class WorkflowRun(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="runs")
    github_run_id = models.BigIntegerField()
    run_attempt = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    branch = models.CharField(max_length=300, blank=True)
    event = models.CharField(max_length=100, blank=True)
    # Its summary, kept from its job runs as they are stored (decider.importers.run_summaries):
    # what the monitor reads per pipeline. All empty while no job run of it is stored.
    began_at = models.DateTimeField(
        null=True, blank=True, help_text="Its first job's creation (its start if unknown)"
    )
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Its last job's completion")
    succeeded = models.BooleanField(
        null=True, blank=True, help_text="No job failed, was cancelled or is unfinished"
    )

    class Meta:
        ordering = ["-created_at", "-github_run_id"]
        # The monitor reads one workflow's runs of a window (and the branches among them).
        indexes = [
            models.Index(fields=["workflow", "created_at"], name="workflowrun_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "github_run_id"], name="workflowrun_unique_run_id"
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.github_run_id}"


class JobRun(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="runs")
    run = models.ForeignKey(
        WorkflowRun, on_delete=models.CASCADE, related_name="job_runs", null=True, blank=True
    )
    github_job_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(
        null=True, blank=True, help_text="Queued; unknown for gh CLI data"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    duration_s = models.FloatField(help_text="completed - started, or as given by a CSV")
    conclusion = models.CharField(
        max_length=50,
        blank=True,
        choices=CONCLUSIONS,
        help_text="As GitHub reports it; empty when the source gave none (counted as success)",
    )
    runner_name = models.CharField(max_length=200, blank=True)
    # GitHub's runner_group_name: with the labels, which pool served the job.
    runner_group = models.CharField(max_length=200, blank=True)
    runner_labels = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["job", "-started_at"]
        # The monitor's utilization reads a team's job runs by start time.
        indexes = [models.Index(fields=["started_at"], name="jobrun_started")]
        constraints = [
            # Re-importing the same data adds nothing: GitHub's job id when there is one,
            # else one measurement per job and run, else per job and start time.
            models.UniqueConstraint(
                fields=["job", "github_job_id"],
                condition=Q(github_job_id__isnull=False),
                name="jobrun_unique_github_job_id",
            ),
            models.UniqueConstraint(
                fields=["job", "run"],
                condition=Q(github_job_id__isnull=True, run__isnull=False),
                name="jobrun_unique_job_run",
            ),
            models.UniqueConstraint(
                fields=["job", "started_at"],
                condition=Q(github_job_id__isnull=True, run__isnull=True),
                name="jobrun_unique_job_start",
            ),
            models.CheckConstraint(
                condition=Q(duration_s__gte=0), name="jobrun_duration_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.duration_s:.0f}s"

    @property
    def queue_wait_s(self) -> float | None:
        """started - created; None when the source gave no creation time (not 0)."""
        if self.created_at is None or self.started_at is None:
            return None
        return (self.started_at - self.created_at).total_seconds()


class ScenarioQuerySet(models.QuerySet["Scenario"]):
    def create_for(
        self,
        user: User,
        workflow: Workflow,
        *,
        name: str,
        inputs: dict[str, Any],
        job_keys: list[str],
        note: str = "",
        snapshot: dict[str, Any] | None = None,
    ) -> Scenario:
        """A new scenario of `workflow` (owned by the workflow's team) and its version 1."""
        with transaction.atomic():
            scenario = self.create(
                team=workflow.repository.team,
                workflow=workflow,
                **Scenario.names_of(workflow),
                name=name,
                note=note,
                inputs=inputs,
                job_keys=job_keys,
                snapshot=snapshot,
                created_by=user,
                updated_by=user,
            )
            scenario.versions.create(
                number=1,
                name=name,
                note=note,
                inputs=inputs,
                job_keys=job_keys,
                snapshot=snapshot,
                changes=["First version."],
                saved_by=user,
                saved_at=scenario.updated_at,
            )
        return scenario


class Scenario(models.Model):
    """A saved what-if; its fields are its latest version (the history is in `versions`).

    It outlives its workflow: deleting the workflow (or its repository) leaves `workflow`
    empty, and the scenario is shown from its snapshots under the names kept here. Who may see
    it is decided by `team`, never through the workflow."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="scenarios")
    workflow = models.ForeignKey(
        Workflow, on_delete=models.SET_NULL, null=True, blank=True, related_name="scenarios"
    )
    # The workflow's names when the scenario was saved (and when the workflow was deleted):
    # what its pages, lists and PDFs say once the workflow is gone.
    workflow_name = models.CharField(max_length=200, blank=True)
    workflow_path = models.CharField(max_length=300, blank=True)
    repository_name = models.CharField(max_length=200, blank=True)
    workflow_deleted_at = models.DateTimeField(null=True, blank=True)
    name = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    inputs = models.JSONField(default=dict, help_text="The engine's scenario input model as JSON")
    # The engine names jobs by declaration index; the keys at save time let a later import
    # that reorders or removes jobs be detected and mapped back.
    job_keys = models.JSONField(default=list, blank=True)
    # Everything the figures were computed from (graph, durations and their runs, pools), so a
    # version shows the same figures forever. None: saved before snapshots were kept.
    snapshot = models.JSONField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic locking")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="scenario_version_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def names_of(workflow: Workflow) -> dict[str, str]:
        """The names a scenario keeps of its workflow, as fields."""
        return {
            "workflow_name": workflow.name,
            "workflow_path": workflow.path,
            "repository_name": workflow.repository.name,
        }

    @property
    def workflow_deleted(self) -> bool:
        return self.workflow_id is None

    @property
    def workflow_label(self) -> str:
        """The workflow's name: today's, or the one kept when it was deleted."""
        return self.workflow.name if self.workflow is not None else self.workflow_name

    @property
    def workflow_file(self) -> str:
        return self.workflow.path if self.workflow is not None else self.workflow_path

    @property
    def repository_label(self) -> str:
        if self.workflow is not None:
            return self.workflow.repository.name
        return self.repository_name

    @property
    def deleted_workflow_notice(self) -> str:
        """What every view of a scenario whose workflow is gone says first ('' otherwise)."""
        if not self.workflow_deleted:
            return ""
        when = (
            f" on {timezone.localtime(self.workflow_deleted_at):%Y-%m-%d}"
            if self.workflow_deleted_at
            else ""
        )
        name = self.workflow_name or "(name not kept)"
        where = f" in {self.repository_name}" if self.repository_name else ""
        return f"Its workflow {name}{where} was deleted{when}; these are the figures as saved."

    def save_version(
        self,
        user: User,
        *,
        edited_version: int | None,
        name: str,
        note: str,
        inputs: dict[str, Any],
        job_keys: list[str],
        snapshot: dict[str, Any] | None = None,
        changes: list[str] | None = None,
    ) -> bool:
        """Save the edit as the next version, unless someone saved a newer one since
        `edited_version` (optimistic locking): then nothing changes, the row is refreshed
        to show who saved what, and the answer is False."""
        if edited_version is None:  # a save that names no version cannot prove it is current
            self.refresh_from_db()
            return False
        now = timezone.now()
        with transaction.atomic():
            updated = Scenario.objects.filter(pk=self.pk, version=edited_version).update(
                name=name,
                note=note,
                inputs=inputs,
                job_keys=job_keys,
                snapshot=snapshot,
                version=F("version") + 1,
                updated_by=user,
                updated_at=now,
            )
            if updated:
                self.versions.create(
                    number=edited_version + 1,
                    name=name,
                    note=note,
                    inputs=inputs,
                    job_keys=job_keys,
                    snapshot=snapshot,
                    changes=changes or [],
                    saved_by=user,
                    saved_at=now,
                )
        self.refresh_from_db()
        return bool(updated)

    @property
    def adoptions(self) -> models.QuerySet[Adoption]:
        """Every adoption of any of its versions, newest first."""
        return Adoption.objects.filter(version__scenario=self).select_related("version")

    @property
    def inputs_json(self) -> str:
        return json.dumps(self.inputs, indent=2, sort_keys=True)


class ScenarioVersion(models.Model):
    """One saved version of a scenario, never changed once written."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    inputs = models.JSONField(default=dict)
    job_keys = models.JSONField(default=list, blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    changes = models.JSONField(
        default=list, blank=True, help_text="What changed from the version before, in words"
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scenario", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "number"], name="scenarioversion_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="scenarioversion_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"


class WebhookEndpointQuerySet(models.QuerySet["WebhookEndpoint"]):
    def serving(self, repository: Repository) -> WebhookEndpoint | None:
        """The endpoint whose deliveries reach `repository`: its own, else its team's."""
        own = self.filter(repository=repository).first()
        return own or self.filter(team_id=repository.team_id, repository=None).first()


class WebhookEndpoint(models.Model):
    """Where GitHub sends workflow_job and workflow_run deliveries, and the secret they are
    signed with: one per repository, or one for every repository of a team (repository
    empty). The URL carries `token`, which says whose secret checks the signature; the
    secret is stored encrypted (decider/encryption.py) and shown once, when created."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="webhook_endpoints")
    repository = models.ForeignKey(
        Repository,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        null=True,
        blank=True,
    )
    token = models.CharField(max_length=64, unique=True)
    secret_encrypted = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    secret_set_at = models.DateTimeField(default=timezone.now)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(repository__isnull=True),
                name="webhookendpoint_one_per_team",
            ),
            models.UniqueConstraint(
                fields=["repository"],
                condition=Q(repository__isnull=False),
                name="webhookendpoint_one_per_repository",
            ),
        ]

    def __str__(self) -> str:
        return f"webhook of {self.repository or self.team}"


class WebhookDelivery(models.Model):
    """One delivery as GitHub sent it (after its signature was checked), and what became of
    it. Unique per endpoint on GitHub's delivery id, so a redelivery is stored once."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The team's repository the payload names; empty when the team has none of that name.
    repository = models.ForeignKey(
        Repository, on_delete=models.CASCADE, related_name="webhook_deliveries", null=True
    )
    delivery_id = models.CharField(max_length=100)
    event = models.CharField(max_length=100)
    action = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict)
    # The workflow_job's id: the deliveries of one job are read together, whatever their order.
    github_job_id = models.BigIntegerField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "delivery_id"], name="webhookdelivery_unique_delivery"
            ),
        ]
        indexes = [
            models.Index(fields=["repository", "github_job_id"], name="webhookdelivery_job"),
            models.Index(fields=["repository", "-received_at"], name="webhookdelivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.delivery_id}"


class GitHubConnection(models.Model):
    """How decider reads one repository from GitHub. The token or the App's private key is
    stored encrypted (`decider.github.secrets`), never shown back."""

    class Kind(models.TextChoices):
        TOKEN = "token", "Fine-grained personal access token"
        APP = "app", "GitHub App installation"

    repository = models.OneToOneField(
        Repository, on_delete=models.CASCADE, related_name="github_connection"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TOKEN)
    api_url = models.URLField(
        max_length=300,
        default="https://api.github.com",
        help_text="https://api.github.com; on GitHub Enterprise Server https://HOST/api/v3",
    )
    # Fernet token of the access token (kind token) or of the App's PEM private key (kind app).
    secret = models.BinaryField()
    app_id = models.PositiveBigIntegerField(null=True, blank=True)
    installation_id = models.PositiveBigIntegerField(null=True, blank=True)
    # What "Test connection" found: [{"what": ..., "ok": bool, "detail": ...}]
    checks = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="token") | Q(app_id__isnull=False, installation_id__isnull=False),
                name="githubconnection_app_ids_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.repository.name} via {self.get_kind_display()}"


class SyncRun(models.Model):
    """One sync of a repository from GitHub: its progress, live, and how it ended."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Stopped"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (State.QUEUED, State.RUNNING)

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="syncs")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    since = models.DateTimeField(help_text="Runs created from this moment on are read")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid running it")
    task_id = models.CharField(max_length=64, blank=True)
    workflows_imported = models.PositiveIntegerField(default=0)
    runs_listed = models.PositiveIntegerField(default=0)
    runs_fetched = models.PositiveIntegerField(default=0)
    job_runs_fetched = models.PositiveIntegerField(default=0)
    job_runs_added = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    not_modified = models.PositiveIntegerField(default=0)
    rate_limit = models.PositiveIntegerField(null=True, blank=True)
    rate_remaining = models.PositiveIntegerField(null=True, blank=True)
    rate_reset_at = models.DateTimeField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True, help_text="What it is doing now")
    notes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Two syncs of one repository at once would fetch everything twice.
            models.UniqueConstraint(
                fields=["repository"],
                condition=Q(state__in=["queued", "running"]),
                name="syncrun_one_active_per_repository",
            ),
        ]

    def __str__(self) -> str:
        return f"sync of {self.repository.name} ({self.state})"

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE


class GitHubCachedPage(models.Model):
    """The ETag of a GitHub answer, for the next sync's conditional request (a 304 costs no
    rate limit), with what the sync needs from it again on a 304 (a file's text, a runs
    page's next link)."""

    repository = models.ForeignKey(
        Repository, on_delete=models.CASCADE, related_name="github_cached_pages"
    )
    url = models.CharField(max_length=1000)
    etag = models.CharField(max_length=200)
    body = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["repository", "url"], name="githubcachedpage_unique"),
        ]

    def __str__(self) -> str:
        return self.url


class SyncedRun(models.Model):
    """A GitHub workflow run whose jobs are stored as of `updated_at`: a later sync fetches its
    jobs again only when GitHub says the run changed since (it finished, or was re-run)."""

    repository = models.ForeignKey(Repository, on_delete=models.CASCADE, related_name="synced_runs")
    github_run_id = models.BigIntegerField()
    updated_at = models.CharField(max_length=40, help_text="GitHub's updated_at, verbatim")
    status = models.CharField(max_length=30, blank=True)
    run_attempt = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["repository", "github_run_id"], name="syncedrun_unique_run"
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.github_run_id}"


class DayOfRuns(models.Model):
    """A workflow's runs created on one UTC day on one branch by one trigger: what the
    monitor's filters choose, kept per day by `importers.monitor_days`."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    branch = models.CharField(max_length=300, blank=True)
    event = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True


class JobDay(DayOfRuns):
    """One job's runs of one UTC day (their workflow run's creation), branch and trigger, as
    the monitor's queue-wait figures read them: kept by `importers.monitor_days` as runs are
    stored, so a page merges a few rows per day instead of sorting every job run."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+")
    job_runs = models.PositiveIntegerField()
    cancelled_in_queue = models.PositiveIntegerField()
    # Each queue wait (started - created, in seconds as the database computes it) with how
    # many job runs waited that long (`aggregates.CountedValues`, packed: a page reads
    # hundreds of days of them): percentiles of any set of days stay exact.
    waits = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["workflow", "day"], name="jobday_workflow_day")]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "day", "branch", "event"], name="jobday_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"job {self.job_id} on {self.day}"


class PipelineDay(DayOfRuns):
    """One UTC day's successful pipelines of a workflow (by their run's creation), per branch
    and trigger: every wall clock and milestone with its count, kept by
    `importers.monitor_days` so a page's percentiles merge days instead of reading each run.
    The milestone is measured to the last of the workflow's `milestone_job_ids`."""

    pipelines = models.PositiveIntegerField()
    wall_clocks = models.BinaryField()  # `aggregates.CountedValues`, packed
    milestones = models.BinaryField()  # the same, for the milestone

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "day", "branch", "event"], name="pipelineday_unique_key"
            ),
        ]

    def __str__(self) -> str:
        return f"workflow {self.workflow_id} pipelines on {self.day}"


class JobBusyDay(models.Model):
    """Runner time one job's runs used, by the UTC day they started (cancelled-in-queue runs
    left out): what a pool's served utilization adds up (`importers.monitor_days`)."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    busy_s = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="jobbusyday_day")]
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="jobbusyday_unique")]

    def __str__(self) -> str:
        return f"job {self.job_id} busy on {self.day}"


class AdoptionQuerySet(models.QuerySet["Adoption"]):
    def current(self) -> AdoptionQuerySet:
        return self.filter(ended_at__isnull=True)


class Adoption(models.Model):
    """A saved scenario version put into production: the change went live on `live_on`.

    A workflow has at most one current adoption (`ended_at` empty); adopting another version
    ends it, so the history of what was adopted when is kept.
    """

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="adoptions")
    version = models.ForeignKey(ScenarioVersion, on_delete=models.CASCADE, related_name="adoptions")
    live_on = models.DateField(help_text="The day the change went live (UTC)")
    approved_by = models.CharField(max_length=200, help_text="Who approved the change")
    budget_usd_per_month = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(limits.MAX_BUDGET_USD_PER_MONTH)],
        help_text="The runner budget approved, $ per month",
    )
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When a later adoption replaced it"
    )

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        ordering = ["workflow", "-live_on", "-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow"],
                condition=Q(ended_at__isnull=True),
                name="adoption_one_current_per_workflow",
            ),
            models.CheckConstraint(
                condition=Q(budget_usd_per_month__gte=0), name="adoption_budget_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} live on {self.live_on}"

    @classmethod
    def adopt(
        cls,
        version: ScenarioVersion,
        workflow: Workflow,
        user: User,
        *,
        live_on: date,
        approved_by: str,
        budget_usd_per_month: Decimal,
        note: str = "",
    ) -> Adoption:
        """Record the adoption and end the workflow's current one, in one transaction: the
        row lock makes two editors adopting at once queue rather than both succeed."""
        now = timezone.now()
        with transaction.atomic():
            list(Workflow.objects.select_for_update().filter(pk=workflow.pk))
            cls.objects.filter(workflow=workflow).current().update(ended_at=now)
            return cls.objects.create(
                workflow=workflow,
                version=version,
                live_on=live_on,
                approved_by=approved_by,
                budget_usd_per_month=budget_usd_per_month,
                note=note,
                recorded_by=user,
                recorded_at=now,
            )


# Alert rules' bounds (docs/alerts.md): a rule needs 1 to 28 whole days in a row, and looks
# back far enough to find where a run of over days began.
ALERT_MAX_DAYS = 28
ALERT_MAX_WAIT_S = 24 * 3600.0
ALERT_MAX_TOLERANCE = 2.0  # +200%: a wall clock three times the pre-change level


class AlertRule(models.Model):
    """A threshold on one of a workflow's daily figures; per pool for queue wait and
    utilization. Its last evaluation is kept on the row, so pages read it without
    re-aggregating the runs."""

    class Kind(models.TextChoices):
        QUEUE_WAIT = "queue_wait", "p90 queue wait over a target"
        UTILIZATION = "utilization", "served utilization over a level"
        WALL_CLOCK = "wall_clock", "p50 wall clock past the pre-change level"

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="alert_rules")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    pool = models.ForeignKey(
        RunnerPool, on_delete=models.CASCADE, null=True, blank=True, related_name="alert_rules"
    )
    # Queue wait: seconds; empty follows the current adoption's queue-wait target.
    wait_target_s = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(ALERT_MAX_WAIT_S)],
    )
    # Utilization: a share of one (0.85 is 85%).
    utilization_level = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.01), MaxValueValidator(1)]
    )
    # Wall clock: a share of the pre-change p50 (0.1 is 10% slower).
    tolerance = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(2)]
    )
    days = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(ALERT_MAX_DAYS)]
    )
    created_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    last_check = models.JSONField(null=True, blank=True, help_text="engine.alerts.RuleCheck")

    class Meta:
        ordering = ["workflow", "kind", "pool__name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="queue_wait", pool__isnull=False)
                    | Q(kind="utilization", pool__isnull=False, utilization_level__isnull=False)
                    | Q(kind="wall_clock", pool__isnull=True, tolerance__isnull=False)
                ),
                name="alertrule_kind_fields",
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1) & Q(days__lte=ALERT_MAX_DAYS), name="alertrule_days_range"
            ),
            models.CheckConstraint(
                condition=Q(wait_target_s__isnull=True)
                | (Q(wait_target_s__gte=1) & Q(wait_target_s__lte=ALERT_MAX_WAIT_S)),
                name="alertrule_wait_range",
            ),
            models.CheckConstraint(
                condition=Q(utilization_level__isnull=True)
                | (Q(utilization_level__gte=0.01) & Q(utilization_level__lte=1)),
                name="alertrule_utilization_range",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True)
                | (Q(tolerance__gte=0) & Q(tolerance__lte=ALERT_MAX_TOLERANCE)),
                name="alertrule_tolerance_range",
            ),
            models.UniqueConstraint(
                fields=["workflow", "kind", "pool"],
                condition=Q(pool__isnull=False),
                name="alertrule_one_per_pool",
            ),
            models.UniqueConstraint(
                fields=["workflow", "kind"],
                condition=Q(pool__isnull=True),
                name="alertrule_one_per_workflow",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}" + (f" on {self.pool.name}" if self.pool else "")


class AlertEventQuerySet(models.QuerySet["AlertEvent"]):
    def firing(self) -> AlertEventQuerySet:
        return self.filter(resolved_at__isnull=True)


class AlertEvent(models.Model):
    """One time a rule fired: from the day it started to the day it cleared. Its emails are
    claimed by setting `*_mailed_at`, so each is sent once whoever evaluates."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="events")
    over_since = models.DateField(help_text="First day of the run of days over the threshold")
    fired_on = models.DateField(help_text="The day the run reached the rule's days")
    fired_at = models.DateTimeField(default=timezone.now)
    threshold = models.FloatField()
    figures = models.JSONField(default=list, help_text="The days that fired it: day, value")
    latest_day = models.DateField()
    latest_value = models.FloatField(null=True, blank=True)
    resolved_on = models.DateField(null=True, blank=True, help_text="The first day not over")
    resolved_at = models.DateTimeField(null=True, blank=True)
    fired_mailed_at = models.DateTimeField(null=True, blank=True)
    resolved_mailed_at = models.DateTimeField(null=True, blank=True)

    objects = AlertEventQuerySet.as_manager()

    class Meta:
        ordering = ["-fired_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule"],
                condition=Q(resolved_at__isnull=True),
                name="alertevent_one_open_per_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} since {self.over_since}"
