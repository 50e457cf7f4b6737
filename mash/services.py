"""The MASH writes: opening a case's assessment, assigning it. Each write is audited in its transaction."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit import services as audit
from audit.actions import AuditAction
from referrals.models import Referral

from .calendar import working_days_after
from .exceptions import AssignmentRefused
from .models import Assessment
from .permissions import ASSIGNABLE_STAGES, ASSIGNEE_ROLES, can_assign

UNDER_18 = 18


def _age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def _under_18(referral: Referral, day: datetime.date) -> bool:
    """From the answers in memory at submission (a date of birth, else an approximate age)."""
    if referral.date_of_birth:
        return _age_on(referral.date_of_birth, day) < UNDER_18
    age = (referral.approximate_age or "").strip()
    return age.isdigit() and int(age) < UNDER_18


def _screening_due(referral: Referral, submitted_on: datetime.date) -> datetime.date:
    return working_days_after(submitted_on, settings.SCREENING_DUE_WORKING_DAYS, referral.local_authority.nation)


def assessment_redate_demo(*, referral_id: Any) -> None:
    """Demo data only: after a seed moved a case's submission back, its assessment opens and falls due from it."""
    referral = (
        Referral.objects.select_related("local_authority")
        .only("submitted_at", "status", "local_authority__nation")  # status: read by the optimistic locking on load
        .get(pk=referral_id)
    )
    submitted_on = timezone.localdate(referral.submitted_at)
    Assessment.objects.filter(referral_id=referral_id).update(
        created_at=referral.submitted_at, screening_due_on=_screening_due(referral, submitted_on)
    )


def assessment_open(*, referral: Referral) -> Assessment:
    """Called in the submit transaction: the screening due date in working days of the council's nation,
    and the two flags the queue shows without decrypting (see Assessment)."""
    submitted_on = timezone.localdate(referral.submitted_at or timezone.now())
    due = _screening_due(referral, submitted_on)
    # One INSERT in the submit transaction (a case is submitted once: there is no row to update).
    return Assessment.objects.create(
        referral=referral,
        screening_due_on=due,
        under_18=_under_18(referral, submitted_on),
        immediate_risk=referral.immediate_risk == "yes",
    )


def _assignee_error(*, referral: Referral, assignee: Any) -> str:
    if (
        not isinstance(assignee, User)
        or not assignee.has_role(*ASSIGNEE_ROLES)
        or assignee.local_authority_id != referral.local_authority_id
    ):
        return "Select a triage officer or police Prevent officer of this council"
    if referral.status not in ASSIGNABLE_STAGES:
        return f"Case {referral.reference} is no longer with the MASH and cannot be assigned"
    return ""


def _check(*, referral: Referral, actor: Any, assignee: Any) -> None:
    """Refuse (audited, committed on its own) before anything is written."""
    if not can_assign(referral, actor):
        audit.record_refusal(actor=actor, action=AuditAction.REFERRAL_ASSIGNED, target=referral)
        raise AssignmentRefused("You cannot assign this case", permission=True)
    error = _assignee_error(referral=referral, assignee=assignee)
    if error:
        audit.record_refusal(actor=actor, action=AuditAction.REFERRAL_ASSIGNED, target=referral)
        raise AssignmentRefused(error)


def _assign(*, referral: Referral, actor: Any, assignee: User) -> Assessment:
    assessment = Assessment.objects.select_for_update().filter(referral=referral).first()
    if assessment is None:  # a case submitted before the MASH app existed
        assessment = assessment_open(referral=referral)
    assessment.assigned_to = assignee
    assessment.assigned_at = timezone.now()
    assessment.save(update_fields=["assigned_to", "assigned_at"])
    audit.record(
        actor=actor, action=AuditAction.REFERRAL_ASSIGNED, target=referral, details={"assignee_id": assignee.pk}
    )
    return assessment


def referral_assign(*, referral: Referral, actor: Any, assignee: Any) -> Assessment:
    """Assign (or reassign) one case to a triage officer or police Prevent officer of its council."""
    _check(referral=referral, actor=actor, assignee=assignee)
    with transaction.atomic():
        return _assign(referral=referral, actor=actor, assignee=assignee)


def referrals_assign(*, referrals: Sequence[Referral], actor: Any, assignee: Any) -> list[Assessment]:
    """Assign several cases at once: all or none. Every case is checked (and a refusal audited) before one
    transaction writes them all, each with its own audit event."""
    for referral in referrals:
        _check(referral=referral, actor=actor, assignee=assignee)
    with transaction.atomic():
        return [_assign(referral=referral, actor=actor, assignee=assignee) for referral in referrals]
