"""The purge certificate's signed form: canonical JSON of its fields, signed with TRANSFER_SIGNING_KEY (Ed25519).

Anyone with this service's public key (the one CTP checks packages with) can check a certificate:
`certificate_verify` here, or by hand from the JSON that verify_purge prints.
"""

from __future__ import annotations

import base64
from typing import Any

from encryption.signing import ed25519_sign, ed25519_verify

from . import keys, package

FORMAT = "prevent-purge-certificate"
VERSION = 1


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def certificate_document(certificate: Any) -> dict[str, Any]:
    """Everything the signature covers (no personal data: ids, dates, counts, hashes)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "certificate_id": str(certificate.pk),
        "reference": certificate.reference,
        "case_id": str(certificate.case_id),
        "data_key_id": str(certificate.data_key_id),
        "local_authority_id": certificate.local_authority_id,
        "submitted_at": _iso(certificate.submitted_at),
        "closed_at": _iso(certificate.closed_at),
        "delivered_at": _iso(certificate.delivered_at),
        "receipt_received_at": _iso(certificate.receipt_received_at),
        "purged_at": _iso(certificate.purged_at),
        "package_id": str(certificate.package_id),
        "package_sha256": certificate.package_sha256,
        "receipt_id": str(certificate.receipt_id),
        "rows_deleted": dict(sorted(certificate.rows_deleted.items())),
        "files_deleted": certificate.files_deleted,
        "authorised_by_user_id": certificate.authorised_by_id,
        "authorised_via": certificate.authorised_via,
        "signing_key_id": certificate.signing_key_id,
    }


def certificate_sign(certificate: Any) -> None:
    """Set the certificate's key id and signature (before it is saved)."""
    certificate.signing_key_id = package.key_id(keys.signing_public_key())
    signature = ed25519_sign(keys.signing_key(), package.canonical(certificate_document(certificate)))
    certificate.signature = base64.b64encode(signature).decode("ascii")


def certificate_verify(certificate: Any) -> bool:
    """True if the stored certificate is exactly what this service signed."""
    try:
        signature = base64.b64decode(certificate.signature, validate=True)
    except ValueError:
        return False
    return ed25519_verify(keys.signing_public_key(), package.canonical(certificate_document(certificate)), signature)
