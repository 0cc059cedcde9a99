"""Production settings, each read in a fresh interpreter with its own environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from decider.production import DEVELOPMENT_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {"SECRET_KEY", "DEBUG", "SECURE_SSL", "DATABASE_URL", "CONN_MAX_AGE", "CACHE_DIR"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "decider.settings"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(names: list[str], **env: str) -> dict[str, object]:
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = _python(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("secret_key", ["", DEVELOPMENT_SECRET_KEY])
def test_the_web_server_refuses_to_start_without_a_real_key_when_debug_is_off(secret_key) -> None:
    result = _python("import decider.wsgi", SECRET_KEY=secret_key, DEBUG="false")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: SECRET_KEY is unset")
    assert "set SECRET_KEY to a long random value" in last_line


@pytest.mark.parametrize(
    "env", [{"SECRET_KEY": "k" * 50, "DEBUG": "false"}, {"SECRET_KEY": "", "DEBUG": "true"}]
)
def test_the_web_server_starts_with_a_key_or_in_debug(env) -> None:
    result = _python("import decider.wsgi", **env)
    assert result.returncode == 0, result.stderr


def test_commands_and_tests_may_read_the_settings_on_the_development_key() -> None:
    assert _settings(["SECRET_KEY"], DEBUG="false") == {"SECRET_KEY": DEVELOPMENT_SECRET_KEY}


def test_secure_ssl_trusts_the_proxys_forwarded_proto_and_exempts_healthz() -> None:
    names = ["SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_REDIRECT_EXEMPT"]
    assert _settings(names, SECURE_SSL="true", SECRET_KEY="k" * 50) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_REDIRECT_EXEMPT": ["^healthz$"],
    }
    assert _settings(names)["SECURE_PROXY_SSL_HEADER"] is None


def test_postgresql_connections_are_kept_for_a_minute_and_checked_before_reuse() -> None:
    url = "postgres://decider@db.invalid:5432/decider"
    database = _settings(["DATABASES"], DATABASE_URL=url)["DATABASES"]["default"]
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)
    database = _settings(["DATABASES"], DATABASE_URL=url, CONN_MAX_AGE="5")["DATABASES"]
    assert database["default"]["CONN_MAX_AGE"] == 5
    assert _settings(["DATABASES"])["DATABASES"]["default"]["CONN_MAX_AGE"] == 0  # SQLite


@pytest.mark.django_db
def test_behind_the_proxy_https_is_served_http_redirects_and_healthz_does_not(settings) -> None:
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    client = Client()
    assert client.get("/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    redirect = client.get("/login/")
    assert redirect.status_code == 301
    assert redirect["Location"] == "https://testserver/login/"
    assert client.get("/healthz").status_code == 200


def test_with_cache_dir_the_servers_processes_share_cached_verdicts(tmp_path: Path) -> None:
    """A verdict one gunicorn worker simulated answers the next request wherever it lands."""
    setup = "import django; django.setup(); from django.core.cache import cache; "
    written = _python(setup + "cache.set('analysis:0:abc', 'figures', 60)", CACHE_DIR=str(tmp_path))
    assert written.returncode == 0, written.stderr
    read = _python(setup + "print(cache.get('analysis:0:abc'))", CACHE_DIR=str(tmp_path))
    assert read.stdout.strip() == "figures"
    alone = _python(setup + "print(cache.get('analysis:0:abc'))")
    assert alone.stdout.strip() == "None"  # without it each process keeps its own


def test_alert_emails_print_in_development_and_go_through_smtp_in_production() -> None:
    development = _settings(["MAILERS"], DEBUG="true")["MAILERS"]["default"]
    assert development == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend",
        "OPTIONS": {},
    }
    production = _settings(
        ["MAILERS", "SITE_URL", "DEFAULT_FROM_EMAIL"],
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="decider",
        EMAIL_USE_TLS="true",
        SITE_URL="https://decider.example.com",
        DEFAULT_FROM_EMAIL="ci@example.com",
    )
    mailer = production["MAILERS"]["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (mailer["OPTIONS"]["host"], mailer["OPTIONS"]["port"]) == ("smtp.example.com", 587)
    assert (mailer["OPTIONS"]["username"], mailer["OPTIONS"]["use_tls"]) == ("decider", True)
    assert production["SITE_URL"] == "https://decider.example.com"
    assert production["DEFAULT_FROM_EMAIL"] == "ci@example.com"
