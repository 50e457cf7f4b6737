"""When the post-exit review steps may be taken: the conditions of the ChannelCase transitions that record them
(django-fsm `conditions=`), so no path records a review before its window opens, and the words that say why.

A review can be recorded from POST_EXIT_REVIEW_EARLY_DAYS before its due day (channel/support/schedule.py); the
12-month one only once the 6-month one of the same exit is recorded. The services check the same rule first, to
refuse with this message and an audited refusal (channel.services.post_exit_review_window_check)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from .support.choices import PostExitReviewKind
from .support.schedule import post_exit_review_due, post_exit_review_opens

# The transitions that record a post-exit review, and which one.
REVIEW_OF = {"record_six_month_review": PostExitReviewKind.SIX_MONTHS, "complete": PostExitReviewKind.TWELVE_MONTHS}


def review_opens_on(channel_case: Any, transition: str) -> datetime.date | None:
    """The day the review this step records can be recorded from; None for a step that records none."""
    kind = REVIEW_OF.get(transition)
    if kind is None or channel_case.exited_at is None:
        return None
    exit_day = timezone.localdate(channel_case.exited_at)
    return post_exit_review_opens(post_exit_review_due(exit_day, kind, channel_case.referral.local_authority.nation))


def _six_month_review_recorded(channel_case: Any) -> bool:
    recorded = channel_case.six_month_review_at
    return recorded is not None and channel_case.exited_at is not None and recorded >= channel_case.exited_at


def review_not_yet(channel_case: Any, transition: str, today: datetime.date | None = None) -> str:
    """Why this step's review cannot be recorded today, in GOV.UK words ("" when it can, or it records none)."""
    kind = REVIEW_OF.get(transition)
    if kind is None:
        return ""
    if channel_case.exited_at is None:
        return "No post-exit review is due for this case now"
    if kind == PostExitReviewKind.TWELVE_MONTHS and not _six_month_review_recorded(channel_case):
        return "The 12-month review can be recorded only after the 6-month review"
    opens = review_opens_on(channel_case, transition)
    if opens is not None and (today or timezone.localdate()) < opens:
        return f"The {kind.label} can be recorded from {opens:%-d %B %Y}"
    return ""


def six_month_review_window_open(channel_case: Any) -> bool:
    return not review_not_yet(channel_case, "record_six_month_review")


def twelve_month_review_window_open(channel_case: Any) -> bool:
    return not review_not_yet(channel_case, "complete")
