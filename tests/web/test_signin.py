"""Sign-in throttling: 5 failures per username or per address lock it for 15 minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-ins"


def _sign_in(username: str, password: str, address: str = "10.0.0.1", **headers: str):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response, client


def _fail(times: int, username: str = "ed", address: str = "10.0.0.1") -> None:
    for _ in range(times):
        response, _ = _sign_in(username, "wrong", address)
        assert response.status_code in (200, 429)


@pytest.fixture
def ed():
    return UserFactory(username="ed")


def test_four_failures_still_let_the_right_password_in(ed) -> None:
    _fail(4)
    response, client = _sign_in("ed", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(ed.pk)


def test_the_fifth_failure_locks_the_user_with_a_clear_message(ed) -> None:
    _fail(4)
    response, _ = _sign_in("ed", "wrong")
    assert response.status_code == 429
    text = response.content.decode()
    assert LOCKED in text
    assert "Try again in 15 minutes, or ask an admin to unlock it." in text
    assert 'name="username"' in text  # the form is still there, with the name kept
    assert 'value="ed"' in text


def test_a_locked_user_cannot_sign_in_even_with_the_right_password_from_anywhere(ed) -> None:
    _fail(5)
    response, client = _sign_in("ed", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_failures_from_one_address_lock_that_address_for_every_user() -> None:
    UserFactory(username="ann")
    for name in ("a", "b", "c", "d", "e"):
        _sign_in(name, "wrong", address="10.6.6.6")
    assert _sign_in("ann", PASSWORD, address="10.6.6.6")[0].status_code == 429
    assert _sign_in("ann", PASSWORD, address="10.7.7.7")[0].status_code == 302


def test_the_lock_lifts_after_the_cool_off(ed) -> None:
    _fail(5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _sign_in("ed", PASSWORD)[0].status_code == 302


def test_a_success_clears_the_count(ed) -> None:
    _fail(4)
    assert _sign_in("ed", PASSWORD)[0].status_code == 302
    _fail(4)
    assert _sign_in("ed", PASSWORD)[0].status_code == 302


@pytest.mark.parametrize(
    ("command", "argument"),
    [("axes_reset_username", "ed"), ("axes_reset_ip", "10.0.0.1"), ("axes_reset", None)],
)
def test_an_admin_unlocks_from_the_command_line(ed, command, argument) -> None:
    _fail(5, address="10.0.0.1")
    call_command(command, *([argument] if argument else []), verbosity=0)
    if command == "axes_reset_ip":  # the username is still locked from elsewhere too
        call_command("axes_reset_username", "ed", verbosity=0)
    assert _sign_in("ed", PASSWORD)[0].status_code == 302


def test_an_admin_sees_and_unlocks_in_the_admin(ed) -> None:
    _fail(5)
    admin = Client()
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert b"ed" in listing.content
    attempt = AccessAttempt.objects.get(username="ed")
    response = admin.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert _sign_in("ed", PASSWORD)[0].status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_lock() -> None:
    for name in ("a", "b", "c", "d", "e"):
        _sign_in(name, "wrong", "10.6.6.6", HTTP_X_FORWARDED_FOR=f"192.0.2.{len(name) + ord(name)}")
    UserFactory(username="ann")
    response, _ = _sign_in("ann", PASSWORD, "10.6.6.6", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.254"
    for name in ("a", "b", "c", "d", "e"):  # the client forges a left entry each time
        _sign_in(name, "wrong", proxy, HTTP_X_FORWARDED_FOR=f"1.1.1.{ord(name)}, 203.0.113.5")
    UserFactory(username="ann")
    locked, _ = _sign_in("ann", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert locked.status_code == 429
    other, _ = _sign_in("ann", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 302
