"""Production settings: no default for any secret, HTTPS only, real keys only.

Loading this module without DJANGO_SECRET_KEY, DATABASE_URL, DJANGO_ALLOWED_HOSTS,
ENCRYPTION_KEYRING, BLIND_INDEX_KEY, AUDIT_HMAC_KEY, AUDIT_CHECKPOINT_SIGNING_KEY,
AUDIT_CHECKPOINT_PUBLIC_KEY, TRANSFER_SIGNING_KEY, CTP_PUBLIC_KEY, CTP_SIGNING_PUBLIC_KEY,
OTP_WEBAUTHN_RP_ID, OTP_WEBAUTHN_ALLOWED_ORIGINS, REDIS_URL or
SERVICE_BASE_URL raises ImproperlyConfigured, so a misconfigured container stops at start
instead of running insecurely.
"""

import ipaddress
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.production_keys import (
    assert_production_key_settings,
    assert_production_transfer_settings,
    assert_production_transfer_transport,
)
from core.keys import load_key
from encryption.signing import ed25519_public_key

from .base import *  # noqa: F403
from .base import DEV_KEYS_DIR, DEV_SECRET_KEY, SERVICE_NAME, env, postgresql_binding

ENVIRONMENT = "production"
DEBUG = False


def _required(name: str) -> str:
    value = env.str(name, default="")
    if not value.strip():
        raise ImproperlyConfigured(f"Set the {name} environment variable: production has no default for it.")
    return value


# ------------------------------------------------------------------------------
# Secrets and hosts
# ------------------------------------------------------------------------------
SECRET_KEY = _required("DJANGO_SECRET_KEY")
MIN_SECRET_KEY_LENGTH = 50
if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a fresh random value of at least 50 characters.")
ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
DATABASES = {"default": env.db_url_config(_required("DATABASE_URL"))}
DATABASE_APP_ROLE = DATABASES["default"].get("USER", "")
# The owner's URL: docker-compose.yml gives it to the migrate service only (web, worker, beat get it blank).
if env.str("DATABASE_MIGRATE_URL", default="").strip():
    DATABASES = {"default": env.db_url_config(env.str("DATABASE_MIGRATE_URL"))}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
postgresql_binding(DATABASES["default"])


# ------------------------------------------------------------------------------
# Passkeys (django-otp-webauthn): the service's own domain and its https origins only
# ------------------------------------------------------------------------------
def _webauthn_rp_id(value: str) -> str:
    rp_id = value.strip().lower()
    try:
        ipaddress.ip_address(rp_id.strip("[]"))
    except ValueError:
        pass
    else:
        raise ImproperlyConfigured("OTP_WEBAUTHN_RP_ID must be a domain name: passkeys never work on an IP address.")
    if "." not in rp_id or rp_id == "localhost" or any(c in rp_id for c in "/:@ "):
        raise ImproperlyConfigured(
            "OTP_WEBAUTHN_RP_ID must be the service's domain, such as prevent.example-council.gov.uk "
            "(no scheme, port or path, and not localhost)."
        )
    return rp_id


def _webauthn_origins(value: str, rp_id: str) -> list[str]:
    origins = [origin.strip() for origin in value.split(",") if origin.strip()]
    for origin in origins:
        parts = urlsplit(origin)
        host = (parts.hostname or "").lower()
        extra = "@" in parts.netloc or parts.path not in ("", "/") or parts.query or parts.fragment
        if parts.scheme != "https" or extra:
            raise ImproperlyConfigured(f"OTP_WEBAUTHN_ALLOWED_ORIGINS: {origin!r} must be https://host[:port].")
        if host != rp_id and not host.endswith(f".{rp_id}"):
            raise ImproperlyConfigured(
                f"OTP_WEBAUTHN_ALLOWED_ORIGINS: {origin!r} is not {rp_id} or one of its subdomains."
            )
    return [origin.rstrip("/") for origin in origins]


OTP_WEBAUTHN_RP_ID = _webauthn_rp_id(_required("OTP_WEBAUTHN_RP_ID"))
OTP_WEBAUTHN_ALLOWED_ORIGINS = _webauthn_origins(_required("OTP_WEBAUTHN_ALLOWED_ORIGINS"), OTP_WEBAUTHN_RP_ID)
OTP_WEBAUTHN_RP_NAME = env.str("OTP_WEBAUTHN_RP_NAME", default="").strip() or SERVICE_NAME
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

# ------------------------------------------------------------------------------
# Keys: real keys only (development keys and the development folder are refused)
# ------------------------------------------------------------------------------
ENCRYPTION_KEYRING = _required("ENCRYPTION_KEYRING")
BLIND_INDEX_KEY = _required("BLIND_INDEX_KEY")
AUDIT_HMAC_KEY = _required("AUDIT_HMAC_KEY")
AUDIT_CHECKPOINT_SIGNING_KEY = _required("AUDIT_CHECKPOINT_SIGNING_KEY")
AUDIT_CHECKPOINT_PUBLIC_KEY = _required("AUDIT_CHECKPOINT_PUBLIC_KEY")
assert_production_key_settings(
    keyring=ENCRYPTION_KEYRING,
    blind_index_key=BLIND_INDEX_KEY,
    audit_hmac_key=AUDIT_HMAC_KEY,
    dev_keys_dir=DEV_KEYS_DIR,
    checkpoint_signing_key=AUDIT_CHECKPOINT_SIGNING_KEY,
    checkpoint_public_key=AUDIT_CHECKPOINT_PUBLIC_KEY,
)
try:
    _checkpoint_public = ed25519_public_key(load_key(AUDIT_CHECKPOINT_SIGNING_KEY, "AUDIT_CHECKPOINT_SIGNING_KEY"))
except ValueError as _error:
    raise ImproperlyConfigured("AUDIT_CHECKPOINT_SIGNING_KEY must be a 32-byte Ed25519 private key.") from _error
if _checkpoint_public != load_key(AUDIT_CHECKPOINT_PUBLIC_KEY, "AUDIT_CHECKPOINT_PUBLIC_KEY"):
    raise ImproperlyConfigured("AUDIT_CHECKPOINT_PUBLIC_KEY is not the public key of AUDIT_CHECKPOINT_SIGNING_KEY.")

# The transfer to CTP (docs/transfer-package.md): this service's signing key, CTP's two public keys, and
# HTTPS with a client certificate unless a drop folder is chosen on purpose.
TRANSFER_SIGNING_KEY = _required("TRANSFER_SIGNING_KEY")
CTP_PUBLIC_KEY = _required("CTP_PUBLIC_KEY")
CTP_SIGNING_PUBLIC_KEY = _required("CTP_SIGNING_PUBLIC_KEY")
assert_production_transfer_settings(
    signing_key=TRANSFER_SIGNING_KEY,
    ctp_public_key=CTP_PUBLIC_KEY,
    ctp_signing_public_key=CTP_SIGNING_PUBLIC_KEY,
    dev_keys_dir=DEV_KEYS_DIR,
)
TRANSFER_TRANSPORT = env.str("TRANSFER_TRANSPORT", default="https")
assert_production_transfer_transport(
    transport=TRANSFER_TRANSPORT,
    url=env.str("TRANSFER_HTTPS_URL", default=""),
    client_cert=env.str("TRANSFER_HTTPS_CLIENT_CERT", default=""),
    client_key=env.str("TRANSFER_HTTPS_CLIENT_KEY", default=""),
)


# ------------------------------------------------------------------------------
# Redis and e-mail links: without REDIS_URL tasks would run inline in the web process and nothing would run the
# schedules (audit chain check, grant expiry, outbox relay); e-mails link to SERVICE_BASE_URL, so it is https.
# ------------------------------------------------------------------------------
def _service_base_url(value: str) -> str:
    parts = urlsplit(value.strip())
    extra = "@" in parts.netloc or parts.path not in ("", "/") or parts.query or parts.fragment
    if parts.scheme != "https" or not parts.hostname or extra:
        raise ImproperlyConfigured(
            "SERVICE_BASE_URL must be the service's https:// address, such as "
            "https://prevent.example-council.gov.uk (no path, query or credentials)."
        )
    return value.strip().rstrip("/")


REDIS_URL = _required("REDIS_URL")
SERVICE_BASE_URL = _service_base_url(_required("SERVICE_BASE_URL"))

# ------------------------------------------------------------------------------
# HTTPS and cookies (https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/)
# ------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# /healthz is probed over plain HTTP inside the compose network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Secure-csrftoken"
# django-axes counts failures per client address. The app runs behind the council's TLS proxy (one hop unless
# set): without this, everyone shares the proxy's address and one person's typos lock out the whole council.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[f"https://{h}" for h in ALLOWED_HOSTS])

# ------------------------------------------------------------------------------
# Static files: hashed names, served by whitenoise from STATIC_ROOT
# ------------------------------------------------------------------------------
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False

# ------------------------------------------------------------------------------
# E-mail and logging
# ------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("DJANGO_EMAIL_URL", default="smtp://localhost:25")
vars().update(EMAIL_CONFIG)
ADMINS: list = []  # error e-mails could carry request data: errors go to logs only.
