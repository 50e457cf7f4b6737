"""E-mails to the addressee, run from the outbox (core.services) after the change committed, and the scheduled
reminders. An e-mail holds a link and nothing else: no name, no question, no case reference (the canary tests)."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction

from ..calendar import working_day_before, working_days_after
from ..models import InformationRequest, InformationRequestStatus
from ..reminders import reminder_queue_once
from .services import REMIND

# How far back and ahead the scheduled reminder looks at due dates (a long weekend plus Christmas fits).
WINDOW_DAYS = 14
SUBJECT = "A request for information from your local Prevent team"


def _load(request_id: uuid.UUID | str) -> InformationRequest | None:
    return (
        InformationRequest.objects.select_related("addressee", "referral")
        .only("id", "status", "notified_at", "addressee__email", "addressee__is_active", "referral__local_authority_id")
        .filter(pk=request_id, status=InformationRequestStatus.OPEN)
        .first()
    )


def _send(information_request: InformationRequest, *, reminder: bool) -> None:
    link = settings.SERVICE_BASE_URL.rstrip("/") + reverse("requests:request-detail", args=[information_request.pk])
    opening = (
        "This is a reminder: a request for information sent to you is still waiting for your answer."
        if reminder
        else "You have been sent a request for information by your local authority's Prevent team."
    )
    send_mail(
        subject=f"Reminder: {SUBJECT.lower()}" if reminder else SUBJECT,
        message=f"{opening}\n\nSign in to read it and answer: {link}\n",
        from_email=None,
        recipient_list=[information_request.addressee.email],
        fail_silently=False,
    )
    audit.record(
        actor=None,
        action=AuditAction.INFORMATION_REQUEST_NOTIFIED,
        target=information_request.referral,
        details={"request_id": information_request.pk, "reminder": reminder},
    )


def information_request_notify(request_id: uuid.UUID | str) -> None:
    """Outbox handler: e-mail the addressee the link to a new request (raise if the mail is not sent).

    A request closed since, or an addressee gone, needs no e-mail. Sending twice after a crash between the
    mail and the record is possible and harmless: the mail holds nothing but the link."""
    information_request = _load(request_id)
    if information_request is None or not information_request.addressee.is_active:
        return
    _send(information_request, reminder=False)
    InformationRequest.objects.filter(pk=information_request.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )


def information_request_remind(request_id: uuid.UUID | str) -> None:
    """Outbox handler: e-mail the addressee a reminder of a request still open."""
    information_request = _load(request_id)
    if information_request is None or not information_request.addressee.is_active:
        return
    _send(information_request, reminder=True)


def _chase_kind(information_request: InformationRequest, today: datetime.date, nation: str) -> str:
    """Which scheduled reminder is due today: "before" (from the working day before the due date until it),
    "after" (from the working day after it), or "" (none, or sent already)."""
    due_on = information_request.due_on
    if information_request.chased_before_due_at is None and working_day_before(due_on, nation) <= today <= due_on:
        return "before"
    if information_request.chased_after_due_at is None and today >= working_days_after(due_on, 1, nation):
        return "after"
    return ""


def _chase_once(information_request: InformationRequest, kind: str, now: datetime.datetime) -> bool:
    """Record the reminder and queue its e-mail, only if it was not recorded before (see reminder_queue_once)."""
    field = "chased_before_due_at" if kind == "before" else "chased_after_due_at"
    return reminder_queue_once(
        claim=InformationRequest.objects.filter(
            pk=information_request.pk, status=InformationRequestStatus.OPEN, **{f"{field}__isnull": True}
        ),
        values={field: now, "chase_count": F("chase_count") + 1, "last_chased_at": now, "updated_at": now},
        topic=REMIND,
        object_id=information_request.pk,
        action=AuditAction.INFORMATION_REQUEST_CHASED,
        target=information_request.referral,
        details={
            "request_id": information_request.pk,
            "organisation_id": information_request.organisation_id,
            "when": f"{kind}_due",
        },
    )


def information_requests_chase_due(*, today: datetime.date | None = None) -> int:
    """Send the scheduled reminders due today: the working day before the due date and the working day after
    it, once each per request, in the working days of the council's nation. Returns how many were queued."""
    today = today or timezone.localdate()
    now = timezone.now()
    window = datetime.timedelta(days=WINDOW_DAYS)
    candidates = (
        InformationRequest.objects.filter(
            status=InformationRequestStatus.OPEN,
            due_on__gte=today - window,
            due_on__lte=today + window,
            user_grants__expires_at__gt=now,  # an addressee who can no longer open it is not reminded
        )
        .select_related("referral__local_authority")
        .distinct()
        .order_by("due_on", "pk")
    )
    sent = 0
    for information_request in candidates:
        kind = _chase_kind(information_request, today, information_request.referral.local_authority.nation)
        if kind and _chase_once(information_request, kind, now):
            sent += 1
    return sent
