"""What the support services share: the coordinator check (a refusal audited on its own) and dates."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction
from referrals.exceptions import TransitionRefused

from ..choices import CLOSED_STAGES
from ..exceptions import ChannelInvalid
from ..models import ChannelCase
from ..permissions import can_coordinate


def refuse(*, actor: Any, channel_case: ChannelCase, step: str, intervention_id: Any = None) -> TransitionRefused:
    """Record (committed on its own) that this support step was not the actor's to take."""
    details: dict[str, Any] = {"step": step}
    if intervention_id is not None:
        details["intervention_id"] = intervention_id
    audit.record_refusal(actor=actor, action=AuditAction.CHANNEL_SUPPORT_REFUSED, target=channel_case, details=details)
    return TransitionRefused(step)


def require_coordinator(*, channel_case: ChannelCase, actor: Any, step: str) -> None:
    if not can_coordinate(channel_case, actor):
        raise refuse(actor=actor, channel_case=channel_case, step=step)


def require_open(channel_case: ChannelCase) -> None:
    if channel_case.state in CLOSED_STAGES:
        raise ChannelInvalid({"__all__": ["This Channel case is closed: nothing more can be recorded on it"]})


def past_date_errors(value: Any, *, field: str, what: str) -> dict[str, list[str]]:
    """GOV.UK messages for a date that must be given and be today or earlier."""
    if not isinstance(value, datetime.date):
        return {field: [f"Enter {what}"]}
    if value > timezone.localdate():
        return {field: [f"{what[0].upper()}{what[1:]} must be today or in the past"]}
    return {}


def case_date_errors(channel_case: ChannelCase, value: Any, *, field: str, what: str) -> dict[str, list[str]]:
    """A day in the case's life (an assessment, an answer to the request for consent): given, not in the future,
    and not before the referral was received, when the case began."""
    errors = past_date_errors(value, field=field, what=what)
    submitted_at = channel_case.referral.submitted_at
    received = timezone.localdate(submitted_at) if submitted_at else None
    if not errors and received and value < received:
        day = received.strftime("%-d %B %Y")
        errors[field] = [f"{what[0].upper()}{what[1:]} must be on or after the day the referral was received, {day}"]
    return errors


def support_date_errors(channel_case: ChannelCase, value: Any, *, field: str, what: str) -> dict[str, list[str]]:
    """A day of support (a session, a start, an end): given, not in the future, and not before consent was
    given, since support runs only with consent (CTSA 2015 s.36(4); consent.consent_allows_support)."""
    errors = past_date_errors(value, field=field, what=what)
    consented = channel_case.consent_given_on
    if not errors and consented and value < consented:
        day = consented.strftime("%-d %B %Y")
        errors[field] = [f"{what[0].upper()}{what[1:]} must be on or after the day consent was given, {day}"]
    return errors
