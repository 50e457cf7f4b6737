"""The transfer's keys, read from settings (each the key itself or `file:PATH`; core.keys parses them)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from core.keys import load_key
from encryption.signing import ed25519_public_key


def signing_key() -> bytes:
    """This service's Ed25519 private seed (TRANSFER_SIGNING_KEY)."""
    return load_key(settings.TRANSFER_SIGNING_KEY, "TRANSFER_SIGNING_KEY")


def signing_public_key() -> bytes:
    return ed25519_public_key(signing_key())


def ctp_public_key() -> bytes:
    """CTP's X25519 public key (CTP_PUBLIC_KEY): packages are sealed to it."""
    return load_key(settings.CTP_PUBLIC_KEY, "CTP_PUBLIC_KEY")


def ctp_signing_public_key() -> bytes:
    """CTP's Ed25519 public key (CTP_SIGNING_PUBLIC_KEY): receipts must carry its signature."""
    return load_key(settings.CTP_SIGNING_PUBLIC_KEY, "CTP_SIGNING_PUBLIC_KEY")


def key_file(path: str, name: str) -> bytes:
    """A key given on a command line: a file holding one URL-safe base64 key."""
    return load_key(f"file:{Path(path)}", name)
