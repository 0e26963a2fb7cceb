"""Settings for the roadmap portal, read from the environment.

Without any variables set the portal runs on the embedded default that `make run` serves:
DEBUG off, an SQLite file in the project, a secret key generated into ``var/``, sessions,
cache and task queue that several processes share without a server (the database and
files under ``var/``), mail printed to the console. ``DEBUG=1`` is for development only.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# What the embedded default keeps beside the database: the generated secret key, the task
# queue and the scheduler's state. Git-ignored; the production stack does not use it.
VAR_DIR = env.path("VAR_DIR", default=BASE_DIR / "var")
SECRET_KEY_FILE = Path(VAR_DIR) / "secret_key"


def _secret_key() -> str:
    """SECRET_KEY from the environment, else the key `make run` generated, else (DEBUG only)
    a development key. Without DEBUG and without a key the portal refuses to start."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    if SECRET_KEY_FILE.exists():
        return SECRET_KEY_FILE.read_text().strip()
    if DEBUG:
        return "dev-only-insecure-key"
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable (production), "
        f"or start the portal with `make run`, which generates {SECRET_KEY_FILE}."
    )


SECRET_KEY = _secret_key()
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
# HTTPS redirects, secure cookies and HSTS follow the address the portal is served at:
# the production stack sits behind an HTTPS proxy, `make run` serves plain HTTP.
HTTPS = _site.scheme == "https"


def _list(name: str, default: list[str]) -> list[str]:
    """A comma-separated variable; unset or empty (as compose passes an unset one) gives the default."""
    return [item.strip() for item in env.str(name, default="").split(",") if item.strip()] or default


ALLOWED_HOSTS = _list("ALLOWED_HOSTS", list(dict.fromkeys([_site.hostname, "127.0.0.1", "localhost"])))
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS", [f"{_site.scheme}://{_site.netloc}"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "import_export",
    "schools",
    "roadmaps",
    "monitoring",
    # Login lockout (see the axes block below); last, so that its admin is registered after ours.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy headers (see their block below).
    "config.csp.PortalCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Login lockout: answers a locked-out login with the lockout page; last, as axes asks.
    "axes.middleware.AxesMiddleware",
    # The consent to the processing of personal data, asked of a logged-in user before any
    # page (schools/consent/middleware.py); after auth and axes, which it reads.
    "schools.consent.middleware.ConsentMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "monitoring.reminders.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # JIT compilation costs more than it saves on the dashboards' aggregates: with it, the
    # region export of bench/dashboards.py took 4.4 s against 1.8 s without (2M activities).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several web workers, the task worker and the scheduler write to one file: WAL lets
    # readers go on during a write, IMMEDIATE takes the write lock when a transaction
    # starts (so no transaction fails half-way on "database is locked"), and a writer
    # waits up to 20 s for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login lockout (django-axes): its backend comes first, so that a locked-out pair is refused
# before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Evidence files live outside the static path and are served by a guarded view only.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Outside DEBUG static files are collected (`collectstatic`) with hashed names and
    # served compressed by whitenoise, with far-future caching.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# Mail: EMAIL_URL such as smtp://user:pass@host:1025 or smtp+tls://…; console in development.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Дорожные карты <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Celery: with REDIS_URL the broker, result backend and cache are Redis (the production
# stack). Without it, the queue and the results are files under VAR_DIR, which the web
# workers, the task worker and the scheduler of `make run` share with no server; the cache
# (import previews, export jobs) is a table of the database, shared by every web worker.
REDIS_URL = env.str("REDIS_URL", default="")
TASK_DIR = Path(VAR_DIR) / "tasks"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Retried tasks must come back before Redis redelivers an unacknowledged one.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # The file queue reads and writes folders that it does not create itself.
    for folder in ("queue", "control", "results"):
        (TASK_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(TASK_DIR / "queue"),
        "data_folder_out": str(TASK_DIR / "queue"),
        "control_folder": str(TASK_DIR / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{TASK_DIR / 'results'}"
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(TASK_DIR / "beat-schedule")

# LibreOffice converts imported .doc, .rtf, .odt, .xls and .ods (roadmaps/documents/convert.py):
# the program (found on PATH unless set) and how long one conversion may take, in seconds.
SOFFICE = env.str("SOFFICE", default="") or shutil.which("soffice") or shutil.which("libreoffice") or ""
SOFFICE_TIMEOUT = env.int("SOFFICE_TIMEOUT", default=120)

# The access log (schools/audit.py) keeps events this many days; a nightly task deletes older ones.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
# An invitation's link by e-mail (schools/invitations) works this many days, once.
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# Sessions are in the database (Django's default): every web worker sees every login.

if HTTPS:
    # Behind the HTTPS reverse proxy of the production stack, which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy (django-csp): the browser runs only the portal's own files. Every
# script is a vendored or project file under static/ (no CDN, no inline <script>, no on…=
# attribute: tests/config/test_no_inline_script.py keeps it so), and htmx is told to
# evaluate nothing (templates/base.html), so script-src is 'self' alone. Styles allow
# 'unsafe-inline': the templates carry some sixty style="" attributes (bar widths, colours of
# states) and the public pages a <style> block; an injected style can restyle a page but run
# nothing, which the script rules already prevent. Pages may be framed by nobody but the
# embeddable public summary, which its view opens to every site (csp_replace in
# monitoring/publishing/views.py). CSP_REPORT_ONLY=1 sends the policy as
# Content-Security-Policy-Report-Only, to try a change on a live portal without breaking pages.
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # The admin alone adds the hash of one library handler (config/csp.py).
    "style-src": ["'self'", "'unsafe-inline'"],
    # data: for Bootstrap's icons inside its stylesheet (select arrows, the menu button).
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    # The public page settings show the embed as it looks on a site, in a frame of the portal.
    "frame-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
if CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}

# Permissions-Policy (django-permissions-policy): the portal uses none of the browser's devices
# and sensors, so no page, and no frame inside one, may ask for them. The clipboard is left at
# the browser's default (the portal's own pages): the «Копировать» buttons write to it.
# Only features Chromium knows: an unknown name makes it log an error on every page.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Proxies: the addresses or networks (172.30.0.0/24) of the reverse proxies whose
# X-Forwarded-For is believed (schools.accounts.client_ip). None by default: the client is
# REMOTE_ADDR. docker-compose.yml trusts its own network, where only the proxy talks to web.
TRUSTED_PROXIES = _list("TRUSTED_PROXIES", [])

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account from one
# address that pair is locked for AXES_COOLOFF_MINUTES. Per pair, not per address: a whole
# department may come from one address behind its proxy. A successful login clears the pair.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=30)
AXES_COOLOFF_TIME = AXES_COOLOFF_MINUTES / 60  # hours, as axes reads a number
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "schools.accounts.client_ip"

# Password reset (schools.accounts.PasswordResetView): at most so many requests per e-mail address
# typed and per client address within the window; more send no mail, with the same answer.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=20)
PASSWORD_RESET_WINDOW_MINUTES = env.int("PASSWORD_RESET_WINDOW_MINUTES", default=60)

# The consent to the processing of personal data (152-ФЗ): every user but the superusers accepts
# the text in force (published in the admin) before using the portal. Off only where the
# operator collects the consents on paper.
PERSONAL_DATA_CONSENT_REQUIRED = env.bool("PERSONAL_DATA_CONSENT_REQUIRED", default=True)

# Error pages never show settings or the environment; the development debug page (DEBUG=1)
# hides credentials written inside URLs as well (DATABASE_URL, EMAIL_URL, REDIS_URL).
DEFAULT_EXCEPTION_REPORTER_FILTER = "config.errors.ExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
