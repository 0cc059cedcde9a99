"""What the web server refuses to start without when DEBUG is off.

The check runs where the site starts serving (`decider.wsgi`, which `runserver` and gunicorn
load), not in settings: commands, tests and type checks read the settings too and sign nothing,
so they may run on the development key.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Committed to the repository, so it protects nothing: only for DEBUG runs.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-production"


def require_secret_key() -> None:
    if settings.DEBUG:
        return
    if settings.SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
        raise ImproperlyConfigured(
            "SECRET_KEY is unset (or is the development key) and DEBUG is off: set SECRET_KEY "
            "to a long random value, e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))', or DEBUG=true for local development."
        )
