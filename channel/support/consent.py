"""Consent to Channel support (CTSA 2015 s.36(4)): the person's own if 18 or over on the day it was asked,
a parent's or carer's if under 18. Given consent starts support; refused consent sets a re-assessment date."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction

from ..choices import ChannelStage
from ..exceptions import ChannelInvalid
from ..models import ChannelCase
from ..services import channel_case_transition
from .choices import ConsentGivenBy, ConsentHow, ConsentOutcome
from .common import case_date_errors, require_coordinator
from .models import ChannelConsent

ADULT_AGE = 18
# At which stage each answer may be recorded.
STAGE_FOR = {
    ConsentOutcome.GIVEN: ChannelStage.AWAITING_CONSENT,
    ConsentOutcome.REFUSED: ChannelStage.AWAITING_CONSENT,
    ConsentOutcome.WITHDRAWN: ChannelStage.SUPPORTED,
}
TRANSITION_FOR = {ConsentOutcome.GIVEN: "record_consent_given", ConsentOutcome.REFUSED: "record_consent_refused"}


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Whole years of age on `day` (a birthday on 29 February counts from 1 March in other years)."""
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def consent_giver_for(channel_case: ChannelCase, day: datetime.date) -> str | None:
    """Who must answer on that day, from the referral's date of birth (None when it is not known)."""
    date_of_birth = channel_case.referral.date_of_birth
    if not isinstance(date_of_birth, datetime.date):
        return None
    return ConsentGivenBy.PERSON if age_on(date_of_birth, day) >= ADULT_AGE else ConsentGivenBy.PARENT_OR_CARER


def _giver_errors(channel_case: ChannelCase, *, given_by: str, decided_on: datetime.date) -> dict[str, list[str]]:
    if given_by not in ConsentGivenBy.values:
        return {"given_by": ["Select who answered"]}
    expected = consent_giver_for(channel_case, decided_on)
    if expected == ConsentGivenBy.PERSON and given_by != expected:
        return {"given_by": ["The person was 18 or over on that date: the answer must be their own"]}
    if expected == ConsentGivenBy.PARENT_OR_CARER and given_by != expected:
        return {"given_by": ["The person was under 18 on that date: a parent or carer must answer"]}
    return {}


def _reassess_errors(reassess_on: Any) -> dict[str, list[str]]:
    if not isinstance(reassess_on, datetime.date):
        return {"reassess_on": ["Enter the date the panel will re-assess the case"]}
    if reassess_on <= timezone.localdate():
        return {"reassess_on": ["The re-assessment date must be in the future"]}
    return {}


def _errors(
    channel_case: ChannelCase, *, outcome: str, given_by: str, decided_on: Any, how_obtained: str, reassess_on: Any
) -> dict[str, list[str]]:
    if outcome not in ConsentOutcome.values:
        return {"outcome": ["Select whether consent was given, refused or withdrawn"]}
    if channel_case.state != STAGE_FOR[ConsentOutcome(outcome)]:
        stage = "adopted and awaiting consent" if outcome != ConsentOutcome.WITHDRAWN else "supported"
        return {"outcome": [f"This answer can be recorded only while the case is {stage}"]}
    errors = case_date_errors(channel_case, decided_on, field="decided_on", what="the date of the answer")
    if how_obtained not in ConsentHow.values:
        errors["how_obtained"] = ["Select how the answer was obtained"]
    if "decided_on" not in errors:
        errors |= _giver_errors(channel_case, given_by=given_by, decided_on=decided_on)
    elif given_by not in ConsentGivenBy.values:
        errors["given_by"] = ["Select who answered"]
    if outcome == ConsentOutcome.REFUSED:
        errors |= _reassess_errors(reassess_on)
    return errors


def consent_record(
    *,
    channel_case: ChannelCase,
    actor: Any,
    outcome: str,
    given_by: str,
    decided_on: datetime.date | None,
    how_obtained: str,
    note: str = "",
    reassess_on: datetime.date | None = None,
) -> ChannelConsent:
    """Record an answer to the request for consent, and move the case with it, as one audited transaction:
    given -> supported, refused -> consent refused (with the re-assessment date the reminder watches);
    withdrawn stops the support plan (the chair then exits or withdraws the case)."""
    require_coordinator(channel_case=channel_case, actor=actor, step="consent_record")
    errors = _errors(
        channel_case,
        outcome=outcome,
        given_by=given_by,
        decided_on=decided_on,
        how_obtained=how_obtained,
        reassess_on=reassess_on,
    )
    if errors:
        raise ChannelInvalid(errors)
    note = (note or "").strip()
    with transaction.atomic():
        consent = ChannelConsent.objects.create(
            channel_case=channel_case,
            outcome=outcome,
            given_by=given_by,
            decided_on=decided_on,
            how_obtained=how_obtained,
            note=note,
            recorded_by=actor,
        )
        transition = TRANSITION_FOR.get(ConsentOutcome(outcome))
        if transition:
            channel_case_transition(
                channel_case=channel_case,
                actor=actor,
                transition=transition,
                shown_state=channel_case.state,
                consent_date=decided_on,
                reassess_on=reassess_on,
                note=note,
            )
        audit.record(
            actor=actor,
            action=AuditAction.CHANNEL_CONSENT_RECORDED,
            target=channel_case,
            details={"consent_id": consent.pk, "answer": outcome, "given_by": given_by},
        )
    return consent


def consent_allows_support(channel_case: ChannelCase, *, after_exit: bool = False) -> bool:
    """Support runs only on a supported case whose latest answer is not a refusal or a withdrawal (with
    `after_exit`, an exited case too: the last sessions are logged after the panel's exit decision)."""
    stages = (ChannelStage.SUPPORTED, ChannelStage.EXITED, ChannelStage.POST_EXIT_REVIEW) if after_exit else ()
    if channel_case.state not in (ChannelStage.SUPPORTED, *stages) or channel_case.consent_given_on is None:
        return False
    latest = ChannelConsent.objects.filter(channel_case=channel_case).order_by("-decided_on", "-created_at").first()
    return latest is None or latest.outcome == ConsentOutcome.GIVEN
