"""GitHub webhooks: the endpoint GitHub posts to, and the secret editors create or rotate.

The endpoint is the one view without CSRF protection (GitHub cannot send a token): the
signature, checked on the raw body before anything parses it, is its protection. Refusals
are bare status codes; why is in the log, never in the response.
"""

from __future__ import annotations

import json
import logging
import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from decider.encryption import UnreadableSecret, decrypt, encrypt
from decider.importers.webhook_deliveries import receive
from decider.importers.webhook_signature import signature_matches
from decider.models import WebhookEndpoint
from decider.web import access
from decider.web.request import AuthenticatedHttpRequest

logger = logging.getLogger(__name__)

MAX_DELIVERY_ID_CHARS = 100
MAX_EVENT_CHARS = 100


def _refuse(status: int, token: str, why: str) -> HttpResponse:
    logger.warning("webhook %s… refused (%s): %s", token[:6], status, why)
    return HttpResponse(status=status)


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


@csrf_exempt
@require_POST
def github_webhook(request: HttpRequest, token: str) -> HttpResponse:
    endpoint = WebhookEndpoint.objects.select_related("team", "repository").filter(token=token)
    found = endpoint.first()
    if found is None:
        return _refuse(404, token, "no webhook has this address")
    length = _declared_length(request)
    if length is None:
        return _refuse(411, token, "no Content-Length")
    if length > settings.WEBHOOK_MAX_BODY_BYTES:
        return _refuse(413, token, f"body of {length} bytes is over the limit")
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not signature:
        return _refuse(401, token, "unsigned delivery (no X-Hub-Signature-256)")
    body = request.read(settings.WEBHOOK_MAX_BODY_BYTES + 1)
    try:
        secret = decrypt(found.secret_encrypted)
    except UnreadableSecret:
        return _refuse(403, token, "the stored secret cannot be decrypted: set it again")
    if not signature_matches(secret, body, signature):
        return _refuse(403, token, "the signature does not match the secret")
    delivery_id = request.headers.get("X-GitHub-Delivery", "")
    event = request.headers.get("X-GitHub-Event", "")
    if not delivery_id or len(delivery_id) > MAX_DELIVERY_ID_CHARS:
        return _refuse(400, token, "no usable X-GitHub-Delivery")
    if not event or len(event) > MAX_EVENT_CHARS:
        return _refuse(400, token, "no usable X-GitHub-Event")
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return _refuse(400, token, f"delivery {delivery_id[:40]} is not JSON")
    if not isinstance(payload, dict):
        return _refuse(400, token, f"delivery {delivery_id[:40]} is not a JSON object")
    _, created = receive(found, delivery_id, event, payload)
    return JsonResponse({"stored": created}, status=202 if created else 200)


@login_required
@require_POST
def webhook_secret(request: AuthenticatedHttpRequest, repository_id: int) -> HttpResponse:
    """Create or rotate the secret of this repository's webhook, or of its team's (every
    repository of the team). The new secret is shown on this answer only."""
    repository = access.repository_or_404(request, repository_id)
    access.require_editor(request, repository.team)
    for_team = request.POST.get("scope") == "team"
    secret = secrets.token_urlsafe(32)
    scope = {"team": repository.team, "repository": None if for_team else repository}
    stored = {
        "secret_encrypted": encrypt(secret),
        "created_by": request.user,
        "secret_set_at": timezone.now(),
    }
    endpoint, _ = WebhookEndpoint.objects.update_or_create(
        **scope, defaults=stored, create_defaults={**stored, "token": secrets.token_urlsafe(24)}
    )
    context = {
        "repository": repository,
        "endpoint": endpoint,
        "secret": secret,
        "for_team": for_team,
        "url": request.build_absolute_uri(reverse("github_webhook", args=[endpoint.token])),
    }
    return render(request, "decider/webhook_secret.html", context)
