"""Reads of transfers, always through the referral's visibility (referrals.selectors): ids, stages, dates."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from referrals.selectors import referral_list_visible

from .models import Transfer, TransferStage


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
