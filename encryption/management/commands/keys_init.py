"""Write development keys into the ignored DEV_KEYS_DIR folder (never for production)."""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from core.keys import load_key
from core.management.base import OperatorCommand
from encryption.sealing import x25519_private_key_new, x25519_public_key
from encryption.signing import ed25519_private_key_new, ed25519_public_key

CHECKPOINT_SIGNING = "audit_checkpoint.key"
CHECKPOINT_PUBLIC = "audit_checkpoint.pub"
# The transfer to CTP (docs/transfer-package.md): this service's signing key, and both of CTP's pairs, whose
# private halves exist here only so that development, the demo and the tests can play the recipient.
TRANSFER_SIGNING = "transfer_signing.key"
CTP_PRIVATE = "ctp.key"
CTP_PUBLIC = "ctp.pub"
CTP_SIGNING = "ctp_signing.key"
CTP_SIGNING_PUBLIC = "ctp_signing.pub"


def _new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _write_private(path: Path, text: str) -> None:
    # Created with 0600 from the start: the key is never readable by others, even briefly.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")


class Command(OperatorCommand):
    help = (
        "Create development keys (key ring, blind-index key, audit HMAC key, audit checkpoint Ed25519 pair) "
        "and the transfer keys (this service's Ed25519 signing key; CTP's X25519 and Ed25519 pairs, for playing "
        "the recipient) if missing; idempotent."
    )

    def handle(self, *args: object, **options: object) -> None:
        if settings.ENVIRONMENT == "production":
            raise CommandError("keys_init writes development keys and refuses to run under production settings.")
        folder = Path(settings.DEV_KEYS_DIR)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        files = {
            "keyring.json": lambda: json.dumps(
                {"active": "dev-1", "keys": {"dev-1": _new_key()}, "development": True}, indent=2
            ),
            "blind_index.key": _new_key,
            "audit_hmac.key": _new_key,
            CHECKPOINT_SIGNING: lambda: _b64(ed25519_private_key_new()),
            # Derived from the signing key beside it, so the pair always matches.
            CHECKPOINT_PUBLIC: lambda: _b64(
                ed25519_public_key(load_key(f"file:{folder / CHECKPOINT_SIGNING}", CHECKPOINT_SIGNING))
            ),
            TRANSFER_SIGNING: lambda: _b64(ed25519_private_key_new()),
            CTP_PRIVATE: lambda: _b64(x25519_private_key_new()),
            CTP_PUBLIC: lambda: _b64(x25519_public_key(load_key(f"file:{folder / CTP_PRIVATE}", CTP_PRIVATE))),
            CTP_SIGNING: lambda: _b64(ed25519_private_key_new()),
            CTP_SIGNING_PUBLIC: lambda: _b64(ed25519_public_key(load_key(f"file:{folder / CTP_SIGNING}", CTP_SIGNING))),
        }
        for name, make in files.items():
            path = folder / name
            if path.exists():
                self.stdout.write(f"Kept existing {path}")
                continue
            _write_private(path, make())
            self.stdout.write(f"Wrote development key {path}")
