"""Encryption errors: every failure to decrypt raises one of these, never returns a value.

Messages name ids and causes only, never a plaintext value.
"""

from __future__ import annotations


class EncryptionError(Exception):
    """Base class: something in the encryption layer refused to go on."""


class DecryptionError(EncryptionError):
    """A ciphertext could not be authenticated or decrypted (tampered, moved, wrong key)."""


class KeyShredded(DecryptionError):
    """The case's data key was destroyed: its ciphertexts are permanently unreadable."""


class DataKeyMissing(EncryptionError):
    """A row with encrypted fields has no data key to encrypt or decrypt with."""


class UnknownKeyEncryptionKey(DecryptionError):
    """A data key is wrapped by a key-encryption key that is not in the key ring."""


class KeyInUse(EncryptionError):
    """A key-encryption key cannot be retired while data keys are still wrapped by it."""
