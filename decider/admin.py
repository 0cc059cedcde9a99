from django.contrib import admin

from decider.models import (
    Adoption,
    Job,
    JobRun,
    Membership,
    PriceRate,
    Repository,
    RunnerPool,
    Scenario,
    Team,
    Workflow,
    WorkflowRun,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["role", "team"]


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "created_at"]
    list_filter = ["team"]
    search_fields = ["name"]


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    list_display = ["name", "path", "repository", "imported_at"]
    list_filter = ["repository__team"]
    search_fields = ["name", "path"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "workflow", "kind", "order"]
    list_filter = ["kind", "workflow"]
    search_fields = ["name", "key"]
    filter_horizontal = ["needs"]


@admin.register(RunnerPool)
class RunnerPoolAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "team",
        "runners",
        "monthly_cost_usd_per_runner",
        "baseline_utilization",
    ]
    list_filter = ["team"]


@admin.register(WorkflowRun)
class WorkflowRunAdmin(admin.ModelAdmin):
    list_display = ["github_run_id", "workflow", "created_at", "branch", "event"]
    list_filter = ["workflow"]


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "run", "duration_s", "started_at", "conclusion"]
    list_filter = ["job__workflow", "conclusion"]
    raw_id_fields = ["job", "run"]


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "workflow", "team", "version", "updated_at"]
    list_filter = ["team"]


@admin.register(PriceRate)
class PriceRateAdmin(admin.ModelAdmin):
    """The book's rows (no team) are GitHub's rates: admins correct them or add new dated rows."""

    list_display = ["size", "team", "usd_per_minute", "effective_from", "effective_to", "kind"]
    list_filter = ["kind", "team"]
    search_fields = ["size", "label", "vendor"]


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ["version", "workflow", "live_on", "approved_by", "budget_usd_per_month"]
    list_filter = ["workflow__repository__team"]
    list_select_related = ["version", "workflow"]
    raw_id_fields = ["version", "workflow", "recorded_by"]
    search_fields = ["approved_by", "note"]
