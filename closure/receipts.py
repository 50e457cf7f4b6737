"""CTP's receipt, format version 1 (docs/transfer-package.md): a signed acknowledgement of one package's hash.

JSON: {"format", "version", "receipt_id", "package_id", "package_sha256", "case_reference", "received_at",
"signature"}; the signature is CTP's Ed25519 signature of the canonical JSON of every other field.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from encryption.signing import ed25519_sign, ed25519_verify

from .package import canonical

FORMAT = "prevent-transfer-receipt"
VERSION = 1
FIELDS = ("format", "version", "receipt_id", "package_id", "package_sha256", "case_reference", "received_at")
SHA256_RE = re.compile(r"^[0-9a-f]{64}\Z")


class ReceiptRefused(ValueError):
    """A receipt that cannot be accepted: `code` for the audit log, the message one line for people."""

    def __init__(self, code: str, message: str, *, package_id: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.package_id = package_id


@dataclass(frozen=True)
class Receipt:
    receipt_id: str
    package_id: str
    package_sha256: str
    case_reference: str
    received_at: str
    text: str


def receipt_build(
    *, signing_key: bytes, package_id: str, package_sha256: str, case_reference: str, received_at: str
) -> bytes:
    """The recipient's side: sign an acknowledgement of the package with this hash."""
    body = {
        "format": FORMAT,
        "version": VERSION,
        "receipt_id": str(uuid.uuid4()),
        "package_id": package_id,
        "package_sha256": package_sha256,
        "case_reference": case_reference,
        "received_at": received_at,
    }
    signature = base64.b64encode(ed25519_sign(signing_key, canonical(body))).decode("ascii")
    return json.dumps({**body, "signature": signature}, indent=2).encode("utf-8") + b"\n"


def _parsed(data: bytes) -> dict[str, Any]:
    try:
        receipt = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # not UTF-8 or JSON; an integer of 5,000 digits; brackets nested 100,000 deep
        raise ReceiptRefused("MALFORMED", "Refused: this is not a transfer receipt (not JSON).") from None
    if not isinstance(receipt, dict) or receipt.get("format") != FORMAT or receipt.get("version") != VERSION:
        raise ReceiptRefused("MALFORMED", "Refused: this is not a transfer receipt of a supported version.")
    if not all(isinstance(receipt.get(name), str | int) for name in FIELDS) or not isinstance(
        receipt.get("signature"), str
    ):
        raise ReceiptRefused("MALFORMED", "Refused: the transfer receipt is missing a field.")
    try:
        uuid.UUID(receipt["receipt_id"])
        uuid.UUID(receipt["package_id"])
    except (ValueError, AttributeError, TypeError):
        raise ReceiptRefused("MALFORMED", "Refused: the transfer receipt's ids are not valid.") from None
    if not SHA256_RE.match(str(receipt["package_sha256"])):
        raise ReceiptRefused("MALFORMED", "Refused: the transfer receipt's package hash is not a SHA-256.")
    return receipt


def receipt_verify(*, data: bytes, ctp_signing_public_key: bytes) -> Receipt:
    """Parse a receipt and check CTP's signature (not yet which package it is for: the service does that)."""
    receipt = _parsed(data)
    try:
        signature = base64.b64decode(receipt["signature"].encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        signature = b""
    body = {name: receipt[name] for name in FIELDS}
    if not ed25519_verify(ctp_signing_public_key, canonical(body), signature):
        raise ReceiptRefused(
            "BAD_SIGNATURE",
            "Refused: the receipt is not signed by the configured recipient key (CTP_SIGNING_PUBLIC_KEY).",
            package_id=str(receipt["package_id"]),
        )
    return Receipt(
        receipt_id=str(receipt["receipt_id"]),
        package_id=str(receipt["package_id"]),
        package_sha256=str(receipt["package_sha256"]),
        case_reference=str(receipt["case_reference"]),
        received_at=str(receipt["received_at"]),
        text=json.dumps(receipt, sort_keys=True),
    )
