"""Post-exit reviews (DOMAIN.md step 11): due 6 and 12 months after exit, in the council's working days, and
recorded from POST_EXIT_REVIEW_EARLY_DAYS before that, never earlier (channel/conditions.py); the 6-month one
moves the case to "post-exit reviews", the 12-month one completes it (closing the referral)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction

from ..choices import ChannelStage
from ..conditions import review_not_yet
from ..exceptions import ChannelInvalid
from ..models import ChannelCase
from ..services import channel_case_check, channel_case_step_take, post_exit_review_window_check
from .choices import PostExitOutcome, PostExitReviewKind
from .models import PostExitReview
from .schedule import post_exit_review_due, post_exit_review_opens

# The review due at each stage, and the step that records it. Only post_exit_review_record takes these steps,
# through services.channel_case_step_take (the one helper that runs every step): channel_case_transition refuses
# them, so no path moves the stage without the review row (channel/services.py, REVIEW_STEPS).
REVIEW_AT = {
    ChannelStage.EXITED: (PostExitReviewKind.SIX_MONTHS, "record_six_month_review"),
    ChannelStage.POST_EXIT_REVIEW: (PostExitReviewKind.TWELVE_MONTHS, "complete"),
}


def exited_on(channel_case: ChannelCase) -> datetime.date | None:
    return timezone.localdate(channel_case.exited_at) if channel_case.exited_at else None


def post_exit_reviews_due(channel_case: ChannelCase) -> list[dict[str, Any]]:
    """Both reviews of the latest exit: kind, due date, the day it can be recorded from (and whether that is still
    ahead), and the recorded review if there is one."""
    exit_day = exited_on(channel_case)
    if exit_day is None or channel_case.state not in (*REVIEW_AT, ChannelStage.COMPLETED):
        return []
    nation = channel_case.referral.local_authority.nation
    recorded = {
        review.kind: review for review in PostExitReview.objects.filter(channel_case=channel_case, exited_on=exit_day)
    }
    today = timezone.localdate()
    rows = []
    for kind in PostExitReviewKind:
        due_on = post_exit_review_due(exit_day, kind, nation)
        opens_on = post_exit_review_opens(due_on)
        rows.append(
            {
                "kind": kind,
                "label": kind.label,
                "due_on": due_on,
                "opens_on": opens_on,
                "not_yet": today < opens_on,
                "review": recorded.get(kind.value),
            }
        )
    return rows


def post_exit_review_not_yet(channel_case: ChannelCase) -> str:
    """Why the review due at the case's stage cannot be recorded today ("" when it can, or none is due)."""
    if channel_case.state not in REVIEW_AT:
        return ""
    return review_not_yet(channel_case, REVIEW_AT[ChannelStage(channel_case.state)][1])


def post_exit_review_recordable(channel_case: ChannelCase) -> bool:
    """Whether a review is due at the case's stage and its window is open today."""
    return channel_case.state in REVIEW_AT and not post_exit_review_not_yet(channel_case)


def post_exit_review_record(
    *, channel_case: ChannelCase, actor: Any, outcome: str, note: str, shown_state: str = ""
) -> PostExitReview:
    """Record the review due now (6-month from "exited", 12-month from "post-exit reviews") with its outcome,
    through the case's own transition, as one audited transaction: the only way a post-exit review step is taken.

    `shown_state` is the stage the form was shown at: a second submission of the 6-month form is a 409, never the
    12-month review (which would complete the case and close the referral)."""
    stage = shown_state or channel_case.state
    if stage not in REVIEW_AT:
        raise ChannelInvalid({"__all__": ["No post-exit review is due for this case now"]})
    kind, transition = REVIEW_AT[ChannelStage(stage)]
    # A 409 if the case moved on since the form was shown; then the permission (a refusal is audited).
    channel_case_check(channel_case, transition, actor=actor, shown_state=shown_state)
    post_exit_review_window_check(channel_case, transition, actor=actor)  # not before its window; audited too
    if outcome not in PostExitOutcome.values:
        raise ChannelInvalid({"outcome": ["Select what the review found"]})
    exit_day = exited_on(channel_case)
    due_on = post_exit_review_due(exit_day, kind, channel_case.referral.local_authority.nation)
    with transaction.atomic():
        decision = channel_case_step_take(
            channel_case=channel_case, actor=actor, transition=transition, shown_state=channel_case.state, note=note
        )
        review = PostExitReview.objects.create(
            channel_case=channel_case,
            kind=kind,
            exited_on=exit_day,
            due_on=due_on,
            outcome=outcome,
            decision=decision,
            recorded_by=actor,
        )
        audit.record(
            actor=actor,
            action=AuditAction.CHANNEL_POST_EXIT_REVIEW_RECORDED,
            target=channel_case,
            reason_code=outcome,
            details={"review_id": review.pk, "kind": kind.value, "decision_id": decision.pk},
        )
    return review
