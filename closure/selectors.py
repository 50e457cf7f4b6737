"""Reads of transfers, always through the referral's visibility (referrals.selectors): ids, stages, dates."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from referrals.selectors import referral_list_visible

from .models import PurgeCertificate, Transfer, TransferStage
from .permissions import can_list_certificates


def transfer_for(referral: Any) -> Transfer | None:
    """The case's transfer, or None before it was closed (the caller may see the referral)."""
    return Transfer.objects.filter(referral=referral).defer("package").first()


def transfer_list_in_progress(*, user: Any) -> QuerySet[Transfer]:
    """The transfers of the cases this user may see that CTP has not acknowledged yet, oldest first.

    Reference, stage and dates only: nothing is decrypted, and the sealed package is not loaded.
    """
    return (
        Transfer.objects.filter(referral__in=referral_list_visible(user=user))
        .exclude(stage=TransferStage.ACKNOWLEDGED)
        .select_related("referral")
        .only(
            "id",
            "stage",
            "created_at",
            "built_at",
            "delivered_at",
            "delivery_attempts",
            "last_error",
            "referral__reference",
            "referral__status",
            "referral__closed_at",
        )
        .order_by("created_at")
    )


def certificate_list(*, user: Any) -> QuerySet[PurgeCertificate]:
    """The purge certificates of the user's council (Prevent lead, auditor), newest first; none for anyone else."""
    if not can_list_certificates(user):
        return PurgeCertificate.objects.none()
    return PurgeCertificate.objects.filter(local_authority_id=user.local_authority_id).order_by("-purged_at")


def certificate_get(*, user: Any, reference: str) -> PurgeCertificate | None:
    """One certificate of the user's council, or None (another council's is not shown either)."""
    return certificate_list(user=user).filter(reference=reference).first()


def purged_references_for_referrer(*, user: Any) -> list[dict[str, Any]]:
    """The referrer's purged cases: the reference and when it was sent, nothing else (they read "Closed")."""
    return list(
        PurgeCertificate.objects.filter(referrer=user).order_by("-submitted_at").values("reference", "submitted_at")
    )
