from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from decider.web.views import (
    adoptions,
    alerts,
    compare,
    dashboard,
    errors,
    github,
    glossary,
    health,
    monitor,
    pdfs,
    pools,
    prices,
    repositories,
    scenarios,
    teams,
    webhooks,
)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("help/", glossary.help_page, name="help"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("repositories/new/", dashboard.repository_create, name="repository_create"),
    path("repositories/<int:repository_id>/", repositories.repository_detail, name="repository"),
    path(
        "repositories/<int:repository_id>/delete/",
        repositories.repository_delete,
        name="repository_delete",
    ),
    path(
        "workflows/<int:workflow_id>/delete/",
        repositories.workflow_delete,
        name="workflow_delete",
    ),
    path(
        "repositories/<int:repository_id>/workflows/upload/",
        repositories.workflow_upload,
        name="workflow_upload",
    ),
    path(
        "repositories/<int:repository_id>/runs/upload/",
        repositories.runs_upload,
        name="runs_upload",
    ),
    path(
        "repositories/<int:repository_id>/webhook/secret/",
        webhooks.webhook_secret,
        name="webhook_secret",
    ),
    path("webhooks/github/<str:token>/", webhooks.github_webhook, name="github_webhook"),
    path(
        "repositories/<int:repository_id>/github/",
        github.connection,
        name="github_connection",
    ),
    path(
        "repositories/<int:repository_id>/github/check/",
        github.connection_check,
        name="github_connection_check",
    ),
    path("repositories/<int:repository_id>/sync/", github.sync_start, name="sync_start"),
    path(
        "repositories/<int:repository_id>/sync/progress/",
        github.sync_progress,
        name="sync_progress",
    ),
    path("repositories/<int:repository_id>/sync/cancel/", github.sync_cancel, name="sync_cancel"),
    path("teams/new/", teams.team_create, name="team_create"),
    path("teams/<slug:team_slug>/members/", teams.team_members, name="team_members"),
    path(
        "teams/<slug:team_slug>/members/<int:member_id>/role/",
        teams.member_role,
        name="member_role",
    ),
    path(
        "teams/<slug:team_slug>/members/<int:member_id>/remove/",
        teams.member_remove,
        name="member_remove",
    ),
    path("teams/<slug:team_slug>/pools/", pools.pools, name="pools"),
    path("teams/<slug:team_slug>/prices/", prices.prices, name="prices"),
    path("teams/<slug:team_slug>/prices/upload/", prices.prices_upload, name="prices_upload"),
    path(
        "teams/<slug:team_slug>/prices/<int:rate_id>/delete/",
        prices.price_delete,
        name="price_delete",
    ),
    path("teams/<slug:team_slug>/pools/upload/", pools.pools_upload, name="pools_upload"),
    path("teams/<slug:team_slug>/pools/<int:pool_id>/", pools.pool_edit, name="pool_edit"),
    path(
        "teams/<slug:team_slug>/pools/<int:pool_id>/delete/",
        pools.pool_delete,
        name="pool_delete",
    ),
    path(
        "workflows/<int:workflow_id>/scenarios/",
        scenarios.workflow_scenarios,
        name="workflow_scenarios",
    ),
    path("workflows/<int:workflow_id>/monitor/", monitor.workflow_monitor, name="workflow_monitor"),
    path(
        "workflows/<int:workflow_id>/monitor/predicted-actual/",
        monitor.workflow_monitor_comparison,
        name="workflow_monitor_comparison",
    ),
    path("workflows/<int:workflow_id>/alerts/", alerts.workflow_alerts, name="workflow_alerts"),
    path(
        "workflows/<int:workflow_id>/alerts/defaults/",
        alerts.alert_rules_defaults,
        name="alert_rules_defaults",
    ),
    path(
        "workflows/<int:workflow_id>/alerts/<int:rule_id>/",
        alerts.alert_rule_edit,
        name="alert_rule_edit",
    ),
    path(
        "workflows/<int:workflow_id>/alerts/<int:rule_id>/delete/",
        alerts.alert_rule_delete,
        name="alert_rule_delete",
    ),
    path(
        "workflows/<int:workflow_id>/monitor/follow-up.pdf",
        pdfs.followup_pdf,
        name="followup_pdf",
    ),
    path(
        "workflows/<int:workflow_id>/adoptions/<int:adoption_id>/follow-up.pdf",
        pdfs.adoption_followup_pdf,
        name="adoption_followup_pdf",
    ),
    path(
        "workflows/<int:workflow_id>/scenarios/new/",
        scenarios.scenario_new,
        name="scenario_new",
    ),
    path(
        "workflows/<int:workflow_id>/scenarios/calculate/",
        scenarios.scenario_calculate,
        name="scenario_calculate",
    ),
    path(
        "workflows/<int:workflow_id>/scenarios/verdict/",
        scenarios.scenario_verdict,
        name="scenario_verdict",
    ),
    path(
        "workflows/<int:workflow_id>/scenarios/save/",
        scenarios.scenario_create,
        name="scenario_create",
    ),
    path("scenarios/compare/", compare.scenario_compare, name="scenario_compare"),
    path("scenarios/compare/pdf/", pdfs.scenario_compare_pdf, name="scenario_compare_pdf"),
    path("scenarios/<int:scenario_id>/pdf/", pdfs.scenario_pdf, name="scenario_pdf"),
    path("scenarios/<int:scenario_id>/", scenarios.scenario_detail, name="scenario"),
    path(
        "scenarios/<int:scenario_id>/versions/",
        scenarios.scenario_versions,
        name="scenario_versions",
    ),
    path(
        "scenarios/<int:scenario_id>/versions/<int:number>/",
        scenarios.scenario_version,
        name="scenario_version",
    ),
    path(
        "scenarios/<int:scenario_id>/versions/<int:number>/restore/",
        scenarios.scenario_restore,
        name="scenario_restore",
    ),
    path(
        "scenarios/<int:scenario_id>/versions/<int:number>/pdf/",
        pdfs.scenario_version_pdf,
        name="scenario_version_pdf",
    ),
    path(
        "scenarios/<int:scenario_id>/versions/<int:number>/adopt/",
        adoptions.version_adopt,
        name="version_adopt",
    ),
    path(
        "scenarios/<int:scenario_id>/refresh/",
        scenarios.scenario_refresh,
        name="scenario_refresh",
    ),
    path(
        "scenarios/<int:scenario_id>/duplicate/",
        scenarios.scenario_duplicate,
        name="scenario_duplicate",
    ),
    path(
        "scenarios/<int:scenario_id>/delete/",
        scenarios.scenario_delete,
        name="scenario_delete",
    ),
    path("teams/<slug:team_slug>/scenarios/", scenarios.team_scenarios, name="team_scenarios"),
    path("admin/", admin.site.urls),
]

# htmx requests get one plain sentence for the panel (decider/web/views/errors.py).
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
