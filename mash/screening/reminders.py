"""The scheduled reminder of an overdue screening decision (issue 13, point 2): once per due date, on a working
day of the council's nation after the due date has passed, to the case's assignee or, when it has none, the
council's triage officers. Built as the information-request chasers are (mash.reminders.reminder_queue_once).

The e-mail holds the case reference, the due date and a link, nothing else: staff read it, and the reference is
not personal data (the MASH inbox is told of a new referral the same way, referrals.services.notifications)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.models import Role, User
from audit.actions import AuditAction

from ..calendar import is_working_day
from ..models import Assessment, screening_overdue_q
from ..permissions import ASSIGNEE_ROLES
from ..reminders import reminder_queue_once

REMIND = "mash.screening_decision_remind"


def _unreminded() -> Q:
    """No reminder yet for the current due date (none at all, or one for a due date since changed)."""
    return Q(screening_reminded_for__isnull=True) | ~Q(screening_reminded_for=F("screening_due_on"))


def _remind_once(assessment: Assessment) -> bool:
    due_on = assessment.screening_due_on
    details: dict[str, Any] = {"due_on": due_on.isoformat()}
    if assessment.assigned_to_id is not None:
        details["assignee_id"] = assessment.assigned_to_id
    return reminder_queue_once(
        # The due date read is part of the claim: had it moved meanwhile, the next run judges the new one.
        claim=Assessment.objects.filter(_unreminded(), pk=assessment.pk, screening_due_on=due_on),
        values={"screening_reminded_for": due_on},
        topic=REMIND,
        object_id=assessment.pk,
        action=AuditAction.SCREENING_DECISION_CHASED,
        target=assessment.referral,
        details=details,
    )


def screening_decisions_remind_overdue(*, today: datetime.date | None = None) -> int:
    """Queue a reminder for each case whose screening decision is overdue (Assessment.is_screening_overdue) and
    not yet reminded for its due date, once each; none on a day that is not a working day of the council's
    nation (a bank holiday there). Returns how many were queued."""
    today = today or timezone.localdate()
    overdue: QuerySet[Assessment] = (
        Assessment.objects.filter(_unreminded(), screening_overdue_q(today))
        .select_related("referral__local_authority")
        .only(
            "id",
            "screening_due_on",
            "screening_reminded_for",
            "assigned_to_id",
            "referral__id",
            "referral__reference",
            "referral__status",  # the case's optimistic locking reads it as each row loads: deferred, a query each
            "referral__local_authority__nation",
        )
        .order_by("screening_due_on", "pk")
    )
    queued = 0
    for assessment in overdue:
        if is_working_day(today, assessment.referral.local_authority.nation):
            queued += _remind_once(assessment)
    return queued


def _recipients(assessment: Assessment) -> list[str]:
    """The assignee, while still an officer of the case's council who may work it; else its triage officers."""
    authority_id = assessment.referral.local_authority_id
    assignee = assessment.assigned_to
    if assignee is not None and assignee.has_role(*ASSIGNEE_ROLES) and assignee.local_authority_id == authority_id:
        return [assignee.email]
    officers = User.objects.filter(
        is_active=True,
        membership_record__local_authority_id=authority_id,
        membership_record__role=Role.TRIAGE_OFFICER,
    )
    return sorted(officers.values_list("email", flat=True))


def screening_decision_remind(assessment_id: Any) -> None:
    """Outbox handler: e-mail the reminder (raise if the mail is not sent, so the outbox retries). A decision
    made since, or a due date moved so that it is no longer overdue, needs no e-mail."""
    assessment = (
        Assessment.objects.select_related("referral", "assigned_to__membership_record").filter(pk=assessment_id).first()
    )
    if assessment is None:  # purged since
        return
    referral = assessment.referral
    if not assessment.is_screening_overdue(status=referral.status, today=timezone.localdate()):
        return
    recipients = _recipients(assessment)
    if not recipients:
        return
    link = settings.SERVICE_BASE_URL.rstrip("/") + reverse("referrals:referral-detail", args=[referral.reference])
    due = date_format(assessment.screening_due_on, "j F Y")
    send_mail(
        subject=f"Screening decision overdue: case {referral.reference}",
        message=(
            f"The screening decision on case {referral.reference} was due on {due} and has not been recorded yet."
            f"\n\nOpen the case: {link}\n"
        ),
        from_email=None,
        recipient_list=recipients,
        fail_silently=False,
    )
