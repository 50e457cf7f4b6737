"""The inputs each Channel step needs, and the paths that bring a Channel case to each stage."""

from __future__ import annotations

import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from channel.choices import ChannelStage, ExitReason, NotAdoptedReason, RelistReason, WithdrawalReason
from channel.models import ChannelCase
from channel.services import channel_case_transition
from channel.support.choices import PostExitOutcome
from channel.support.reviews import REVIEW_AT, post_exit_review_record

S = ChannelStage

REASONS = {
    "not_adopt": NotAdoptedReason.SIGNPOSTED_HEALTH,
    "exit": ExitReason.VULNERABILITY_REDUCED,
    "relist": RelistReason.RISK_ROSE_AFTER_EXIT,
    "withdraw": WithdrawalReason.MOVED_AREA,
}
# Who takes each step in the paths below (a role that may: channel/permissions.py).
TAKER = {
    "adopt": "channel_chair",
    "not_adopt": "channel_chair",
    "record_consent_given": "triage_officer",
    "record_consent_refused": "channel_chair",
    "exit": "channel_chair",
    "record_six_month_review": "triage_officer",
    "complete": "channel_chair",
    "relist": "channel_chair",
    "withdraw": "prevent_lead",
}
# The steps from "listed" to each stage.
PATHS = {
    S.LISTED: (),
    S.NOT_ADOPTED: ("not_adopt",),
    S.AWAITING_CONSENT: ("adopt",),
    S.CONSENT_REFUSED: ("adopt", "record_consent_refused"),
    S.SUPPORTED: ("adopt", "record_consent_given"),
    S.EXITED: ("adopt", "record_consent_given", "exit"),
    S.POST_EXIT_REVIEW: ("adopt", "record_consent_given", "exit", "record_six_month_review"),
    S.COMPLETED: ("adopt", "record_consent_given", "exit", "record_six_month_review", "complete"),
    S.WITHDRAWN: ("withdraw",),
}
# Every allowed step: (from, step) -> to. Anything else is refused.
ALLOWED = {
    (S.LISTED, "adopt"): S.AWAITING_CONSENT,
    (S.LISTED, "not_adopt"): S.NOT_ADOPTED,
    (S.AWAITING_CONSENT, "record_consent_given"): S.SUPPORTED,
    (S.AWAITING_CONSENT, "record_consent_refused"): S.CONSENT_REFUSED,
    (S.CONSENT_REFUSED, "relist"): S.LISTED,
    (S.CONSENT_REFUSED, "exit"): S.EXITED,
    (S.SUPPORTED, "exit"): S.EXITED,
    (S.EXITED, "record_six_month_review"): S.POST_EXIT_REVIEW,
    (S.POST_EXIT_REVIEW, "complete"): S.COMPLETED,
    (S.EXITED, "relist"): S.LISTED,
    (S.POST_EXIT_REVIEW, "relist"): S.LISTED,
    **{
        (stage, "withdraw"): S.WITHDRAWN
        for stage in (S.LISTED, S.AWAITING_CONSENT, S.CONSENT_REFUSED, S.SUPPORTED, S.EXITED, S.POST_EXIT_REVIEW)
    },
}
STEPS = tuple(TAKER)
# Who may take each step (ACCESS.md "Actions"), by role, in the case's own council.
MAY = {
    "adopt": {"channel_chair"},
    "not_adopt": {"channel_chair"},
    "exit": {"channel_chair"},
    "relist": {"channel_chair"},
    "record_consent_given": {"channel_chair", "triage_officer"},
    "record_consent_refused": {"channel_chair", "triage_officer"},
    "record_six_month_review": {"channel_chair", "triage_officer"},
    "complete": {"channel_chair", "triage_officer"},
    "withdraw": {"channel_chair", "prevent_lead"},
}


def inputs(step: str, note: str = "") -> dict[str, Any]:
    today = timezone.localdate()
    values: dict[str, Any] = {"note": note or f"Reasons for {step}."}
    if step in REASONS:
        values["reason_code"] = REASONS[step]
    if step in ("record_consent_given", "record_consent_refused"):
        values["consent_date"] = today
    if step == "record_consent_refused":
        values["reassess_on"] = today + datetime.timedelta(days=60)
    if step in ("record_six_month_review", "complete"):
        values["outcome"] = PostExitOutcome.NO_CONCERNS
    return values


def take(channel_case: ChannelCase, step: str, actor: Any, **overrides: Any):
    """Take the step through its service: a post-exit review (at the stage it is due) through the one service
    that records it with its outcome, whose decision is returned; any other step, or a review step from another
    stage (refused as not possible), through channel_case_transition."""
    values = inputs(step) | overrides
    if REVIEW_AT.get(channel_case.state, (None, None))[1] == step:
        return post_exit_review_record(channel_case=channel_case, actor=actor, **values).decision
    values.pop("outcome", None)
    return channel_case_transition(channel_case=channel_case, actor=actor, transition=step, **values)


def exit_dated(channel_case: ChannelCase, *, months_ago: int = 13, days: int = 0) -> ChannelCase:
    """Date the case's exit back (`months_ago` months and `days` more), as if it had exited then: the post-exit
    reviews are recorded only from POST_EXIT_REVIEW_EARLY_DAYS before their due days, which count from the exit.
    13 months back, both windows are open today."""
    at = timezone.now() - relativedelta(months=months_ago) - datetime.timedelta(days=days)
    ChannelCase.objects.filter(pk=channel_case.pk).update(exited_at=at)
    channel_case.exited_at = at
    return channel_case


def bring_to(channel_case: ChannelCase, stage: str, users: dict[str, Any]) -> ChannelCase:
    """Take the steps to `stage`; a path through the post-exit reviews exited 13 months ago (their windows open)."""
    for step in PATHS[stage]:
        if step == "record_six_month_review":
            exit_dated(channel_case)
        take(channel_case, step, users[TAKER[step]])
    assert channel_case.state == stage
    return ChannelCase.objects.select_related("referral").get(pk=channel_case.pk)
