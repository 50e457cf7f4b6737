"""Reading key settings: each is the key (URL-safe base64) or `file:PATH`.

This module only parses settings; the cryptography lives in `encryption/` and `audit/`.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

FILE_PREFIX = "file:"
MIN_KEY_BYTES = 32
# A key-encryption key is an AES-256 key: exactly 32 bytes. A longer one was once cut to 32 without a word,
# so the operator believed in key material that was never used; it is refused instead.
KEK_BYTES = 32


def _read(value: str, name: str) -> str:
    if value.startswith(FILE_PREFIX):
        path = Path(value[len(FILE_PREFIX) :])
        try:
            return path.read_text(encoding="ascii").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name} points at {path}, which cannot be read; run `python manage.py keys_init` for development keys."
            ) from exc
        except UnicodeDecodeError as exc:  # a binary file (a key file holds base64 text)
            raise ImproperlyConfigured(f"{name} points at {path}, which does not hold a base64 key.") from exc
    return value.strip()


def decode_key(text: str, name: str) -> bytes:
    """Decode one base64 key and insist on at least 256 bits."""
    try:
        key = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(f"{name} is not valid URL-safe base64.") from exc
    if len(key) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(f"{name} must hold at least {MIN_KEY_BYTES} bytes of key.")
    return key


def decode_kek(text: str, name: str) -> bytes:
    """Decode one key-encryption key and insist on exactly 256 bits (AES-256), never truncating."""
    key = decode_key(text, name)
    if len(key) != KEK_BYTES:
        raise ImproperlyConfigured(f"{name} must be exactly {KEK_BYTES} bytes of key (AES-256), not {len(key)}.")
    return key


def load_key(value: str, name: str) -> bytes:
    """Return the bytes of a single key setting (BLIND_INDEX_KEY, AUDIT_HMAC_KEY)."""
    return decode_key(_read(value, name), name)


def load_keyring(value: str, name: str = "ENCRYPTION_KEYRING") -> dict:
    """Return the parsed key ring: {"active": id, "keys": {id: base64}, "development": bool}."""
    text = _read(value, name)
    try:
        ring = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} is not valid JSON.") from exc
    if not isinstance(ring, dict) or not isinstance(ring.get("keys"), dict) or not ring["keys"]:
        raise ImproperlyConfigured(f'{name} must be an object with "active" and a non-empty "keys".')
    if ring.get("active") not in ring["keys"]:
        raise ImproperlyConfigured(f'{name}: the "active" key id is not among "keys".')
    for key_id, encoded in ring["keys"].items():
        decode_kek(str(encoded), f"{name} key {key_id}")
    return ring
