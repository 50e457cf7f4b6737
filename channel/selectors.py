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


# Where channel_stage_of() keeps its answer on the loaded referral (as cached_property keeps its value).
_STAGE_KEY = "_channel_stage_of"


def channel_stage_of(referral: Any) -> str | None:
    """The state of the referral's Channel case, or None before it was handed to Channel.

    Read once per loaded referral: the case page asks it of every Channel section (channel, consent,
    support, reviews, panel: is it visible?) and of its summary (the stage), five to six queries that
    were each the same. A loaded referral lives for one request; a page that hands a case to Channel
    redirects, so the next request loads the referral, and the answer, afresh.
    """
    if _STAGE_KEY not in referral.__dict__:
        state = ChannelCase.objects.filter(referral=referral).values_list("state", flat=True).first()
        referral.__dict__[_STAGE_KEY] = state
    return referral.__dict__[_STAGE_KEY]


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
