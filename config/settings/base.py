"""Base settings: everything is read from the environment, with embedded defaults.

The defaults give a working development site on a bare machine: SQLite, tasks run
inline, development keys in the ignored `.devkeys/` folder. `production.py` removes
every default that is unsafe. See .env.example for the full list of variables.
"""

from __future__ import annotations

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from config.settings.environment import BASE_DIR, env

# ------------------------------------------------------------------------------
# Environment
# ------------------------------------------------------------------------------
# "development", "test" or "production"; commands such as seed_demo refuse production.
ENVIRONMENT = "development"

# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
# Development-only key; production.py requires DJANGO_SECRET_KEY and refuses this one.
DEV_SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------------------
# Applications (dependency order of DESIGN.md: core, encryption, audit <- accounts
# <- referrals <- channel <- closure; benchmarking reads the others)
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # django.contrib.admin, with our site: a signed-in user who is not staff gets a 403 page (docs/access.md).
    "accounts.admin_site.PreventAdminConfig",
    "django.forms",
]
THIRD_PARTY_APPS = [
    "django_fsm",
    "guardian",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
]
LOCAL_APPS = [
    "core",
    "encryption",
    "audit",
    "accounts",
    "referrals",
    "mash",
    "channel",
    "closure",
    "benchmarking",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# ------------------------------------------------------------------------------
# Middleware
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestIdMiddleware",
    "encryption.middleware.DataKeyScopeMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Idle and absolute session limits, and "sign out everywhere" (docs/access.md).
    "accounts.middleware.SessionLimitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # No page past sign-in without a verified second factor (enrolment is forced on first sign-in).
    "accounts.middleware.VerifiedDeviceMiddleware",
    # Every 403, and every 404 on a case URL, becomes an audit event (after auth, so the actor is known).
    "audit.middleware.AccessRefusedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A view's empty 405 (a GET on a form's POST-only address) becomes the GOV.UK page.
    "config.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.NoStoreMiddleware",
    # django-axes last: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# ------------------------------------------------------------------------------
# Databases: DATABASE_URL, SQLite by default
# ------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# On PostgreSQL the application connects as a role that owns nothing (docs/audit.md "Who owns the tables").
# Only the migrate service also gets DATABASE_MIGRATE_URL, the owner's: it then connects as the owner, migrates,
# and `grant_app_role` grants DATABASE_URL's role (DATABASE_APP_ROLE) exactly what the application needs.
DATABASE_APP_ROLE = DATABASES["default"].get("USER", "")
if env.str("DATABASE_MIGRATE_URL", default="").strip():
    DATABASES = {"default": env.db("DATABASE_MIGRATE_URL")}
# Each service owns its transaction; ATOMIC_REQUESTS would roll back refusal events (STYLE.md 6).
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))


def postgresql_binding(database: dict) -> dict:
    """PostgreSQL: parameters bound by the server, and a statement run DATABASE_PREPARE_THRESHOLD times on one
    connection prepared (planned once): half the server time of a submission (docs/referrals.md "Benchmark").
    Both are Django's documented OPTIONS. DATABASE_PREPARE_THRESHOLD=off behind a transaction-pooling proxy."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["server_side_binding"] = str(options.get("server_side_binding", True)).lower() in {"true", "1"}
        threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="5").strip().lower()
        options.setdefault("prepare_threshold", None if threshold in {"", "off"} else int(threshold))
    return database


def sqlite_locking(database: dict) -> dict:
    """SQLite (`make run`): a transaction takes the write lock when it begins and a writer waits up to 20 s for
    it. Otherwise two requests writing at once (two API clients) fail with "database is locked", a 500: a read
    transaction cannot be upgraded while another writes, and SQLite does not wait in that case."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    return database


postgresql_binding(DATABASES["default"])
sqlite_locking(DATABASES["default"])

# ------------------------------------------------------------------------------
# Authentication, second factor, lockout and sessions: config/settings/sign_in.py
# ------------------------------------------------------------------------------
from config.settings.casework import *  # noqa: E402, F403  (MASH and Channel deadlines and grant windows)
from config.settings.sign_in import *  # noqa: E402, F403
from config.settings.transfer import *  # noqa: E402, F403  (closure: keys, transport; docs/transfer-package.md)

# ------------------------------------------------------------------------------
# Templates and forms
# ------------------------------------------------------------------------------
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
                "config.context_processors.service",
            ],
        },
    },
]
# GOV.UK markup for every form field (per-field templates, Django 5 renderer API).
FORM_RENDERER = "core.forms.GovukFormRenderer"

# ------------------------------------------------------------------------------
# Static and media files
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The embedded site runs without collectstatic: whitenoise serves from the finders.
WHITENOISE_USE_FINDERS = True

# ------------------------------------------------------------------------------
# Security headers (on everywhere; production.py adds HTTPS-only settings)
# ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# django-csp 4: a nonce for our few inline scripts, nothing else inline, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# ------------------------------------------------------------------------------
# Keys (see docs/encryption.md). Each value is the key itself or `file:PATH`.
# Defaults point at development keys written by `manage.py keys_init`;
# production.py requires real ones and refuses these.
# ------------------------------------------------------------------------------
DEV_KEYS_DIR = Path(env.str("DEV_KEYS_DIR", default=str(BASE_DIR / ".devkeys")))
ENCRYPTION_KEYRING = env("ENCRYPTION_KEYRING", default=f"file:{DEV_KEYS_DIR / 'keyring.json'}")
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default=f"file:{DEV_KEYS_DIR / 'blind_index.key'}")
AUDIT_HMAC_KEY = env("AUDIT_HMAC_KEY", default=f"file:{DEV_KEYS_DIR / 'audit_hmac.key'}")
# Signed audit checkpoints (docs/audit.md): an Ed25519 pair (verifiers need only the public key) and their folder.
AUDIT_CHECKPOINT_SIGNING_KEY = env("AUDIT_CHECKPOINT_SIGNING_KEY", default=f"file:{DEV_KEYS_DIR}/audit_checkpoint.key")
AUDIT_CHECKPOINT_PUBLIC_KEY = env("AUDIT_CHECKPOINT_PUBLIC_KEY", default=f"file:{DEV_KEYS_DIR}/audit_checkpoint.pub")
AUDIT_CHECKPOINT_DIR = Path(env.str("AUDIT_CHECKPOINT_DIR", default=str(BASE_DIR / "audit-checkpoints")))
# Encrypted attachments (random names, ciphertext only); see docs/encryption.md.
ENCRYPTION_FILE_ROOT = Path(env.str("ENCRYPTION_FILE_ROOT", default=str(MEDIA_ROOT / "encrypted")))
# URL namespaces whose 404s are audited as refused access (docs/audit.md); paths under /cases/ and /api/ always are.
AUDIT_CASE_URL_NAMESPACES = ["referrals", "channel", "closure", "api"]

# ------------------------------------------------------------------------------
# Redis, cache and Celery. Without REDIS_URL, tasks run inline and the cache is local.
# ------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Short socket timeouts: a Redis that hangs costs a request 2 seconds, and its callers degrade (never 500).
    _redis_cache = "django.core.cache.backends.redis.RedisCache"
    _timeouts = {"socket_connect_timeout": 2, "socket_timeout": 2}
    CACHES = {"default": {"BACKEND": _redis_cache, "LOCATION": REDIS_URL, "OPTIONS": _timeouts}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A run of the test suite uses its own queue, so parallel runs on one Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
# Longer than the longest task (transfer packages of large cases), so Redis never re-delivers a running task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 60 * 60}
# Periodic tasks: each feature adds its entry, with the schedule in words beside it.
# How often beat runs the outbox relay (core.services.outbox_sweep): the longest a notification waits.
OUTBOX_POLL_SECONDS = env.int("OUTBOX_POLL_SECONDS", default=10)
CELERY_BEAT_SCHEDULE: dict = {
    # Every night at 02:30: recompute the audit chain; e-mail the auditors the newest checkpoint, or the break.
    "audit-chain-verify": {"task": "audit.audit_chain_verify", "schedule": crontab(hour=2, minute=30)},
    # Every hour at five past: sign the audit chain's last event into AUDIT_CHECKPOINT_DIR (docs/audit.md).
    "audit-checkpoint-create": {"task": "audit.audit_checkpoint_create", "schedule": crontab(minute=5)},
    # Every minute: write the counts of refused visitors not signed in for the minutes that have closed.
    "audit-anonymous-refusals-flush": {"task": "audit.anonymous_refusals_flush", "schedule": crontab(minute="*")},
    # Every quarter of an hour: delete per-case grants whose expiry has passed (selectors ignore them already).
    "case-grants-remove-expired": {
        "task": "referrals.case_grants_remove_expired",
        "schedule": crontab(minute="*/15"),
    },
    # Every night at 03:15: delete unfinished referrals untouched for DRAFT_RETENTION_DAYS, shredding their keys.
    "referral-drafts-discard-abandoned": {
        "task": "referrals.referral_drafts_discard_abandoned",
        "schedule": crontab(hour=3, minute=15),
    },
    # Every OUTBOX_POLL_SECONDS (10 seconds): dispatch outbox messages that are due (core.services).
    "outbox-sweep": {"task": "core.outbox_sweep", "schedule": float(OUTBOX_POLL_SECONDS)},
    **CASEWORK_BEAT_SCHEDULE,  # noqa: F405 (config/settings/casework.py: MASH and Channel reminders, grants)
    **CLOSURE_BEAT_SCHEDULE,  # noqa: F405 (config/settings/transfer.py)
}
# The outbox (core.services): work that must not be lost, by topic -> handler taking the object's id.
OUTBOX_HANDLERS = {
    "accounts.invitation_send": "accounts.services.management.invitation_email_send",
    "referrals.mash_notify": "referrals.services.notifications.referral_mash_notify",
    **CASEWORK_OUTBOX_HANDLERS,  # noqa: F405 (config/settings/casework.py)
    **CLOSURE_OUTBOX_HANDLERS,  # noqa: F405 (config/settings/transfer.py)
}
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=12)
OUTBOX_MAX_BACKOFF_MINUTES = env.int("OUTBOX_MAX_BACKOFF_MINUTES", default=60)
OUTBOX_KEEP_DISPATCHED_DAYS = env.int("OUTBOX_KEEP_DISPATCHED_DAYS", default=7)
# /healthz answers 503 past these: outbox messages that used every attempt; hours an audit event waits unsigned.
HEALTHZ_MAX_DEAD_OUTBOX_MESSAGES = env.int("HEALTHZ_MAX_DEAD_OUTBOX_MESSAGES", default=0)
HEALTHZ_MAX_CHECKPOINT_AGE_HOURS = env.float("HEALTHZ_MAX_CHECKPOINT_AGE_HOURS", default=3.0)
# A relay's lease on a message it sends: far above EMAIL_TIMEOUT; a crashed relay's message is retried after it.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
# Per-case grants (referrals.services.grants): a triage officer or Prevent lead gives 1 to N days;
# break-glass by a Prevent lead of another authority lasts this many hours.
CASE_GRANT_MAX_DAYS = env.int("CASE_GRANT_MAX_DAYS", default=30)
# An unfinished referral (a draft) not saved for this many days is deleted and its key shredded (retention).
DRAFT_RETENTION_DAYS = env.int("DRAFT_RETENTION_DAYS", default=30)
BREAK_GLASS_GRANT_HOURS = env.int("BREAK_GLASS_GRANT_HOURS", default=4)

# ------------------------------------------------------------------------------
# E-mail: console in development; production reads DJANGO_EMAIL_URL.
# ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("DJANGO_EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="prevent-service@example.org")
EMAIL_TIMEOUT = 30  # a mail server that stops answering fails the send well inside OUTBOX_LEASE_SECONDS

# ------------------------------------------------------------------------------
# REST framework and OpenAPI
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Rate limits per user (token) and per address for unauthenticated calls; "referral_create" scopes POSTs.
    # REST framework's, counted per process while Redis is down instead of failing (accounts/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "accounts.throttling.UserRateThrottle",
        "accounts.throttling.AnonRateThrottle",
        "accounts.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_RATE_USER", default="600/hour"),
        "anon": env("API_RATE_ANON", default="60/hour"),
        "referral_create": env("API_RATE_REFERRAL_CREATE", default="120/hour"),
    },
}
# API tokens (django-rest-knox): only a SHA-512 digest is stored; a token stops working
# API_TOKEN_MAX_AGE_DAYS after it was made. https://jazzband.github.io/django-rest-knox/settings/
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model name, not a secret
# knox's migrations would create its own token table even though ours replaces it; that unused
# table's key to the user table makes PostgreSQL refuse to flush (truncate) the database.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_PREFIX": "prv_", "AUTO_REFRESH": False, "AUTH_HEADER_PREFIX": "Token"}
API_TOKEN_MAX_AGE_DAYS = env.int("API_TOKEN_MAX_AGE_DAYS", default=90)

# ------------------------------------------------------------------------------
# Referrals: attachment size limit, and the base URL for links in e-mails (reference and link only).
# ------------------------------------------------------------------------------
REFERRAL_ATTACHMENT_MAX_BYTES = env.int("REFERRAL_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Uploads are held in memory, never spooled in plaintext to a temporary file (docs/encryption.md "Uploads"):
# one request's files may hold one attachment at the limit plus 1 MiB; anything larger is refused unwritten.
FILE_UPLOAD_HANDLERS = ["encryption.uploads.MemoryOnlyUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = REFERRAL_ATTACHMENT_MAX_BYTES + 1024 * 1024
SERVICE_BASE_URL = env("SERVICE_BASE_URL", default="http://127.0.0.1:8000")

SPECTACULAR_SETTINGS = {
    "TITLE": "Prevent referral API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Shared answer sets of the referral form get one name each.
    "ENUM_NAME_OVERRIDES": {
        "YesNoEnum": "referrals.forms.YES_NO_CHOICES",
        "YesNoUnknownEnum": "referrals.choices.YesNoUnknown",
    },
}

# ------------------------------------------------------------------------------
# Logging: references and ids only, never personal data (DESIGN.md principle 1).
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's request logger prints the URL and, for errors, local variables; keep only warnings.
        "django.request": {"level": "ERROR", "propagate": True},
        # django-axes logs each failure; its client string is ours (accounts.lockout), without names or addresses.
        "axes": {"level": "WARNING", "propagate": True},
    },
}

# ------------------------------------------------------------------------------
# Demo data (development only)
# ------------------------------------------------------------------------------
DEMO_PASSWORD = env("DEMO_PASSWORD", default="prevent-demo-password")  # noqa: S105
# Base32 TOTP secret of every demo user's authenticator (any TOTP app or library accepts it).
DEMO_TOTP_SECRET = env("DEMO_TOTP_SECRET", default="DEMOPREVENTCHANNELTOTPKEY234567A")  # noqa: S105
