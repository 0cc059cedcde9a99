"""decider settings: one module, driven by the environment (see README, Configuration)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from decider.production import DEVELOPMENT_SECRET_KEY

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("DEBUG", False)
# Without SECRET_KEY, the committed development key; the web server refuses to start on it
# when DEBUG is off (decider/production.py), commands and tests may use it.
SECRET_KEY = os.environ.get("SECRET_KEY", "") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
# The hosts a GitHub connection typed in the web may call: a URL a user types must not reach a
# service inside the network (cloud metadata, databases). Add a GitHub Enterprise Server host
# here; loopback (the fake GitHub API of `make fake-github`) only in development.
GITHUB_API_HOSTS = [
    host.strip().lower()
    for host in os.environ.get(
        "GITHUB_API_HOSTS", "api.github.com" + (",127.0.0.1,localhost" if DEBUG else "")
    ).split(",")
    if host.strip()
]
# Fernet keys (comma-separated, newest first) that encrypt stored secrets: decider/encryption.py.
ENCRYPTION_KEY = os.environ.get("ENCRYPTION_KEY", "")
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "decider",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "decider.web.middleware.private_no_store",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into our lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "decider.web.urls"
WSGI_APPLICATION = "decider.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "decider.web.context_processors.menu",
            ],
            # Figures read the same on pages and in PDFs: |duration, |usd, |percent, ...
            "builtins": ["decider.adapter.template_filters"],
        },
    },
]

_DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
# PostgreSQL: keep a connection for a minute instead of opening one per request, checked before
# reuse so a restarted server costs one failed request at most. SQLite opens a file: no gain.
_CONN_MAX_AGE_DEFAULT = "60" if _DATABASE_URL.startswith(("postgres", "postgis")) else "0"
DATABASES = {
    "default": dj_database_url.parse(
        _DATABASE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", _CONN_MAX_AGE_DEFAULT)),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take SQLite's lock when their transaction begins and wait up to 30 s for it,
    # so two imports at once queue instead of failing with "database is locked". Tests use
    # a file, not shared-cache memory, where a second writer fails at once whatever the wait.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 30}
    )
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(BASE_DIR / "test-db.sqlite3")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cached verdicts (decider/adapter/running.py: a simulation of a few hundred ms of CPU, the same
# for the same inputs). With CACHE_DIR set, every process of the server reads and writes one
# directory, so a verdict one gunicorn worker simulated (the live what-if) answers the page the
# other worker serves after the save; without it each process keeps its own (development,
# tests). One directory per database: keys name rows by id.
_CACHE_DIR = os.environ.get("CACHE_DIR", "").strip()
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": _CACHE_DIR,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
        if _CACHE_DIR
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (django-axes): 5 failed sign-ins for one username, or from one address,
# lock that username or address for 15 minutes; each attempt while locked starts the 15 minutes
# again. A successful sign-in clears the count. Unlock early with `manage.py axes_reset_username
# NAME` / `axes_reset_ip ADDRESS` / `axes_reset`, or by deleting the access attempts in /admin/.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "decider.web.signin.locked_out"
AXES_CLIENT_IP_CALLABLE = "decider.web.signin.client_address"
# How many proxies in front of the app append to X-Forwarded-For (0: clients connect directly).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Serve straight from static/ and app folders until collectstatic has run (dev, tests).
WHITENOISE_USE_FINDERS = True

# Uploads are read into memory and parsed; the importers refuse files over their own limits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The what-if form posts about two fields per job (override, estimate) and its ticked milestone
# jobs; its edges travel in one field. Workflows stop at 2,000 jobs (importers/workflow_yaml.py),
# so 10,000 fields fit any of them; the byte limit above still bounds what is parsed.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
CSRF_FAILURE_VIEW = "decider.web.views.errors.csrf_failure"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Built-in CSP (Django 6): no inline script or style, nonces for the few script tags we emit.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token travels in hx-headers on <body>
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG and _env_bool("SECURE_SSL", False):
    # TLS ends at the proxy: it must set X-Forwarded-Proto (to "https" on HTTPS requests, and
    # overwrite any the client sent), or every request looks like plain HTTP and redirects forever.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Load balancers probe over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# PDFs one process lays out at once (WeasyPrint holds a core for seconds each); more are
# refused with 503 and Retry-After instead of queueing behind them.
PDF_MAX_CONCURRENT_RENDERS = int(os.environ.get("PDF_MAX_CONCURRENT_RENDERS", "2"))
PDF_RETRY_AFTER_S = 10

# Webhook deliveries: GitHub caps a payload at 25 MB; workflow_job and workflow_run deliveries
# are a few tens of kB, so anything far larger is refused before it is read.
WEBHOOK_MAX_BODY_BYTES = int(os.environ.get("WEBHOOK_MAX_BODY_BYTES", str(1024 * 1024)))
# Alert emails (docs/alerts.md), through Django's mailers: development (DEBUG) prints them on
# the console; production sends through SMTP with the EMAIL_* variables. EMAIL_BACKEND (a
# backend's dotted path) overrides either, e.g. the locmem backend in tests.
_EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": (
            {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": _env_bool("EMAIL_USE_TLS", False),
                "timeout": 20,
            }
            if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "decider@localhost")
# Where emails' links point: the address people open decider at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Background work (a GitHub sync) runs on `manage.py sync_worker`, a database-backed worker
# (django-tasks-db), never in a request.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
