"""Passkey settings: second factor only, the library's own checks pass, production insists on its https domain,
and the library's scripts are collected into our own static files."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import checks
from django.core.management import call_command

from tests.conftest import run_with_production_settings

LOAD = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.OTP_WEBAUTHN_RP_ID, s.OTP_WEBAUTHN_ALLOWED_ORIGINS, s.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN)"
)


def test_passkeys_are_never_a_first_factor():
    assert settings.OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN is False
    assert not any("webauthn" in backend.lower() for backend in settings.AUTHENTICATION_BACKENDS)


def test_development_defaults_name_localhost():
    assert settings.OTP_WEBAUTHN_RP_ID == "localhost"
    assert settings.OTP_WEBAUTHN_ALLOWED_ORIGINS == ["http://localhost:8000"]
    assert settings.OTP_WEBAUTHN_RP_NAME == settings.SERVICE_NAME


def test_the_librarys_system_checks_pass():
    problems = [message for message in checks.run_checks(include_deployment_checks=True) if "webauthn" in message.id]
    assert problems == []


def test_production_loads_with_its_https_domain(production_env):
    result = run_with_production_settings(
        {**production_env, "OTP_WEBAUTHN_ALLOWED_ORIGINS": "https://prevent.example-council.gov.uk/"}, "-c", LOAD
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "prevent.example-council.gov.uk",
        "['https://prevent.example-council.gov.uk']",
        "False",
    ]


@pytest.mark.parametrize("missing", ["OTP_WEBAUTHN_RP_ID", "OTP_WEBAUTHN_ALLOWED_ORIGINS"])
def test_production_refuses_to_load_without(production_env, missing):
    result = run_with_production_settings({k: v for k, v in production_env.items() if k != missing}, "-c", LOAD)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("OTP_WEBAUTHN_RP_ID", "localhost", "not localhost"),
        ("OTP_WEBAUTHN_RP_ID", "127.0.0.1", "never work on an IP address"),
        ("OTP_WEBAUTHN_RP_ID", "https://prevent.example-council.gov.uk", "no scheme, port or path"),
        ("OTP_WEBAUTHN_ALLOWED_ORIGINS", "http://prevent.example-council.gov.uk", "must be https://host[:port]"),
        ("OTP_WEBAUTHN_ALLOWED_ORIGINS", "https://prevent.example-council.gov.uk/path", "must be https://host[:port]"),
        ("OTP_WEBAUTHN_ALLOWED_ORIGINS", "https://evil.example", "is not prevent.example-council.gov.uk"),
        (
            "OTP_WEBAUTHN_ALLOWED_ORIGINS",
            "https://prevent.example-council.gov.uk.evil.example",
            "is not prevent.example-council.gov.uk",
        ),
        ("OTP_WEBAUTHN_ALLOWED_ORIGINS", "https://x@prevent.example-council.gov.uk", "must be https://host[:port]"),
    ],
)
def test_production_refuses_unsafe_values(production_env, name, value, message):
    result = run_with_production_settings({**production_env, name: value}, "-c", LOAD)
    assert result.returncode != 0
    assert message in result.stderr


def test_collectstatic_gathers_the_librarys_scripts_into_our_static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    for name in ("otp_webauthn_auth", "otp_webauthn_register"):
        assert (tmp_path / "django_otp_webauthn" / f"{name}.js").is_file()
        assert list((tmp_path / "django_otp_webauthn").glob(f"{name}.*.js")), "hashed copy for production"
    assert (tmp_path / "accounts" / "passkeys.js").is_file()
