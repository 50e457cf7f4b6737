"""The transfer package, format version 1 (docs/transfer-package.md): sign, then seal to CTP; open and verify.

The outer file is JSON: a header (format, version, package id, key ids, the sealing's ephemeral key and
nonce) and the ciphertext. The header is the AES-GCM associated data, so none of it can be changed.
Inside: the case document's exact bytes and this service's Ed25519 signature of them. The document names
the package id and CTP's key id, so a signed document cannot be re-sealed to another package or recipient
unnoticed. Its SHA-256, taken over the whole file, is what CTP's receipt acknowledges.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from encryption.sealing import Sealed, SealError, seal, unseal
from encryption.signing import ed25519_sign, ed25519_verify

FORMAT = "prevent-transfer-package"
DOCUMENT_FORMAT = "prevent-transfer-case"
VERSION = 1
SCHEME = "X25519-HKDF-SHA256-AES-256-GCM"
SIGNATURE = "Ed25519"
# HKDF's info: binds the derived key to this format and version.
INFO = b"prevent-transfer-package/v1"


class PackageRefused(ValueError):
    """A package that is not one, was changed, is for another key, or is not signed by the sender.

    `code` is for the audit log; the message is one line for people.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def key_id(public_key: bytes) -> str:
    """A short public name of a key: the first 16 hex digits of the SHA-256 of its raw bytes."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value that is signed and hashed (sorted keys, no spaces, UTF-8)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise PackageRefused("MALFORMED", "Refused: this is not a transfer package (a field is missing).")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise PackageRefused("MALFORMED", "Refused: this is not a transfer package (a field is not base64).") from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(
    *,
    document: dict[str, Any],
    package_id: str,
    signing_key: bytes,
    signing_public_key: bytes,
    recipient_public_key: bytes,
) -> bytes:
    """Sign the case document with this service's key and seal it to the recipient; returns the file's bytes."""
    document_bytes = canonical(document)
    inner = canonical({"document": _b64(document_bytes), "signature": _b64(ed25519_sign(signing_key, document_bytes))})
    header = {
        "format": FORMAT,
        "version": VERSION,
        "package_id": package_id,
        "signature_algorithm": SIGNATURE,
        "sender_key_id": key_id(signing_public_key),
        "encryption": SCHEME,
        "recipient_key_id": key_id(recipient_public_key),
    }
    sealed = seal(
        recipient_public_key=recipient_public_key, plaintext=inner, associated_data=canonical(header), info=INFO
    )
    header |= {"ephemeral_public_key": _b64(sealed.ephemeral_public_key), "nonce": _b64(sealed.nonce)}
    return canonical({"header": header, "ciphertext": _b64(sealed.ciphertext)})


@dataclass(frozen=True)
class Opened:
    package_id: str
    sha256: str
    document: dict[str, Any]


def _header(data: bytes) -> tuple[dict[str, Any], str]:
    try:
        outer = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8 or JSON; an integer of 5,000 digits; brackets nested 100,000 deep
        raise PackageRefused("MALFORMED", "Refused: this is not a transfer package (not JSON).") from None
    header = outer.get("header") if isinstance(outer, dict) else None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise PackageRefused("MALFORMED", "Refused: this is not a transfer package.")
    if header.get("version") != VERSION or header.get("encryption") != SCHEME:
        raise PackageRefused(
            "UNSUPPORTED_VERSION", f"Refused: package format version {header.get('version')!r} is not supported."
        )
    return header, outer.get("ciphertext")


def open_package(*, data: bytes, private_key: bytes, sender_public_key: bytes) -> Opened:
    """Verify and open a package with the recipient's private key; PackageRefused (one line) otherwise."""
    header, ciphertext = _header(data)
    sealed = Sealed(_unb64(header.get("ephemeral_public_key")), _unb64(header.get("nonce")), _unb64(ciphertext))
    aad = canonical({k: v for k, v in header.items() if k not in ("ephemeral_public_key", "nonce")})
    try:
        inner = json.loads(unseal(private_key=private_key, sealed=sealed, associated_data=aad, info=INFO))
    except SealError:
        raise PackageRefused(
            "WRONG_KEY_OR_TAMPERED", "Refused: the package does not open with this key, or its bytes were changed."
        ) from None
    document_bytes = _unb64(inner.get("document"))
    if not ed25519_verify(sender_public_key, document_bytes, _unb64(inner.get("signature"))):
        raise PackageRefused("BAD_SIGNATURE", "Refused: the package is not signed by the expected sender key.")
    document = json.loads(document_bytes)
    if document.get("package_id") != header.get("package_id") or document.get("recipient_key_id") != header.get(
        "recipient_key_id"
    ):
        raise PackageRefused("MISMATCH", "Refused: the signed document belongs to another package or recipient.")
    return Opened(package_id=header["package_id"], sha256=sha256_hex(data), document=document)
