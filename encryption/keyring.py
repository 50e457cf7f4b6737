"""The key ring: key-encryption keys (KEKs) by id, one active, plus the blind-index key.

Settings: `ENCRYPTION_KEYRING` is the JSON ring `{"active": id, "keys": {id: base64}}`
(or `file:PATH` to it) and `BLIND_INDEX_KEY` a single key; `core.keys` parses both.
KEKs only ever wrap and unwrap per-case data keys: record data is encrypted with the
data keys (see `encryption.fields`). Wrapped layout: `version(1) | nonce(12) | ct+tag(48)`,
the associated data binding it to its KEK id and its DataKey row.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import tempfile
import threading
import uuid
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.keys import FILE_PREFIX, KEK_BYTES, decode_kek, load_key, load_keyring

from .exceptions import DecryptionError, UnknownKeyEncryptionKey

WRAP_VERSION = 1
NONCE_BYTES = 12
DATA_KEY_BYTES = 32
_WRAP_AAD = b"prevent-datakey-wrap-v1\x00"


class KeyRing:
    """An immutable set of KEKs with one active; wraps with the active one, unwraps with any."""

    __slots__ = ("_ciphers", "active_id", "development", "key_ids")

    def __init__(self, *, active_id: str, keys: dict[str, bytes], development: bool) -> None:
        self.active_id = active_id
        self.development = development
        self.key_ids = frozenset(keys)
        for key_id, key in keys.items():
            if len(key) != KEK_BYTES:
                raise ImproperlyConfigured(f"KEK {key_id!r} must be exactly {KEK_BYTES} bytes, not {len(key)}.")
        # The raw KEK bytes live only inside the AEAD objects, not as attributes.
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}

    def wrap(self, *, data_key_id: uuid.UUID, key: bytes) -> tuple[str, bytes]:
        """Return (active KEK id, wrapped key) for a data key, bound to its DataKey id."""
        nonce = os.urandom(NONCE_BYTES)
        aad = _wrap_aad(self.active_id, data_key_id)
        return self.active_id, bytes([WRAP_VERSION]) + nonce + self._ciphers[self.active_id].encrypt(nonce, key, aad)

    def unwrap(self, *, data_key_id: uuid.UUID, kek_id: str, wrapped: bytes) -> bytes:
        """Return the data key, or raise if the KEK is unknown or the wrapped bytes were altered or moved."""
        cipher = self._ciphers.get(kek_id)
        if cipher is None:
            raise UnknownKeyEncryptionKey(f"Data key {data_key_id} is wrapped by KEK {kek_id!r}, not in the key ring.")
        wrapped = bytes(wrapped)
        if len(wrapped) < 1 + NONCE_BYTES + 16 or wrapped[0] != WRAP_VERSION:
            raise DecryptionError(f"Data key {data_key_id} has an unknown wrapped layout.")
        try:
            key = cipher.decrypt(
                wrapped[1 : 1 + NONCE_BYTES], wrapped[1 + NONCE_BYTES :], _wrap_aad(kek_id, data_key_id)
            )
        except InvalidTag as exc:
            raise DecryptionError(f"Data key {data_key_id} failed to unwrap under KEK {kek_id!r}.") from exc
        return key


def _wrap_aad(kek_id: str, data_key_id: uuid.UUID) -> bytes:
    return _WRAP_AAD + kek_id.encode() + b"\x00" + data_key_id.bytes


_lock = threading.Lock()
_cache: dict[str, object] = {}


def keyring_get() -> KeyRing:
    """Return the key ring from settings (parsed once per process, reset when the settings change)."""
    ring = _cache.get("ring")
    if ring is None:
        with _lock:
            parsed = load_keyring(settings.ENCRYPTION_KEYRING)
            ring = KeyRing(
                active_id=parsed["active"],
                keys={k: decode_kek(str(v), f"ENCRYPTION_KEYRING key {k}") for k, v in parsed["keys"].items()},
                development=bool(parsed.get("development")),
            )
            _cache["ring"] = ring
    return ring  # type: ignore[return-value]


def blind_index_key() -> bytes:
    """Return the blind-index HMAC key from settings (its own key, never a KEK)."""
    key = _cache.get("blind")
    if key is None:
        key = load_key(settings.BLIND_INDEX_KEY, "BLIND_INDEX_KEY")
        _cache["blind"] = key
    return key  # type: ignore[return-value]


def keyring_reset() -> None:
    """Forget the parsed ring and blind-index key, so the next use reads the settings again."""
    with _lock:
        _cache.clear()


def keyring_file_path() -> Path | None:
    """Return the key ring file when ENCRYPTION_KEYRING is `file:PATH`, else None (ring in the environment)."""
    value = settings.ENCRYPTION_KEYRING
    return Path(value[len(FILE_PREFIX) :]) if value.startswith(FILE_PREFIX) else None


def keyring_file_add_key(path: Path, *, key_id: str | None = None) -> str:
    """Add a fresh random KEK to the ring file and make it active; return its id."""
    ring = _read_ring_file(path)
    if key_id is None:
        numbers = [int(k.rsplit("-", 1)[1]) for k in ring["keys"] if k.rsplit("-", 1)[-1].isdigit()]
        key_id = f"{'dev' if ring.get('development') else 'kek'}-{max(numbers, default=0) + 1}"
    if key_id in ring["keys"]:
        raise ImproperlyConfigured(f"Key id {key_id!r} is already in the key ring.")
    ring["keys"][key_id] = base64.urlsafe_b64encode(secrets.token_bytes(DATA_KEY_BYTES)).decode("ascii")
    ring["active"] = key_id
    _write_ring_file(path, ring)
    keyring_reset()
    return key_id


def keyring_file_remove_key(path: Path, *, key_id: str) -> None:
    """Remove a KEK (never the active one) from the ring file."""
    ring = _read_ring_file(path)
    if ring["active"] == key_id:
        raise ImproperlyConfigured(f"Key id {key_id!r} is the active key; activate another one first.")
    ring["keys"].pop(key_id, None)
    _write_ring_file(path, ring)
    keyring_reset()


def _read_ring_file(path: Path) -> dict:
    return load_keyring(f"{FILE_PREFIX}{path}")


def _write_ring_file(path: Path, ring: dict) -> None:
    # Written to a 0600 temporary file and renamed: a crash never leaves a half-written ring.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keyring-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(json.dumps(ring, indent=2) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
