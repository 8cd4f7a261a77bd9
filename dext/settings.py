"""Settings for dext, read from the environment (12-factor, django-environ).

Every variable is documented in ``.env.example``. Secrets have no production
defaults: with ``DEBUG`` off a missing secret stops start-up with
``ImproperlyConfigured``. A ``.env`` file beside ``manage.py`` is read when present;
real environment variables always win over it.
"""

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from dext.observability.logs import logging_config
from dext.observability.sentry import init_sentry

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (see .env.example)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public base URL of this deployment, used to build absolute URLs outside a
# request (OAuth redirect URI, links in emails).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Xero ----------------------------------------------------------------------
# With no XERO_CLIENT_ID the product talks to the local sandbox (xero_sandbox/),
# mounted on this same server; with one, to the real Xero hosts. The product code is
# the same either way: only these URLs differ.
XERO_CLIENT_ID = env("XERO_CLIENT_ID", default="")
XERO_SANDBOX = env.bool("XERO_SANDBOX", default=not XERO_CLIENT_ID)
XERO_SANDBOX_ALLOW_PRODUCTION = env.bool("XERO_SANDBOX_ALLOW_PRODUCTION", default=False)
XERO_SANDBOX_CLIENT_ID = "dext-sandbox-app"
XERO_SANDBOX_CLIENT_SECRET = "dext-sandbox-secret"
if XERO_SANDBOX and not XERO_CLIENT_ID:
    XERO_CLIENT_ID = XERO_SANDBOX_CLIENT_ID
    _xero_secret_default = XERO_SANDBOX_CLIENT_SECRET
    _xero_base = f"{SITE_URL}/xero-sandbox"
    _xero_defaults = {
        "login": f"{_xero_base}/login/identity/connect/authorize",
        "identity": f"{_xero_base}/identity",
        "api": f"{_xero_base}/api",
        "go": f"{_xero_base}/go",
    }
else:
    _xero_secret_default = ""
    _xero_defaults = {
        "login": "https://login.xero.com/identity/connect/authorize",
        "identity": "https://identity.xero.com",
        "api": "https://api.xero.com",
        "go": "https://go.xero.com",
    }
XERO_CLIENT_SECRET = env("XERO_CLIENT_SECRET", default=_xero_secret_default)
XERO_REDIRECT_URI = env(
    "XERO_REDIRECT_URI", default=f"{SITE_URL}/settings/connections/xero/callback/"
)
XERO_LOGIN_URL = env("XERO_LOGIN_URL", default=_xero_defaults["login"])
XERO_IDENTITY_URL = env("XERO_IDENTITY_URL", default=_xero_defaults["identity"]).rstrip("/")
XERO_API_URL = env("XERO_API_URL", default=_xero_defaults["api"]).rstrip("/")
# Where "View in Xero" links go (Xero's deep links: https://developer.xero.com/documentation/guides/how-to-guides/deep-link-xero/).
XERO_GO_URL = env("XERO_GO_URL", default=_xero_defaults["go"]).rstrip("/")
# The largest file dext attaches to a document in Xero; larger ones are compressed first.
# Xero's sources say 3 MB (support), 10 MB or 25 MB (API docs): the default is the strictest.
XERO_ATTACHMENT_MAX_BYTES = env.int("XERO_ATTACHMENT_MAX_BYTES", default=3 * 1024 * 1024)
# Reading back the status of published documents (publishing/services/statuses.py): every
# this many minutes, what changed in Xero since the last poll (If-Modified-Since). Bank
# transactions always (Xero sends no webhooks for them); invoices and credit notes only
# without webhooks (no XERO_WEBHOOK_KEY), unless XERO_STATUS_POLL_ALL is on.
XERO_STATUS_POLL_MINUTES = env.int("XERO_STATUS_POLL_MINUTES", default=5)
XERO_STATUS_POLL_ALL = env.bool("XERO_STATUS_POLL_ALL", default=False)
XERO_SCOPES = env(
    "XERO_SCOPES",
    default=(
        "openid profile email offline_access accounting.invoices accounting.payments "
        "accounting.banktransactions accounting.contacts accounting.settings.read "
        "accounting.attachments"
    ),
)
XERO_USE_PKCE = env.bool("XERO_USE_PKCE", default=False)
# Redirect URIs the sandbox's built-in web app accepts (exact match, as Xero).
XERO_SANDBOX_REDIRECT_URIS = env.list("XERO_SANDBOX_REDIRECT_URIS", default=[XERO_REDIRECT_URI])
# Seconds before a request to Xero gives up (connect, read).
XERO_HTTP_TIMEOUT = (env.float("XERO_CONNECT_TIMEOUT", default=10.0), env.float("XERO_READ_TIMEOUT", default=60.0))
# Xero webhooks (https://developer.xero.com/documentation/guides/webhooks/overview/): the
# "webhooks key" of the app in Xero's developer portal. Unset: no webhooks, dext polls.
XERO_WEBHOOK_KEY = env("XERO_WEBHOOK_KEY", default="")
# The sandbox's webhook subscription: where it delivers and the key it signs with.
# Empty URL: SITE_URL + /webhooks/xero/ (read when delivering); empty key: XERO_WEBHOOK_KEY.
XERO_SANDBOX_WEBHOOK_URL = env("XERO_SANDBOX_WEBHOOK_URL", default="")
XERO_SANDBOX_WEBHOOK_KEY = env("XERO_SANDBOX_WEBHOOK_KEY", default="")

# Our own per-organisation limiter stays under Xero's limits (5 in flight, 60 a minute,
# 5,000 a day). A benchmark against a time-scaled sandbox shrinks window_seconds.
XERO_RATE_LIMITS = {
    "concurrent": env.int("XERO_RATE_CONCURRENT", default=5),
    "per_minute": env.int("XERO_RATE_PER_MINUTE", default=60),
    "window_seconds": env.float("XERO_RATE_WINDOW_SECONDS", default=60.0),
    "per_day": env.int("XERO_RATE_PER_DAY", default=5000),
}
XERO_RATE_LIMIT_NAMESPACE = env("XERO_RATE_LIMIT_NAMESPACE", default="dext")

# --- Encryption of tokens at rest ---------------------------------------------------
# One or more Fernet keys, comma-separated, newest first (MultiFernet: rotate by
# putting the new key first and keeping the old one until re-encrypted).
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[])
if not FIELD_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY is not set. Generate one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
        )
    FIELD_ENCRYPTION_KEY = [
        base64.urlsafe_b64encode(hashlib.sha256(SECRET_KEY.encode()).digest()).decode()
    ]

# --- Applications ---------------------------------------------------------------------
INSTALLED_APPS = [
    # Django's admin on a site that requires two-factor (dext/accounts/admin_site.py).
    "dext.accounts.admin_site.SupportAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "csp",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_structlog",
    "dext.observability",
    "dext.tenancy",
    "dext.accounts",
    "connections",
    "lists",
    "items",
    "capture",
    "publishing",
    "practice",
]
if XERO_SANDBOX:
    INSTALLED_APPS += ["xero_sandbox", "xero_sandbox.accounting"]
    # The sandbox takes raw attachment bodies up to Xero's 10 MB limit (and answers 413
    # above it, as Xero does), so it must be allowed to read them.
    DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

MIDDLEWARE = [
    # /healthz answers before host checks and the HTTPS redirect (a load balancer probes by IP).
    "dext.observability.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dext.tenancy.middleware.CurrentBusinessMiddleware",
    # A request id, the user and the business on every log line of the request.
    "django_structlog.middlewares.RequestMiddleware",
    "dext.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dext.urls"
WSGI_APPLICATION = "dext.wsgi.application"

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
                "dext.tenancy.context_processors.tenancy",
                "connections.context_processors.connection_banner",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Default: an SQLite file under var/, in WAL mode with a busy timeout and IMMEDIATE
# transactions so the web server and the Celery worker can write side by side.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes' backend first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = ["dext.accounts.backends.LoginThrottleBackend", "dext.tenancy.auth.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Two-factor authentication (django-otp; dext/accounts/two_factor.py) ------------------
# An authenticator app (TOTP) plus 10 single-use recovery codes. Support staff must use
# it; an administrator can make it mandatory for a business (Business Settings → Security).
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="dext")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Sign-in throttling ------------------------------------------------------------------
# Login (django-axes): after LOGIN_FAILURE_LIMIT failures for one account, or from one
# address, logging in is refused for LOGIN_LOCKOUT_MINUTES (a failure meanwhile starts
# the wait again). Support staff unlock in the admin (Axes → Access attempts: delete).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Failures count until they are LOGIN_LOCKOUT_MINUTES old, even after a successful login:
# resetting on success would let an attacker clear the count of their address by logging
# in to an account of their own between guesses.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_CALLABLE = "dext.accounts.throttle.login_username"
AXES_LOCKOUT_CALLABLE = "dext.accounts.throttle.login_locked_out"
# Log lines name the account and address (support needs them); passwords are always masked.
AXES_SENSITIVE_PARAMETERS: list[str] = []
# The client address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies (a load
# balancer) the address they put in X-Forwarded-For. Never trust that header otherwise:
# an attacker would pick a new address for every try.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
# Password reset and sign-up (dext/accounts/throttle.py): requests per email address and
# per client address in a sliding window.
SIGN_IN_THROTTLES = {
    "password_reset": {"per_account": 5, "per_address": 20, "minutes": 60},
    "signup": {"per_account": 5, "per_address": 10, "minutes": 60},
}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": env("DEFAULT_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Xero's attachment limit is 10 MB; uploads above it are refused before they are read.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# The most pixels an uploaded image may decode to (a phone photo is 12-24 Mpx); a JPEG may
# claim up to 64 times more, as it is decoded at 1/8 scale. Above: "too large to read".
DOCUMENT_MAX_PIXELS = env.int("DOCUMENT_MAX_PIXELS", default=25_000_000)
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("DATA_UPLOAD_MAX_NUMBER_FILES", default=20)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Email ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="dext <no-reply@dext.localhost>")

# --- Celery ---------------------------------------------------------------------------
# Default: kombu's filesystem transport under var/, so a first run needs no server.
# Production and CI: redis://.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
# Redis hands a task whose worker died (never acknowledged) to another worker after the
# visibility timeout; kombu looks for such tasks every interval x throttle seconds. Tests
# that kill workers shorten the timeout, and the look-ups with it.
_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 10 if _VISIBILITY_TIMEOUT >= 1000 else 1,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    for _d in (_queue_dir, _processed_dir):
        _d.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS.update(
        {
            "data_folder_in": str(_queue_dir),
            "data_folder_out": str(_queue_dir),
            "processed_folder": str(_processed_dir),
            "store_processed": False,
        }
    )
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker takes a message only when one of its processes is free (Redis; Celery 5.6+), so
# a worker that dies holds only the tasks it was running: their publications' leases run
# out and the sweeper queues them again, instead of waiting for the visibility timeout.
# (Redis only: Celery ignores it, with a warning, on other brokers.)
CELERY_WORKER_DISABLE_PREFETCH = CELERY_BROKER_URL.startswith("redis")
# Where tasks are sent, including those a task sends itself (a test's worker consumes
# its own queue name).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Reading documents (OCR) has a queue and a worker of its own (bin/run, docker-compose), so
# a burst of uploads never holds up publishing or list refreshes.
CAPTURE_QUEUE = env("CAPTURE_QUEUE", default="capture")
CELERY_TASK_ROUTES = {"capture.*": {"queue": CAPTURE_QUEUE}}
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks. Each app's tasks module defines the task; the schedule lives here.
# Daily and 6-hourly jobs run at fixed times (crontab, UTC), so a restart of beat never
# restarts their clock; beat remembers when each entry last ran in its schedule file
# (kept on a volume in docker-compose.yml), so a run that fell due while beat was down
# runs as soon as it is back.
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", default=str(VAR_DIR / "celerybeat-schedule"))
CELERY_BEAT_SCHEDULE: dict = {
    "connections-health-check": {"task": "connections.health_check_all", "schedule": crontab(minute=10, hour=3)},
    # Xero's refresh tokens lapse after 60 days unused; connections idle for 30 are refreshed.
    "connections-keep-alive": {"task": "connections.keep_alive_idle", "schedule": crontab(minute=40, hour=3)},
    # Token sets of Connect attempts abandoned after Xero's callback are removed and revoked.
    "connections-purge-abandoned-attempts": {
        "task": "connections.purge_abandoned_attempts",
        "schedule": crontab(minute="*/15"),
    },
    # Re-queue publishes a dead worker or a lost message left behind.
    # Every 15 s: with a 30 s lease, a dead worker's publications move on within a minute.
    "publishing-sweep": {"task": "publishing.sweep", "schedule": 15.0},
    # Re-queue documents a dead capture worker or a lost message left Processing.
    "capture-sweep": {"task": "capture.sweep", "schedule": 60.0},
    # Every connected business's Xero lists, every 6 hours (lists/tasks.py).
    "lists-refresh-all": {"task": "lists.refresh_all", "schedule": crontab(minute=20, hour="*/6")},
    # Xero webhook events stored but not processed (a worker was down, a message was lost).
    "connections-webhooks-sweep": {"task": "connections.webhooks_sweep", "schedule": 60.0},
    # What happened in Xero to published documents (paid, voided, deleted), by polling.
    "publishing-poll-statuses": {"task": "publishing.poll_statuses", "schedule": XERO_STATUS_POLL_MINUTES * 60.0},
}
if XERO_SANDBOX:
    # The sandbox's webhook deliveries that are due (retries after a failed delivery).
    CELERY_BEAT_SCHEDULE["xero-sandbox-webhooks-deliver"] = {
        "task": "xero_sandbox.webhooks_deliver", "schedule": 15.0,
    }

# --- Redis (shared rate limiter and locks) -----------------------------------------------
REDIS_URL = env("REDIS_URL", default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")

# --- Security ---------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): scripts, styles, images and frames only from
# this site, nothing inline (templates use static .js/.css files; htmx is configured by
# a meta tag), no plugins, never framed. Forms may post here and on to Xero's login
# (Connect redirects there). A view that must differ (the document preview, framed by
# our own page) says so with csp_replace.
def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, _origin(XERO_LOGIN_URL)],
    },
}

# --- Logs, errors and health (dext/observability/) ---------------------------------------
# One line per event through structlog: JSON (for a log collector) when LOG_FORMAT=json,
# which is the default with DEBUG off; plain readable lines otherwise. Each line carries
# request_id, user_id, business_id and, in a worker, task_id; tokens, passwords and
# secrets are redacted before anything is written.
LOG_FORMAT = env("LOG_FORMAT", default="console" if DEBUG else "json")
if LOG_FORMAT not in ("json", "console"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or console.")
LOGGING = logging_config(json=LOG_FORMAT == "json", level=env("LOG_LEVEL", default="INFO"))
DJANGO_STRUCTLOG_CELERY_ENABLED = True

# Error reports to Sentry (Django and Celery) when SENTRY_DSN is set; nothing secret is sent.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="development" if DEBUG else "production"),
        release=env("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# /healthz: how long the broker may take to accept a connection, and how recent a worker's
# heartbeat must be (workers write one every 10 seconds).
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=2.0)
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=60)
