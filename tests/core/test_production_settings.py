"""config.settings.production refuses to start without real secrets and keys."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

import pytest

from encryption.signing import ed25519_public_key
from tests.conftest import REPO, run_with_production_settings

LOAD = "import django; django.setup(); from django.conf import settings; print(settings.ENVIRONMENT)"


def test_production_settings_load_with_every_secret(production_env):
    result = run_with_production_settings(production_env, "-c", LOAD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "production"


@pytest.mark.parametrize(
    "missing",
    [
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "DJANGO_ALLOWED_HOSTS",
        "ENCRYPTION_KEYRING",
        "BLIND_INDEX_KEY",
        "AUDIT_HMAC_KEY",
        "REDIS_URL",
        "SERVICE_BASE_URL",
        "AUDIT_CHECKPOINT_SIGNING_KEY",
        "AUDIT_CHECKPOINT_PUBLIC_KEY",
        "TRANSFER_SIGNING_KEY",
        "CTP_PUBLIC_KEY",
        "CTP_SIGNING_PUBLIC_KEY",
        "TRANSFER_HTTPS_URL",
    ],
)
def test_production_settings_refuse_to_load_without(production_env, missing):
    env = {k: v for k, v in production_env.items() if k != missing}
    result = run_with_production_settings(env, "-c", LOAD)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def _dev_key() -> str:
    return base64.urlsafe_b64encode(b"d" * 32).decode()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_SECRET_KEY", "development-only-secret-key-never-use-in-production-0123456789", "DJANGO_SECRET_KEY"),
        ("DJANGO_SECRET_KEY", "short", "DJANGO_SECRET_KEY"),
        (
            "ENCRYPTION_KEYRING",
            json.dumps({"active": "dev-1", "keys": {"dev-1": _dev_key()}, "development": True}),
            "development keys",
        ),
        ("ENCRYPTION_KEYRING", "not json", "not valid JSON"),
        ("BLIND_INDEX_KEY", base64.urlsafe_b64encode(b"short").decode(), "at least 32 bytes"),
        # A 48-byte key-encryption key used to be cut to 32 bytes without a word.
        (
            "ENCRYPTION_KEYRING",
            json.dumps({"active": "prod-1", "keys": {"prod-1": base64.urlsafe_b64encode(b"k" * 48).decode()}}),
            "exactly 32 bytes",
        ),
        ("SERVICE_BASE_URL", "http://prevent.example-council.gov.uk", "SERVICE_BASE_URL must be"),
        ("SERVICE_BASE_URL", "prevent.example-council.gov.uk", "SERVICE_BASE_URL must be"),
        ("SERVICE_BASE_URL", "https://prevent.example-council.gov.uk/cases?x=1", "SERVICE_BASE_URL must be"),
    ],
)
def test_production_settings_refuse_unsafe_values(production_env, name, value, message):
    result = run_with_production_settings({**production_env, name: value}, "-c", LOAD)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_e_mail_links_use_service_base_url_and_tasks_go_to_redis(production_env):
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SERVICE_BASE_URL, settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    env = {**production_env, "SERVICE_BASE_URL": "https://prevent.example-council.gov.uk/"}
    result = run_with_production_settings(env, "-c", show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://prevent.example-council.gov.uk", "redis://127.0.0.1:6379/0", "False"]


def test_only_a_process_given_database_migrate_url_connects_as_the_owner(production_env):
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['USER'], settings.DATABASE_APP_ROLE)"
    )
    app = {**production_env, "DATABASE_URL": "postgres://prevent_app:a@db:5432/prevent", "DATABASE_MIGRATE_URL": ""}
    result = run_with_production_settings(app, "-c", show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["prevent_app", "prevent_app"]
    migrate = {**app, "DATABASE_MIGRATE_URL": "postgres://prevent_owner:o@db:5432/prevent"}
    result = run_with_production_settings(migrate, "-c", show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["prevent_owner", "prevent_app"]


def test_production_settings_refuse_keys_from_the_development_folder(production_env, tmp_path):
    dev_dir = Path(production_env["DEV_KEYS_DIR"])
    dev_dir.mkdir()
    (dev_dir / "blind_index.key").write_text(base64.urlsafe_b64encode(b"z" * 32).decode())
    result = run_with_production_settings(
        {**production_env, "BLIND_INDEX_KEY": f"file:{dev_dir / 'blind_index.key'}"}, "-c", LOAD
    )
    assert result.returncode != 0
    assert "development key folder" in result.stderr


def test_production_settings_refuse_one_key_used_twice(production_env):
    result = run_with_production_settings(
        {**production_env, "AUDIT_HMAC_KEY": production_env["BLIND_INDEX_KEY"]}, "-c", LOAD
    )
    assert result.returncode != 0
    assert "Every key must be different" in result.stderr


def test_check_deploy_reports_no_warnings(production_env):
    result = run_with_production_settings(production_env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("name", ["AUDIT_CHECKPOINT_SIGNING_KEY", "AUDIT_CHECKPOINT_PUBLIC_KEY"])
def test_production_settings_refuse_checkpoint_keys_written_by_keys_init(production_env, name):
    dev_dir = Path(production_env["DEV_KEYS_DIR"])
    result = subprocess.run(
        [sys.executable, "manage.py", "keys_init"],
        cwd=REPO,
        env={**production_env, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DEV_KEYS_DIR": str(dev_dir)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pair = {
        "AUDIT_CHECKPOINT_SIGNING_KEY": f"file:{dev_dir / 'audit_checkpoint.key'}",
        "AUDIT_CHECKPOINT_PUBLIC_KEY": f"file:{dev_dir / 'audit_checkpoint.pub'}",
    }
    result = run_with_production_settings({**production_env, name: pair[name]}, "-c", LOAD)
    assert result.returncode != 0
    assert f"{name} points into the development key folder" in result.stderr


def test_production_settings_refuse_a_public_key_of_another_signing_key(production_env):
    other = base64.urlsafe_b64encode(ed25519_public_key(b"x" * 32)).decode()
    result = run_with_production_settings({**production_env, "AUDIT_CHECKPOINT_PUBLIC_KEY": other}, "-c", LOAD)
    assert result.returncode != 0
    assert "AUDIT_CHECKPOINT_PUBLIC_KEY is not the public key of AUDIT_CHECKPOINT_SIGNING_KEY" in result.stderr


def test_production_settings_refuse_the_checkpoint_signing_key_reused(production_env):
    signing = production_env["AUDIT_CHECKPOINT_SIGNING_KEY"]
    result = run_with_production_settings({**production_env, "AUDIT_HMAC_KEY": signing}, "-c", LOAD)
    assert result.returncode != 0
    assert "Every key must be different" in result.stderr
