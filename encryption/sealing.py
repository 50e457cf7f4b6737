"""Sealing to a recipient's public key: X25519 + HKDF-SHA256 + AES-256-GCM (the transfer package to CTP).

An ephemeral X25519 key pair per message; the shared secret goes through HKDF-SHA256 (salt: the ephemeral
and the recipient public keys, info: a fixed label naming the format) to one AES-256-GCM key used once.
The caller's associated data (the package header) is authenticated, not encrypted. Why this scheme and not
another: docs/transfer-package.md. Keys are raw 32-byte values; nothing here touches Django.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

KEY_BYTES = 32
NONCE_BYTES = 12


class SealError(ValueError):
    """The sealed bytes do not open with this key: tampered, for another recipient, or not a sealed message."""


@dataclass(frozen=True)
class Sealed:
    ephemeral_public_key: bytes
    nonce: bytes
    ciphertext: bytes


def x25519_private_key_new() -> bytes:
    """A fresh random 32-byte X25519 private key."""
    return X25519PrivateKey.generate().private_bytes_raw()


def x25519_public_key(private_key: bytes) -> bytes:
    """The 32-byte public key of an X25519 private key (ValueError if it is not 32 bytes)."""
    return X25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes, info: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=ephemeral_public + recipient_public, info=info
    ).derive(shared)


def seal(*, recipient_public_key: bytes, plaintext: bytes, associated_data: bytes, info: bytes) -> Sealed:
    """Encrypt `plaintext` so that only the holder of the recipient's private key can read it."""
    recipient = X25519PublicKey.from_public_bytes(recipient_public_key)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key = _key(ephemeral.exchange(recipient), ephemeral_public, recipient_public_key, info)
    nonce = secrets.token_bytes(NONCE_BYTES)
    return Sealed(ephemeral_public, nonce, AESGCM(key).encrypt(nonce, plaintext, associated_data))


def unseal(*, private_key: bytes, sealed: Sealed, associated_data: bytes, info: bytes) -> bytes:
    """Decrypt a sealed message; SealError for a wrong key, changed bytes or changed associated data."""
    try:
        recipient = X25519PrivateKey.from_private_bytes(private_key)
        recipient_public = recipient.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        shared = recipient.exchange(X25519PublicKey.from_public_bytes(sealed.ephemeral_public_key))
        key = _key(shared, sealed.ephemeral_public_key, recipient_public, info)
        return AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, associated_data)
    except (InvalidTag, ValueError) as exc:
        raise SealError("The package does not open with this key, or its bytes were changed.") from exc
