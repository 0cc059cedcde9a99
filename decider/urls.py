from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path

from decider import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
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
    path("admin/", admin.site.urls),
]
