from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from decider import health, pdf_views, scenario_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("repositories/new/", views.repository_create, name="repository_create"),
    path("repositories/<int:repository_id>/", views.repository_detail, name="repository"),
    path(
        "repositories/<int:repository_id>/workflows/upload/",
        views.workflow_upload,
        name="workflow_upload",
    ),
    path("repositories/<int:repository_id>/runs/upload/", views.runs_upload, name="runs_upload"),
    path("teams/<slug:team_slug>/pools/", views.pools, name="pools"),
    path("teams/<slug:team_slug>/pools/upload/", views.pools_upload, name="pools_upload"),
    path("teams/<slug:team_slug>/pools/<int:pool_id>/", views.pool_edit, name="pool_edit"),
    path(
        "workflows/<int:workflow_id>/scenarios/",
        scenario_views.workflow_scenarios,
        name="workflow_scenarios",
    ),
    path(
        "workflows/<int:workflow_id>/scenarios/new/",
        scenario_views.scenario_new,
        name="scenario_new",
    ),
    path(
        "workflows/<int:workflow_id>/scenarios/calculate/",
        scenario_views.scenario_calculate,
        name="scenario_calculate",
    ),
    path(
        "workflows/<int:workflow_id>/scenarios/verdict/",
        scenario_views.scenario_verdict,
        name="scenario_verdict",
    ),
    path(
        "workflows/<int:workflow_id>/scenarios/save/",
        scenario_views.scenario_create,
        name="scenario_create",
    ),
    path("scenarios/compare/", scenario_views.scenario_compare, name="scenario_compare"),
    path("scenarios/compare/pdf/", pdf_views.scenario_compare_pdf, name="scenario_compare_pdf"),
    path("scenarios/<int:scenario_id>/pdf/", pdf_views.scenario_pdf, name="scenario_pdf"),
    path("scenarios/<int:scenario_id>/", scenario_views.scenario_detail, name="scenario"),
    path(
        "scenarios/<int:scenario_id>/duplicate/",
        scenario_views.scenario_duplicate,
        name="scenario_duplicate",
    ),
    path(
        "scenarios/<int:scenario_id>/delete/",
        scenario_views.scenario_delete,
        name="scenario_delete",
    ),
    path("teams/<slug:team_slug>/scenarios/", scenario_views.team_scenarios, name="team_scenarios"),
    path("admin/", admin.site.urls),
]
