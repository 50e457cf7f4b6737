"""The screening writes: the police gateway check, the screening outcome, the decision after information
gathering. Each record and the transition it drives are one transaction with their audit events; a refusal
is audited on its own before anything is written (STYLE.md section 2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from audit import services as audit
from audit.actions import AuditAction
from referrals import services as referral_services
from referrals.choices import PRE_CHANNEL_CLOSING_REASONS, ClosingReason, ReferralStatus
from referrals.models import Referral
from referrals.services.transitions import case_changed_meanwhile

from ..exceptions import ScreeningInvalid, ScreeningRefused
from ..models import Decision, DecisionRoute, GatewayCheck, ScreeningOutcome, ScreeningReason, ScreeningRoute
from .permissions import may_record_decision, may_record_gateway_check, may_record_screening_outcome

TEXT_MAX = 5000
GATEWAY, OUTCOME, DECISION = "gateway_check", "screening_outcome", "decision"
# (audit action, role rule, the stage it is recorded in, what the refusal says) per record.
RULES: dict[str, tuple[str, Callable[[Any, Any], bool], str, str]] = {
    GATEWAY: (
        AuditAction.GATEWAY_CHECK_RECORDED,
        may_record_gateway_check,
        ReferralStatus.SCREENING,
        "Only a police Prevent officer of this council can record the gateway check",
    ),
    OUTCOME: (
        AuditAction.SCREENING_OUTCOME_RECORDED,
        may_record_screening_outcome,
        ReferralStatus.SCREENING,
        "Only a triage officer or police Prevent officer of this council can record the screening outcome",
    ),
    DECISION: (
        AuditAction.MASH_DECISION_RECORDED,
        may_record_decision,
        ReferralStatus.INFORMATION_GATHERING,
        "Only a triage officer or the Prevent lead of this council can record the decision",
    ),
}


class _CaseMoved(Exception):
    """Raised inside the transaction when the stored case is no longer at the stage this copy shows."""


def _stage_message(record: str, referral: Referral) -> str:
    if referral.status == ReferralStatus.SUBMITTED and record != DECISION:
        return f"Start screening case {referral.reference} before recording its screening"
    if record == DECISION:
        return f"Case {referral.reference} is not in information gathering, so there is no decision to record"
    return f"Case {referral.reference} is no longer in screening: its screening outcome is recorded"


def screening_record_check(*, record: str, referral: Referral, actor: Any, shown_status: str = "") -> None:
    """May `actor` make this record on this case now? Refusals are audited, each committed on its own.

    Raises ScreeningRefused(permission=True) for a role that may not, CaseChangedMeanwhile if the page was
    shown at another stage than the case is at now, ScreeningRefused for a case at another stage.
    """
    action, may, stage, refused = RULES[record]
    if not may(referral, actor):
        audit.record_refusal(actor=actor, action=action, target=referral, details={})
        raise ScreeningRefused(refused, permission=True)
    if shown_status and shown_status != referral.status:
        raise case_changed_meanwhile(referral=referral, actor=actor, transition=record, source=shown_status)
    if referral.status != stage:
        raise ScreeningRefused(_stage_message(record, referral))
    if record == OUTCOME and not GatewayCheck.objects.filter(referral=referral).exists():
        raise ScreeningRefused("The police gateway check must be recorded before the screening outcome")


def _text(value: Any, field: str, missing: str, errors: dict[str, str]) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        errors[field] = missing
    elif len(text) > TEXT_MAX:
        errors[field] = f"{missing.removeprefix('Enter ').capitalize()} must be {TEXT_MAX} characters or fewer"
    return text


def _lock_unchanged(referral: Referral) -> None:
    """Lock the case row; if someone moved it on since this copy was loaded, stop (nothing is written)."""
    current = Referral.objects.select_for_update().filter(pk=referral.pk).values_list("status", flat=True).first()
    if current != referral.status:
        raise _CaseMoved


def _in_transaction(record: str, referral: Referral, actor: Any, write: Callable[[], Any]) -> Any:
    source = referral.status
    try:
        with transaction.atomic():
            _lock_unchanged(referral)
            return write()
    except _CaseMoved:
        # Rolled back; the refusal is recorded after it, in its own transaction (a 409 page).
        raise case_changed_meanwhile(referral=referral, actor=actor, transition=record, source=source) from None


def gateway_check_record(
    *, referral: Referral, actor: Any, counter_terrorism: bool | None, note: str, shown_status: str = ""
) -> GatewayCheck:
    """Record (or, while screening goes on, re-record) the police gateway check, with its encrypted note."""
    screening_record_check(record=GATEWAY, referral=referral, actor=actor, shown_status=shown_status)
    errors: dict[str, str] = {}
    if not isinstance(counter_terrorism, bool):
        errors["counter_terrorism"] = "Select yes if this is a matter for a police-led counter-terrorism investigation"
    note = _text(note, "note", "Enter a note about the gateway check", errors)
    if errors:
        raise ScreeningInvalid(errors)

    def write() -> GatewayCheck:
        check = GatewayCheck.objects.select_for_update().filter(referral=referral).first()
        rerecorded = check is not None
        check = check or GatewayCheck(referral=referral)
        check.recorded_by, check.counter_terrorism, check.note = actor, counter_terrorism, note
        check.save()
        audit.record(
            actor=actor,
            action=AuditAction.GATEWAY_CHECK_RECORDED,
            target=referral,
            details={"counter_terrorism": counter_terrorism, "rerecorded": rerecorded},
        )
        return check

    return _in_transaction(GATEWAY, referral, actor, write)


def screening_outcome_record(
    *, referral: Referral, actor: Any, reason_code: str, rationale: str, shown_status: str = ""
) -> ScreeningOutcome:
    """Record the screening outcome and take the case where it says, in one transaction: closed (with the
    reason's closing reason and the rationale as the closing summary) or on to information gathering."""
    screening_record_check(record=OUTCOME, referral=referral, actor=actor, shown_status=shown_status)
    errors: dict[str, str] = {}
    reason = ScreeningReason.objects.filter(code=reason_code or "", active=True).first()
    if reason is None:
        errors["reason_code"] = "Select the screening outcome"
    elif (
        reason.closing_reason != ClosingReason.POLICE_LED
        and GatewayCheck.objects.filter(referral=referral, counter_terrorism=True).exists()
    ):
        # The police found a matter for a counter-terrorism investigation: the MASH does not route it elsewhere.
        errors["reason_code"] = (
            "The gateway check found a matter for a police-led counter-terrorism investigation: "
            "select a police-led outcome"
        )
    rationale = _text(rationale, "rationale", "Enter the rationale for the screening outcome", errors)
    if errors:
        raise ScreeningInvalid(errors)

    def write() -> ScreeningOutcome:
        outcome = ScreeningOutcome.objects.create(
            referral=referral, recorded_by=actor, reason=reason, rationale=rationale
        )
        if reason.route == ScreeningRoute.PROCEED:
            referral_services.referral_start_information_gathering(referral=referral, actor=actor)
        else:
            referral_services.referral_close(
                referral=referral, actor=actor, reason_code=reason.closing_reason, summary=rationale
            )
        audit.record(
            actor=actor,
            action=AuditAction.SCREENING_OUTCOME_RECORDED,
            target=referral,
            reason_code=reason.code,
            details={"route": reason.route},
        )
        return outcome

    return _in_transaction(OUTCOME, referral, actor, write)


def decision_record(
    *, referral: Referral, actor: Any, route: str, reason_code: str = "", summary: str = "", shown_status: str = ""
) -> Decision:
    """The decision after information gathering: close with a reason and a summary, or refer to the Channel
    panel with a summary for it (kept here, encrypted). Referring sends the referral's domain signal."""
    screening_record_check(record=DECISION, referral=referral, actor=actor, shown_status=shown_status)
    errors: dict[str, str] = {}
    if route not in DecisionRoute.values:
        errors["route"] = "Select whether to close the case or refer it to the Channel panel"
    elif route == DecisionRoute.CLOSE and reason_code not in PRE_CHANNEL_CLOSING_REASONS:
        errors["reason_code"] = "Select why the case is being closed"
    missing = "Enter a summary for the panel" if route == DecisionRoute.CHANNEL else "Enter a closing summary"
    summary = _text(summary, "summary", missing, errors)
    if errors:
        raise ScreeningInvalid(errors)

    def write() -> Decision:
        channel = route == DecisionRoute.CHANNEL
        decision = Decision.objects.create(
            referral=referral, recorded_by=actor, route=route, panel_summary=summary if channel else ""
        )
        if channel:
            referral_services.referral_refer_to_channel(referral=referral, actor=actor)
        else:
            referral_services.referral_close(referral=referral, actor=actor, reason_code=reason_code, summary=summary)
        audit.record(
            actor=actor,
            action=AuditAction.MASH_DECISION_RECORDED,
            target=referral,
            reason_code="" if channel else reason_code,
            details={"route": route},
        )
        return decision

    return _in_transaction(DECISION, referral, actor, write)
