"""Unwrapping per-case data keys into AES-256-GCM ciphers, cached only within a scope."""

from __future__ import annotations

import uuid
from typing import NamedTuple

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import scope
from .exceptions import DataKeyMissing, KeyShredded, UnknownKeyEncryptionKey
from .keyring import DATA_KEY_BYTES, keyring_get, keyring_reset
from .models import DataKey

FIELD_VERSION = b"\x01"


def data_key_generate() -> bytes:
    """Return 256 fresh random bits for a new case data key."""
    return AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)


class CaseKey(NamedTuple):
    """An unwrapped case data key, ready to use: its AEAD and the field ciphertext header naming it."""

    aead: AESGCM
    header: bytes  # field layout version + the data key's id (encryption.fields)


def case_key(data_key_id: uuid.UUID, *, data_key: DataKey | None = None) -> CaseKey:
    """Return a case's unwrapped data key; raise KeyShredded or DataKeyMissing, never a stand-in."""
    cached = scope.cached(data_key_id)
    if cached is not None:
        return cached
    if scope.is_shredded(data_key_id):
        raise KeyShredded(f"Data key {data_key_id} was shredded; this case's encrypted data is gone for good.")
    if data_key is None or data_key.pk != data_key_id:
        data_key = DataKey.objects.filter(pk=data_key_id).first()
        if data_key is None:
            raise DataKeyMissing(f"Data key {data_key_id} does not exist.")
    if data_key.shredded_at is not None or data_key.wrapped_key is None:
        raise KeyShredded(f"Data key {data_key_id} was shredded; this case's encrypted data is gone for good.")
    key = case_key_from(data_key_id, _unwrap(data_key))
    scope.remember(data_key_id, key)
    return key


def case_key_from(data_key_id: uuid.UUID, key: bytes) -> CaseKey:
    """The ready-to-use form of a data key's plaintext bytes."""
    return CaseKey(AESGCM(key), FIELD_VERSION + data_key_id.bytes)


def _unwrap(data_key: DataKey) -> bytes:
    try:
        return keyring_get().unwrap(data_key_id=data_key.pk, kek_id=data_key.kek_id, wrapped=data_key.wrapped_key)
    except UnknownKeyEncryptionKey:
        # A KEK added to the ring file after this process started (rotation in progress): read the ring again once.
        keyring_reset()
        return keyring_get().unwrap(data_key_id=data_key.pk, kek_id=data_key.kek_id, wrapped=data_key.wrapped_key)
