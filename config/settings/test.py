"""Test settings: fast hashing, local e-mail and cache, fixed test keys."""

import base64
import json
import tempfile
from pathlib import Path

from encryption.sealing import x25519_public_key
from encryption.signing import ed25519_public_key

from .base import *  # noqa: F403
from .base import env

ENVIRONMENT = "test"
DEBUG = False
# Models used only by the encryption tests and benchmark.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405

# The test database is SQLite in memory with a shared cache, whose table locks never wait: beginning every
# transaction with the write lock (base.py, for a file) would fail the tests' second connections at once.
DATABASES = {"default": {**DATABASES["default"]}}  # noqa: F405
DATABASES["default"]["OPTIONS"] = {
    key: value for key, value in DATABASES["default"].get("OPTIONS", {}).items() if key != "transaction_mode"
}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never outside tests
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Fixed, clearly fake keys so that tests never depend on files outside the repository.
_TEST_KEY = base64.urlsafe_b64encode(b"t" * 32).decode()
ENCRYPTION_KEYRING = json.dumps(
    {"active": "test-1", "keys": {"test-1": base64.urlsafe_b64encode(b"k" * 32).decode()}, "development": True}
)
BLIND_INDEX_KEY = base64.urlsafe_b64encode(b"b" * 32).decode()
AUDIT_HMAC_KEY = base64.urlsafe_b64encode(b"a" * 32).decode()
AUDIT_CHECKPOINT_SIGNING_KEY = base64.urlsafe_b64encode(b"c" * 32).decode()
AUDIT_CHECKPOINT_PUBLIC_KEY = base64.urlsafe_b64encode(ed25519_public_key(b"c" * 32)).decode()
# tests/conftest.py gives each test its own empty folder; this one only serves processes outside pytest.
AUDIT_CHECKPOINT_DIR = Path(tempfile.gettempdir()) / "prevent-test-audit-checkpoints"
# The transfer to CTP: this service's signing key and CTP's public keys (tests/closure makes its own pairs).
TRANSFER_SIGNING_KEY = base64.urlsafe_b64encode(b"s" * 32).decode()
CTP_PUBLIC_KEY = base64.urlsafe_b64encode(x25519_public_key(b"x" * 32)).decode()
CTP_SIGNING_PUBLIC_KEY = base64.urlsafe_b64encode(ed25519_public_key(b"r" * 32)).decode()
TRANSFER_DROP_DIR = Path(tempfile.gettempdir()) / "prevent-test-transfer-drop"

# Task bodies run inline in tests; the integration tests switch to a real worker on Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = env("REDIS_URL", default="") or "memory://"
CELERY_RESULT_BACKEND = env("REDIS_URL", default="") or None

# Browser tests use the live server: plain static storage (manifest storage 404s there).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
