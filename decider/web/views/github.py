"""A repository's GitHub connection, and its syncs: start, watch (htmx polling), cancel.

The sync itself runs on the background worker (`decider.github.tasks`); these views only
write the request and read the progress row, so each is a few queries.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decider.github.connection import check_connection, save_connection
from decider.github.secrets import SecretUnreadable, decrypt
from decider.github.tasks import STALE_AFTER, cancel_sync, start_sync
from decider.models import GitHubConnection, Repository, SyncRun
from decider.web import access
from decider.web.forms.github import ConnectionForm, SyncForm
from decider.web.request import AuthenticatedHttpRequest, HtmxHttpRequest

# A queued sync no worker has picked up for this long says how to start one.
NO_WORKER_AFTER = timedelta(seconds=30)


def sync_context(request: AuthenticatedHttpRequest, repository: Repository) -> dict[str, object]:
    """What the repository page's GitHub card and the progress panel show."""
    sync = SyncRun.objects.filter(repository=repository).first()
    now = timezone.now()
    stalled = (
        sync is not None
        and sync.state == SyncRun.State.RUNNING
        and (sync.heartbeat_at is None or now - sync.heartbeat_at > STALE_AFTER)
    )
    waiting = (
        sync is not None
        and sync.state == SyncRun.State.QUEUED
        and now - sync.created_at > NO_WORKER_AFTER
    )
    return {
        "repository": repository,
        "can_edit": access.is_editor(request, repository.team),
        "connection": GitHubConnection.objects.filter(repository=repository).first(),
        "sync": sync,
        "sync_stalled": stalled,
        "sync_waiting": waiting,
        "sync_form": SyncForm(),
    }


def _panel(request: AuthenticatedHttpRequest, repository: Repository) -> HttpResponse:
    return render(request, "decider/repository.html#sync-panel", sync_context(request, repository))


@login_required
@require_http_methods(["GET", "POST"])
def connection(request: AuthenticatedHttpRequest, repository_id: int) -> HttpResponse:
    repository = access.repository_or_404(request, repository_id)
    access.require_editor(request, repository.team)
    existing = GitHubConnection.objects.filter(repository=repository).first()
    form = ConnectionForm(
        request.POST or None,
        existing=existing,
        initial={
            "kind": existing.kind,
            "api_url": existing.api_url,
            "app_id": existing.app_id,
            "installation_id": existing.installation_id,
        }
        if existing
        else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            secret = form.secret() or (decrypt(existing.secret) if existing else "")
        except SecretUnreadable as error:
            form.add_error(None, str(error))
        else:
            save_connection(
                repository,
                kind=form.cleaned_data["kind"],
                api_url=form.cleaned_data["api_url"],
                secret=secret,
                app_id=form.cleaned_data.get("app_id"),
                installation_id=form.cleaned_data.get("installation_id"),
                user=request.user,
            )
            messages.success(
                request, f"{repository.name} is connected to GitHub. Test it, then sync."
            )
            return redirect("github_connection", repository_id=repository.pk)
    context = {"repository": repository, "form": form, "connection": existing}
    return render(request, "decider/github_connection.html", context)


@login_required
@require_POST
def connection_check(request: AuthenticatedHttpRequest, repository_id: int) -> HttpResponse:
    repository = access.repository_or_404(request, repository_id)
    access.require_editor(request, repository.team)
    row = get_object_or_404(GitHubConnection, repository=repository)
    checks = check_connection(row)
    if all(check.ok for check in checks):
        messages.success(request, "The connection can read everything a sync needs.")
    else:
        messages.warning(request, "The connection cannot read everything a sync needs: see below.")
    return redirect("github_connection", repository_id=repository.pk)


@login_required
@require_POST
def sync_start(request: HtmxHttpRequest, repository_id: int) -> HttpResponse:
    repository = access.repository_or_404(request, repository_id)
    access.require_editor(request, repository.team)
    form = SyncForm(request.POST)
    if not GitHubConnection.objects.filter(repository=repository).exists():
        messages.error(request, "Connect the repository to GitHub first.")
    elif not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors.get("days", [])))
    else:
        since = timezone.now() - timedelta(days=form.cleaned_data["days"])
        _, started = start_sync(repository, since, request.user)
        if not started:
            messages.info(request, "A sync of this repository is already under way.")
    if request.htmx:
        return _panel(request, repository)
    return redirect(reverse("repository", args=[repository.pk]) + "#github")


@login_required
@require_GET
def sync_progress(request: AuthenticatedHttpRequest, repository_id: int) -> HttpResponse:
    return _panel(request, access.repository_or_404(request, repository_id))


@login_required
@require_POST
def sync_cancel(request: HtmxHttpRequest, repository_id: int) -> HttpResponse:
    repository = access.repository_or_404(request, repository_id)
    access.require_editor(request, repository.team)
    sync = SyncRun.objects.filter(repository=repository, state__in=SyncRun.ACTIVE).first()
    if sync is not None:
        cancel_sync(sync)
    if request.htmx:
        return _panel(request, repository)
    return redirect(reverse("repository", args=[repository.pk]) + "#github")
