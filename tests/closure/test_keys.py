"""keys_init writes both sides' transfer keys; production refuses development or malformed transfer keys."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.management import call_command

from core.keys import load_key
from encryption.sealing import x25519_public_key
from encryption.signing import ed25519_public_key
from tests.conftest import run_with_production_settings

LOAD = "import django; django.setup(); from django.conf import settings; print(settings.TRANSFER_TRANSPORT)"


def test_keys_init_writes_matching_transfer_key_pairs(settings, tmp_path):
    settings.DEV_KEYS_DIR = tmp_path / "devkeys"
    call_command("keys_init", stdout=io.StringIO())

    def key(name: str) -> bytes:
        return load_key(f"file:{tmp_path / 'devkeys' / name}", name)

    assert x25519_public_key(key("ctp.key")) == key("ctp.pub")
    assert ed25519_public_key(key("ctp_signing.key")) == key("ctp_signing.pub")
    assert len(key("transfer_signing.key")) == 32  # noqa: PLR2004 - an Ed25519 seed
    assert len({key("transfer_signing.key"), key("ctp.key"), key("ctp_signing.key")}) == 3  # noqa: PLR2004


def test_production_loads_with_real_transfer_keys(production_env):
    result = run_with_production_settings(production_env, "-c", LOAD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CTP_PUBLIC_KEY", "file:/srv/app/.devkeys/ctp.pub", "development key folder"),
        ("TRANSFER_SIGNING_KEY", base64.urlsafe_b64encode(b"s" * 48).decode(), "exactly 32 bytes"),
        ("TRANSFER_HTTPS_URL", "http://ctp.example.police.uk/packages", "TRANSFER_HTTPS_URL must be"),
        ("TRANSFER_HTTPS_CLIENT_KEY", "", "TRANSFER_HTTPS_CLIENT_KEY"),
        ("TRANSFER_TRANSPORT", "carrier_pigeon", "TRANSFER_TRANSPORT must be"),
    ],
)
def test_production_refuses_unsafe_transfer_settings(production_env, name, value, message):
    result = run_with_production_settings({**production_env, name: value}, "-c", LOAD)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_one_key_for_two_purposes(production_env):
    env = {**production_env, "CTP_SIGNING_PUBLIC_KEY": production_env["CTP_PUBLIC_KEY"]}
    result = run_with_production_settings(env, "-c", LOAD)
    assert result.returncode != 0
    assert "must differ" in result.stderr


def test_production_may_choose_the_drop_folder(production_env):
    env = {**production_env, "TRANSFER_TRANSPORT": "drop_folder", "TRANSFER_HTTPS_URL": ""}
    result = run_with_production_settings(env, "-c", LOAD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "drop_folder"
