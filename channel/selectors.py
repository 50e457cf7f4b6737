"""Reads of Channel cases, always through the referral's visibility (referrals.selectors)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from referrals.selectors import referral_get, referral_list_visible

from .models import ChannelCase, ChannelDecision


def channel_case_for(referral: Any) -> ChannelCase | None:
    """The referral's Channel case, or None before it was handed to Channel (the caller may see the referral)."""
    return ChannelCase.objects.filter(referral=referral).first()


def channel_case_get(*, user: Any, reference: str) -> ChannelCase:
    """The Channel case of a referral this user may see; 404 if the case is not visible or not with Channel."""
    referral = referral_get(user=user, reference=reference)
    channel_case = channel_case_for(referral)
    if channel_case is None:
        raise Http404
    channel_case.referral = referral  # the visible copy, with its data key loaded
    return channel_case


def channel_decisions(*, channel_case: ChannelCase) -> list[ChannelDecision]:
    """The case's recorded steps, oldest first, with who took them (the notes decrypt with the case's key)."""
    return list(
        ChannelDecision.objects.filter(channel_case=channel_case).select_related(
            "decided_by", "channel_case__referral__data_key"
        )
    )


def channel_case_list_visible(*, user: Any) -> QuerySet[ChannelCase]:
    """The Channel cases of the cases this user may see, newest listed first: reference, stage and dates
    only (nothing is decrypted for the list)."""
    return (
        ChannelCase.objects.filter(referral__in=referral_list_visible(user=user))
        .select_related("referral")
        .only("id", "state", "listed_at", "reassess_on", "closed_at", "referral__reference", "referral__status")
        .order_by("-listed_at")
    )
