"""Ed25519 signatures: the bare primitives, for the audit chain's checkpoints (audit/checkpoints.py).

Keys are raw bytes: a 32-byte private seed and its 32-byte public key. Importable from settings:
nothing here touches Django.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SEED_BYTES = 32


def ed25519_private_key_new() -> bytes:
    """A fresh random 32-byte private seed."""
    return secrets.token_bytes(SEED_BYTES)


def ed25519_public_key(private_seed: bytes) -> bytes:
    """The 32-byte public key of a private seed (ValueError if the seed is not 32 bytes)."""
    private = Ed25519PrivateKey.from_private_bytes(private_seed)
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def ed25519_sign(private_seed: bytes, message: bytes) -> bytes:
    """The 64-byte signature of message."""
    return Ed25519PrivateKey.from_private_bytes(private_seed).sign(message)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True only when signature is this key's signature of exactly this message."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
