"""Every write of a Channel case: opening it on hand-over, and each step of its state machine, each one
transaction with its audit event; refusals are recorded (committed on their own) before it opens."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from audit import services as audit
from audit.actions import AuditAction
from referrals import services as referral_services
from referrals.choices import ClosingReason
from referrals.exceptions import CaseChangedMeanwhile, TransitionNotPossible, TransitionRefused
from referrals.models import Referral

from .choices import ExitReason, NotAdoptedReason, RelistReason, WithdrawalReason
from .conditions import REVIEW_OF, review_not_yet
from .exceptions import ChannelInvalid, PostExitReviewNeedsOutcome, PostExitReviewNotOpen
from .models import ChannelCase, ChannelDecision

# The steps that end the Channel case close the referral too, for this reason (referrals' own list).
CLOSING_REASONS = {
    "not_adopt": ClosingReason.CHANNEL_NOT_ADOPTED,
    "complete": ClosingReason.CHANNEL_COMPLETED,
    "withdraw": ClosingReason.CHANNEL_WITHDRAWN,
}
# The reasons a step offers (people pick a label; statistics read the code).
STEP_REASONS: dict[str, Any] = {
    "not_adopt": NotAdoptedReason,
    "exit": ExitReason,
    "relist": RelistReason,
    "withdraw": WithdrawalReason,
}
# The panel's decisions (ACCESS.md: the Channel chair, only with quorum): recorded at a panel meeting through
# channel.meetings.services.decision_record, which takes the step here; never a button or page of their own.
PANEL_DECISIONS = frozenset({"adopt", "not_adopt", "exit", "relist"})
# Consent steps take dates; their note is optional. Every other step records why, in words (encrypted).
NOTE_OPTIONAL = ("record_consent_given", "record_consent_refused")
# The post-exit review steps record a review and its outcome (a PostExitReview row): only
# channel.support.reviews.post_exit_review_record takes them, through channel_case_step_take, so no path (the case
# page's step pages, the demo, a shell) moves the stage without the outcome; channel_case_transition refuses them.
REVIEW_STEPS = frozenset(REVIEW_OF)
NOTE_MAX_LENGTH = 5000


def channel_case_open(*, referral_id: Any, actor: Any) -> ChannelCase:
    """List a referral handed to Channel for the panel: one ChannelCase per referral, however often called.

    Runs inside the referral's refer_to_channel transaction (the receiver of referral_handed_to_channel),
    so the hand-over and the listing commit together or not at all.
    """
    existing = ChannelCase.objects.filter(referral_id=referral_id).first()
    if existing is not None:
        return existing
    referral = Referral.objects.get(pk=referral_id)
    channel_case = ChannelCase.objects.create(referral=referral)
    audit.record(actor=actor, action=AuditAction.CHANNEL_CASE_OPENED, target=channel_case)
    return channel_case


def transition_method(channel_case: ChannelCase, name: str) -> Callable[[], None]:
    """The bound transition method of that name; TransitionNotPossible for a name that is not one."""
    if name not in {t.name for t in channel_case.get_all_state_transitions()}:
        raise TransitionNotPossible(name)
    return getattr(channel_case, name)


def transition_spec(channel_case: ChannelCase, name: str) -> Any:
    return next(t for t in channel_case.get_all_state_transitions() if t.name == name)


def _permitted(method: Callable[[], None], *, actor: Any) -> bool:
    meta = method._django_fsm
    channel_case = method.__self__
    state = meta.field.get_state(channel_case)
    return meta.has_transition(state) and meta.has_transition_perm(channel_case, state, actor)


def is_permitted(channel_case: ChannelCase, name: str, actor: Any) -> bool:
    """May this actor take this step now (its permission, and the referral's closing permission if it closes)?"""
    method = transition_method(channel_case, name)
    if not _permitted(method, actor=actor):
        return False
    closing = CLOSING_REASONS.get(name)
    return closing is None or referral_services.referral_close_from_channel_permitted(
        referral=channel_case.referral, actor=actor, reason_code=closing
    )


def _conflict(*, channel_case: ChannelCase, actor: Any, transition: str, shown: str) -> CaseChangedMeanwhile:
    """Record (committed on its own) that the step was refused because the stored case had moved on."""
    current = ChannelCase.objects.filter(pk=channel_case.pk).values_list("state", flat=True).first() or ""
    audit.record_refusal(
        actor=actor,
        action=AuditAction.CHANNEL_TRANSITION_CONFLICTED,
        target=channel_case,
        details={"transition": transition, "stage_before": shown, "current_stage": current},
    )
    return CaseChangedMeanwhile(transition=transition, current_status=current)


def channel_case_check(
    channel_case: ChannelCase, name: str, *, actor: Any, shown_state: str = ""
) -> Callable[[], None]:
    """The step's checks in order: a page shown at another stage (409), a step not possible from this stage,
    then the permission (a refusal is audited, committed on its own, before any transaction opens)."""
    method = transition_method(channel_case, name)
    if shown_state and shown_state != channel_case.state:
        raise _conflict(channel_case=channel_case, actor=actor, transition=name, shown=shown_state)
    if not can_proceed(method, check_conditions=False):
        raise TransitionNotPossible(name)
    if not is_permitted(channel_case, name, actor):
        audit.record_refusal(
            actor=actor,
            action=AuditAction.CHANNEL_STAGE_CHANGED,
            target=channel_case,
            details={"transition": name, "stage_before": channel_case.state},
        )
        raise TransitionRefused(name)
    return method


def post_exit_review_window_check(channel_case: ChannelCase, name: str, *, actor: Any) -> None:
    """A post-exit review step before its window opens (the transition's own condition, checked first so the
    refusal says from when, in words, and is audited, committed on its own, before any transaction opens)."""
    message = review_not_yet(channel_case, name)
    if message:
        audit.record_refusal(
            actor=actor,
            action=AuditAction.CHANNEL_STAGE_CHANGED,
            target=channel_case,
            reason_code="REVIEW_NOT_YET_OPEN",
            details={"transition": name, "stage_before": channel_case.state},
        )
        raise PostExitReviewNotOpen(message)


def _date_errors(
    name: str, *, consent_date: Any, reassess_on: Any, today: datetime.date, received: datetime.date | None = None
) -> dict[str, list[str]]:
    """The consent steps' dates: the answer's day not in the future nor before the referral was received."""
    errors: dict[str, list[str]] = {}
    if name in NOTE_OPTIONAL:
        what = "given" if name == "record_consent_given" else "refused"
        if not isinstance(consent_date, datetime.date):
            errors["consent_date"] = [f"Enter the date consent was {what}"]
        elif consent_date > today:
            errors["consent_date"] = [f"The date consent was {what} must be today or in the past"]
        elif received and consent_date < received:
            day = received.strftime("%-d %B %Y")
            errors["consent_date"] = [
                f"The date consent was {what} must be on or after the day the referral was received, {day}"
            ]
    if name == "record_consent_refused":
        if not isinstance(reassess_on, datetime.date):
            errors["reassess_on"] = ["Enter the date the panel will re-assess the case"]
        elif reassess_on <= today:
            errors["reassess_on"] = ["The re-assessment date must be in the future"]
    return errors


def step_errors(
    name: str,
    *,
    reason_code: str,
    note: str,
    consent_date: Any,
    reassess_on: Any,
    received: datetime.date | None = None,
) -> dict[str, list[str]]:
    """What is missing or wrong in a step's input, in GOV.UK words (empty when it may be recorded); `received`
    is the day the case's referral was received, when known."""
    today = timezone.localdate()
    errors = _date_errors(name, consent_date=consent_date, reassess_on=reassess_on, today=today, received=received)
    reasons = STEP_REASONS.get(name)
    if reasons is not None and reason_code not in reasons.values:
        errors["reason_code"] = ["Select a reason"]
    if name not in NOTE_OPTIONAL and not note:
        errors["note"] = ["Enter the reasons, as they will be read in the case record"]
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [f"The reasons must be {NOTE_MAX_LENGTH} characters or fewer"]
    return errors


def _set_inputs(channel_case: ChannelCase, name: str, *, consent_date: Any, reassess_on: Any) -> None:
    if name == "record_consent_given":
        channel_case.consent_given_on = consent_date
    elif name == "record_consent_refused":
        channel_case.consent_refused_on = consent_date
        channel_case.reassess_on = reassess_on


def _clear_inputs(channel_case: ChannelCase, name: str) -> None:
    if name == "record_consent_given":
        channel_case.consent_given_on = None
    elif name == "record_consent_refused":
        channel_case.consent_refused_on = channel_case.reassess_on = None


def _record(
    channel_case: ChannelCase, method: Callable[[], None], *, actor: Any, reason_code: str, note: str
) -> ChannelDecision:
    """The step's writes, in the caller's transaction: the stage, its record, the referral's closing, the audit."""
    transition = method.__name__
    source = channel_case.state
    update_fields = ["state", "updated_at", *transition_spec(channel_case, transition).custom.get("writes", ())]
    method()
    channel_case.save(update_fields=update_fields)
    decision = ChannelDecision.objects.create(
        channel_case=channel_case,
        transition=transition,
        stage_before=source,
        stage_after=channel_case.state,
        reason_code=reason_code,
        note=note,
        decided_by=actor,
    )
    if transition in CLOSING_REASONS:
        referral_services.referral_close_from_channel(
            referral=channel_case.referral, actor=actor, reason_code=CLOSING_REASONS[transition], summary=note
        )
    audit.record(
        actor=actor,
        action=AuditAction.CHANNEL_STAGE_CHANGED,
        target=channel_case,
        reason_code=reason_code,
        details={
            "transition": transition,
            "stage_before": source,
            "stage_after": channel_case.state,
            "decision_id": decision.pk,
        },
    )
    return decision


def channel_case_transition(
    *,
    channel_case: ChannelCase,
    actor: Any,
    transition: str,
    shown_state: str = "",
    reason_code: str = "",
    note: str = "",
    consent_date: datetime.date | None = None,
    reassess_on: datetime.date | None = None,
) -> ChannelDecision:
    """Take one step of a Channel case as one audited transaction, and record it (ChannelDecision).

    Not adopted, completed and withdrawn close the referral in the same transaction, through
    referrals' referral_close_from_channel, with the note as its closing summary. The UPDATE names only
    the columns the step writes; ConcurrentTransitionMixin refuses it if the stored stage moved on.
    A post-exit review step is refused (PostExitReviewNeedsOutcome, after the usual checks, nothing written):
    it is recorded with its outcome by post_exit_review_record.
    """
    if transition in REVIEW_STEPS:
        channel_case_check(channel_case, transition, actor=actor, shown_state=shown_state)
        raise PostExitReviewNeedsOutcome(transition)
    return channel_case_step_take(
        channel_case=channel_case,
        actor=actor,
        transition=transition,
        shown_state=shown_state,
        reason_code=reason_code,
        note=note,
        consent_date=consent_date,
        reassess_on=reassess_on,
    )


def channel_case_step_take(
    *,
    channel_case: ChannelCase,
    actor: Any,
    transition: str,
    shown_state: str = "",
    reason_code: str = "",
    note: str = "",
    consent_date: datetime.date | None = None,
    reassess_on: datetime.date | None = None,
) -> ChannelDecision:
    """The one helper that runs every step (STYLE.md section 3): the checks, then one transaction. Called by the
    two services only: channel_case_transition (every step but the reviews) and post_exit_review_record (the
    reviews, with their outcome row); anything else calls one of those."""
    method = channel_case_check(channel_case, transition, actor=actor, shown_state=shown_state)
    post_exit_review_window_check(channel_case, transition, actor=actor)
    note = (note or "").strip()
    reason_code = reason_code if transition in STEP_REASONS else ""
    submitted_at = channel_case.referral.submitted_at
    errors = step_errors(
        transition,
        reason_code=reason_code,
        note=note,
        consent_date=consent_date,
        reassess_on=reassess_on,
        received=timezone.localdate(submitted_at) if submitted_at else None,
    )
    if errors:
        raise ChannelInvalid(errors)
    source = channel_case.state
    _set_inputs(channel_case, transition, consent_date=consent_date, reassess_on=reassess_on)
    try:
        with transaction.atomic():
            return _record(channel_case, method, actor=actor, reason_code=reason_code, note=note)
    except ConcurrentTransition as exc:
        _clear_inputs(channel_case, transition)
        # Rolled back; the refusal is recorded after it, in its own transaction.
        raise _conflict(channel_case=channel_case, actor=actor, transition=transition, shown=source) from exc
