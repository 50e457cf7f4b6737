"""Recording that a closed case must go to CTP, and building its package (sign, then seal)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction
from audit.models import AuditEvent
from core.services import outbox_enqueue
from referrals.choices import ReferralStatus
from referrals.models import Referral
from referrals.services import referral_start_transfer

from .. import keys, package
from ..contributors import CONTRIBUTORS, Files, plain
from ..models import Transfer, TransferStage

DELIVER = "closure.transfer_deliver"


def transfer_record(*, referral_id: Any, actor: Any) -> Transfer:
    """Inside the closing transaction: a transfer is due, and its delivery is queued in the outbox (idempotent).

    `actor` closed the case; the closing's own audit event names them, so nothing more is recorded here.
    """
    transfer, created = Transfer.objects.get_or_create(referral_id=referral_id, defaults={"package_id": uuid.uuid4()})
    if created:
        outbox_enqueue(topic=DELIVER, object_id=transfer.pk)
    return transfer


def _audit_events(reference: str) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(case_reference=reference).order_by("sequence")
    fields = ("sequence", "occurred_at", "actor_id", "actor_role", "action", "outcome", "target_type", "target_id")
    return [
        {
            **{name: plain(getattr(event, name)) for name in fields},
            "reason_code": event.reason_code,
            "details": event.details,
            "mac": event.mac,
        }
        for event in events
    ]


def transfer_document(*, transfer: Transfer, referral: Referral) -> tuple[dict[str, Any], int]:
    """The case document (every contributor's part, the files, the audit events) and how many files it holds."""
    files = Files()
    case: dict[str, Any] = {"reference": referral.reference, "status": referral.status}
    for key, contributor in CONTRIBUTORS:
        case[key] = contributor(referral, files)
    document = {
        "format": package.DOCUMENT_FORMAT,
        "version": package.VERSION,
        "package_id": str(transfer.package_id),
        "created_at": timezone.now().isoformat(),
        "sender": {"service": settings.SERVICE_NAME, "key_id": package.key_id(keys.signing_public_key())},
        "recipient_key_id": package.key_id(keys.ctp_public_key()),
        "case": case,
        "attachments": files.entries,
        "audit_events": _audit_events(referral.reference),
    }
    return document, len(files.entries)


def transfer_package_build(*, transfer_id: Any) -> Transfer:
    """Build, sign and seal the package once, store it, and move the case to "transferring" (idempotent).

    The package is built outside the transaction (decrypting a large case takes time); the row is then
    locked and written only if no other worker stored a package meanwhile.
    """
    transfer = Transfer.objects.select_related("referral__data_key", "referral__local_authority").get(pk=transfer_id)
    if transfer.package_sha256:
        return transfer
    referral = transfer.referral
    document, attachments = transfer_document(transfer=transfer, referral=referral)
    sealed = package.build(
        document=document,
        package_id=str(transfer.package_id),
        signing_key=keys.signing_key(),
        signing_public_key=keys.signing_public_key(),
        recipient_public_key=keys.ctp_public_key(),
    )
    with transaction.atomic(durable=True):
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.package_sha256:
            return locked
        locked.package = sealed
        locked.package_sha256 = package.sha256_hex(sealed)
        locked.package_size = len(sealed)
        locked.built_at = timezone.now()
        locked.stage = TransferStage.BUILT
        locked.save(update_fields=["package", "package_sha256", "package_size", "built_at", "stage", "updated_at"])
        fresh = Referral.objects.select_for_update().get(pk=referral.pk)
        if fresh.status == ReferralStatus.CLOSED:
            referral_start_transfer(referral=fresh)
        audit.record(
            actor=None,
            action=AuditAction.TRANSFER_PACKAGE_BUILT,
            target=fresh,
            details={
                "package_id": str(locked.package_id),
                "package_sha256": locked.package_sha256,
                "size": locked.package_size,
                "attachments": attachments,
            },
        )
    return locked
