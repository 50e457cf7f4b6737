"""Reminders of Channel support, once each, to the Channel chairs of the case's council (and the owner or
provider of an intervention): a re-assessment due after refused consent, an intervention not started by its
planned date, a post-exit review coming due. Each is a SupportReminder row and an outbox message written in
one transaction; the e-mail holds a link to the Channel cases list and nothing else (no name, no reference)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.calendar import working_days_after
from accounts.models import Role, User
from audit import services as audit
from audit.actions import AuditAction
from core.services import outbox_enqueue

from ..choices import ChannelStage
from ..models import ChannelCase
from .choices import ReminderKind
from .models import Intervention, SupportReminder
from .reviews import post_exit_reviews_due

SEND = "channel.support_reminder_send"
SUBJECTS = {
    ReminderKind.REASSESSMENT_DUE: "A Channel case is due for re-assessment",
    ReminderKind.INTERVENTION_NOT_STARTED: "An intervention of a Channel case has not started",
    ReminderKind.POST_EXIT_REVIEW_DUE: "A Channel post-exit review is due",
}


def _queue(channel_case: ChannelCase, kind: str, subject: str) -> bool:
    """The reminder row, its e-mail on the outbox and the audit event, once: a second run finds the row."""
    try:
        with transaction.atomic():
            reminder = SupportReminder.objects.create(channel_case=channel_case, kind=kind, subject=subject)
            outbox_enqueue(topic=SEND, object_id=reminder.pk)
            audit.record(
                actor=None,
                action=AuditAction.CHANNEL_REMINDER_QUEUED,
                target=channel_case,
                details={"reminder_id": reminder.pk, "kind": kind},
            )
    except IntegrityError:
        return False
    return True


def _review_due_soon(channel_case: ChannelCase, today: datetime.date) -> list[str]:
    """The reviews not recorded whose reminder day has come (POST_EXIT_REVIEW_REMINDER_WORKING_DAYS before)."""
    nation = channel_case.referral.local_authority.nation
    ahead = settings.POST_EXIT_REVIEW_REMINDER_WORKING_DAYS
    return [
        f"{row['kind'].value}:{row['due_on'].isoformat()}"
        for row in post_exit_reviews_due(channel_case)
        if row["review"] is None and working_days_after(today, ahead, nation) >= row["due_on"]
    ]


def channel_support_reminders_due(*, today: datetime.date | None = None) -> int:
    """Queue the reminders due today, once each; returns how many were queued."""
    today = today or timezone.localdate()
    queued = 0
    refused = ChannelCase.objects.filter(state=ChannelStage.CONSENT_REFUSED, reassess_on__lte=today)
    for channel_case in refused.order_by("pk"):
        queued += _queue(channel_case, ReminderKind.REASSESSMENT_DUE, channel_case.reassess_on.isoformat())
    late = Intervention.objects.filter(
        channel_case__state=ChannelStage.SUPPORTED,
        actual_start__isnull=True,
        ended_on__isnull=True,
        planned_start__lt=today,
    ).select_related("channel_case")
    for intervention in late.order_by("planned_start", "pk"):
        queued += _queue(intervention.channel_case, ReminderKind.INTERVENTION_NOT_STARTED, str(intervention.pk))
    exited = ChannelCase.objects.filter(state__in=(ChannelStage.EXITED, ChannelStage.POST_EXIT_REVIEW)).select_related(
        "referral__local_authority"
    )
    for channel_case in exited.order_by("pk"):
        for subject in _review_due_soon(channel_case, today):
            queued += _queue(channel_case, ReminderKind.POST_EXIT_REVIEW_DUE, subject)
    return queued


def _recipients(reminder: SupportReminder) -> list[str]:
    authority = reminder.channel_case.referral.local_authority_id
    chairs = User.objects.filter(
        is_active=True, membership_record__local_authority_id=authority, membership_record__role=Role.CHANNEL_CHAIR
    )
    emails = set(chairs.values_list("email", flat=True))
    if reminder.kind == ReminderKind.INTERVENTION_NOT_STARTED:
        intervention = Intervention.objects.filter(pk=reminder.subject).select_related("owner", "provider").first()
        for person in (intervention.owner, intervention.provider) if intervention else ():
            if person is not None and person.is_active:
                emails.add(person.email)
    return sorted(emails)


def support_reminder_send(reminder_id: Any) -> None:
    """Outbox handler: e-mail the reminder (raise if the mail is not sent, so the outbox retries)."""
    reminder = SupportReminder.objects.select_related("channel_case__referral").filter(pk=reminder_id).first()
    if reminder is None or reminder.sent_at is not None:
        return
    recipients = _recipients(reminder)
    if recipients:
        link = settings.SERVICE_BASE_URL.rstrip("/") + reverse("channel:case-list")
        send_mail(
            subject=SUBJECTS[ReminderKind(reminder.kind)],
            message=(
                f"{SUBJECTS[ReminderKind(reminder.kind)]}.\n\nSign in to see which case and what is due: {link}\n"
            ),
            from_email=None,
            recipient_list=recipients,
            fail_silently=False,
        )
    SupportReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(sent_at=timezone.now())
