"""keys_init writes development keys, including a matching Ed25519 pair for the audit checkpoints."""

from __future__ import annotations

import base64

from django.core.management import call_command

from encryption.signing import ed25519_public_key


def test_keys_init_writes_a_matching_checkpoint_key_pair_and_keeps_it(settings, tmp_path):
    settings.DEV_KEYS_DIR = tmp_path / ".devkeys"
    call_command("keys_init")
    signing = (settings.DEV_KEYS_DIR / "audit_checkpoint.key").read_text().strip()
    public = (settings.DEV_KEYS_DIR / "audit_checkpoint.pub").read_text().strip()
    assert base64.urlsafe_b64decode(public) == ed25519_public_key(base64.urlsafe_b64decode(signing))
    assert (settings.DEV_KEYS_DIR / "audit_checkpoint.key").stat().st_mode & 0o077 == 0
    call_command("keys_init")
    assert (settings.DEV_KEYS_DIR / "audit_checkpoint.key").read_text().strip() == signing
