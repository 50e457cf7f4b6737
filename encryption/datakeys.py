"""Unwrapping per-case data keys into AES-256-GCM ciphers, cached only within a scope."""

from __future__ import annotations

import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from . import scope
from .exceptions import DataKeyMissing, KeyShredded, UnknownKeyEncryptionKey
from .keyring import DATA_KEY_BYTES, keyring_get, keyring_reset
from .models import DataKey


def data_key_generate() -> bytes:
    """Return 256 fresh random bits for a new case data key."""
    return AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)


def data_key_cipher(data_key_id: uuid.UUID, *, data_key: DataKey | None = None) -> AESGCM:
    """Return the AEAD for a case's data key; raise KeyShredded or DataKeyMissing, never a stand-in."""
    cipher = scope.cached(data_key_id)
    if cipher is not None:
        return cipher
    if scope.is_shredded(data_key_id):
        raise KeyShredded(f"Data key {data_key_id} was shredded; this case's encrypted data is gone for good.")
    if data_key is None or data_key.pk != data_key_id:
        data_key = DataKey.objects.filter(pk=data_key_id).first()
        if data_key is None:
            raise DataKeyMissing(f"Data key {data_key_id} does not exist.")
    if data_key.shredded_at is not None or data_key.wrapped_key is None:
        raise KeyShredded(f"Data key {data_key_id} was shredded; this case's encrypted data is gone for good.")
    cipher = AESGCM(_unwrap(data_key))
    scope.remember(data_key_id, cipher)
    return cipher


def _unwrap(data_key: DataKey) -> bytes:
    try:
        return keyring_get().unwrap(data_key_id=data_key.pk, kek_id=data_key.kek_id, wrapped=data_key.wrapped_key)
    except UnknownKeyEncryptionKey:
        # A KEK added to the ring file after this process started (rotation in progress): read the ring again once.
        keyring_reset()
        return keyring_get().unwrap(data_key_id=data_key.pk, kek_id=data_key.kek_id, wrapped=data_key.wrapped_key)
