"""Accepting CTP's receipt of a package: loaded by an operator, or confirmed in the UI by the CTP liaison."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction
from referrals.exceptions import TransitionRefused
from referrals.models import Referral
from referrals.permissions import can_confirm_transfer
from referrals.services import referral_confirm_transfer

from .. import keys
from ..models import Transfer, TransferStage
from ..receipts import Receipt, ReceiptRefused, receipt_verify


def _refuse(*, actor: Any, error: ReceiptRefused, via: str, referral: Referral | None) -> ReceiptRefused:
    details: dict[str, Any] = {"via": via}
    if error.package_id:
        details["package_id"] = error.package_id
    audit.record_refusal(
        actor=actor,
        action=AuditAction.TRANSFER_RECEIPT_REFUSED,
        target=referral,
        reason_code=error.code,
        details=details,
    )
    return error


def _transfer_for(receipt: Receipt, referral: Referral | None) -> Transfer:
    """The transfer the receipt acknowledges; ReceiptRefused if it is for another package or none of ours."""
    transfers = Transfer.objects.select_related("referral")
    transfer = (
        transfers.filter(referral=referral).first()
        if referral is not None
        else transfers.filter(package_id=receipt.package_id).first()
    )
    if transfer is None and referral is None:
        raise ReceiptRefused("UNKNOWN_PACKAGE", "Refused: the receipt is for no package this service sent.")
    if (
        transfer is None
        or str(transfer.package_id) != receipt.package_id
        or transfer.package_sha256 != receipt.package_sha256
    ):
        raise ReceiptRefused(
            "WRONG_PACKAGE", "Refused: the receipt is for another package.", package_id=receipt.package_id
        )
    if transfer.stage == TransferStage.DUE:
        raise ReceiptRefused("NOT_SENT", "Refused: this package has not been sent yet.", package_id=receipt.package_id)
    return transfer


def transfer_receipt_accept(*, data: bytes, actor: Any, via: str, referral: Referral | None = None) -> Transfer:
    """Verify CTP's signed receipt and move the case to "transferred" (idempotent for the same receipt).

    `via` is "command" (receive_receipt, actor None) or "upload" (the case's Closure section, whose
    `referral` the receipt must be for). Refusals are audited, each committed on its own, and change nothing.
    """
    if referral is not None and not can_confirm_transfer(referral, actor):
        audit.record_refusal(
            actor=actor,
            action=AuditAction.TRANSFER_RECEIPT_REFUSED,
            target=referral,
            reason_code="NOT_PERMITTED",
            details={"via": via},
        )
        raise TransitionRefused("confirm_transfer")
    try:
        receipt = receipt_verify(data=data, ctp_signing_public_key=keys.ctp_signing_public_key())
        transfer = _transfer_for(receipt, referral)
    except ReceiptRefused as error:
        raise _refuse(actor=actor, error=error, via=via, referral=referral) from None
    if transfer.stage == TransferStage.ACKNOWLEDGED:
        if str(transfer.receipt_id) == receipt.receipt_id:
            return transfer
        raise _refuse(
            actor=actor,
            error=ReceiptRefused(
                "ALREADY_ACKNOWLEDGED",
                "Refused: this package's receipt was accepted already.",
                package_id=receipt.package_id,
            ),
            via=via,
            referral=transfer.referral,
        )
    with transaction.atomic(durable=True):  # an outermost closure step: no caller can roll it back later
        locked = Transfer.objects.select_for_update().select_related("referral").get(pk=transfer.pk)
        locked.stage = TransferStage.ACKNOWLEDGED
        locked.receipt_id = uuid.UUID(receipt.receipt_id)
        locked.receipt = receipt.text
        locked.receipt_received_at = timezone.now()
        locked.receipt_confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(
            update_fields=[
                "stage",
                "receipt_id",
                "receipt",
                "receipt_received_at",
                "receipt_confirmed_by",
                "updated_at",
            ]
        )
        case = Referral.objects.select_for_update().get(pk=locked.referral_id)
        referral_confirm_transfer(referral=case, actor=actor)
        audit.record(
            actor=actor,
            action=AuditAction.TRANSFER_RECEIPT_ACCEPTED,
            target=case,
            details={"package_id": str(locked.package_id), "receipt_id": receipt.receipt_id, "via": via},
        )
    return locked
