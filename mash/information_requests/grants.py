"""Per-request grants (ACCESS.md "per-request"): the only writers of InformationRequestUserObjectPermission.

A grant opens one request to its addressee, never the case. It is written with the request, ends when the
request is answered, declined or withdrawn (in that service's transaction), runs out INFORMATION_REQUEST_
GRANT_TAIL_DAYS after the due date (the selectors check `expires_at`; the sweep then deletes the row and the
request expires), and ends at once when its holder's role or council changes or the account is deactivated
(mash.receivers, on the accounts signals). Guardian's `assign_perm` cannot fill `expires_at`, so the row is
written here, as referrals.services.grants writes the per-case rows.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction

from ..models import InformationRequest, InformationRequestStatus, InformationRequestUserObjectPermission

VIEW_PERMISSION = "view_informationrequest"


def grant_expiry(due_on: datetime.date) -> datetime.datetime:
    """The start of the day after the due date plus the tail, in the service's time zone."""
    last_day = due_on + datetime.timedelta(days=settings.INFORMATION_REQUEST_GRANT_TAIL_DAYS)
    return timezone.make_aware(datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min))


def request_grant_write(
    *, information_request: InformationRequest, actor: Any
) -> InformationRequestUserObjectPermission:
    """In the creating transaction: the addressee may open this request until its expiry."""
    permission = Permission.objects.get(content_type__app_label="mash", codename=VIEW_PERMISSION)
    return InformationRequestUserObjectPermission.objects.create(
        user_id=information_request.addressee_id,
        permission=permission,
        content_object=information_request,
        expires_at=grant_expiry(information_request.due_on),
        granted_by=actor,
    )


def _end(grant: InformationRequestUserObjectPermission, *, actor: Any, via: str, reason_code: str = "") -> None:
    information_request = grant.content_object
    grant_id = grant.pk
    grant.delete()
    audit.record(
        actor=actor,
        action=AuditAction.INFORMATION_REQUEST_ACCESS_ENDED,
        target=information_request.referral,
        reason_code=reason_code,
        details={
            "request_id": information_request.pk,
            "addressee_id": grant.user_id,
            "grant_id": grant_id,
            "via": via,
        },
    )


def request_grants_end(*, information_request: InformationRequest, actor: Any, via: str) -> int:
    """Inside the caller's transaction: end the request's grants (answered, declined, withdrawn, expired)."""
    ended = 0
    for grant in information_request.user_grants.select_related("content_object__referral").order_by("pk"):
        _end(grant, actor=actor, via=via)
        ended += 1
    return ended


def request_grants_end_for_holder(*, holder: Any, actor: Any, reason_code: str) -> int:
    """End every request grant the user holds, each audited with the reason (ACCESS.md "Grants follow their
    reason"). Called by mash.receivers inside the accounts service's transaction."""
    ended = 0
    with transaction.atomic():
        held = InformationRequestUserObjectPermission.objects.filter(user=holder).select_related(
            "content_object__referral"
        )
        for grant in held.select_for_update(of=("self",)).order_by("pk"):
            _end(grant, actor=actor, via="holder_changed", reason_code=reason_code)
            ended += 1
    return ended


def information_requests_expire(*, now: datetime.datetime | None = None) -> int:
    """End the grants past their expiry; a request still open then expires (each audited). Returns how many
    requests expired. Safe to run twice: each request is re-read under its lock."""
    now = now or timezone.now()
    expired = 0
    due = InformationRequestUserObjectPermission.objects.filter(expires_at__lte=now).values_list(
        "content_object_id", flat=True
    )
    for request_id in sorted(set(due)):
        with transaction.atomic():
            information_request = (
                InformationRequest.objects.select_for_update(of=("self",))
                .select_related("referral")
                .filter(pk=request_id)
                .first()
            )
            if information_request is None:
                continue
            if information_request.is_open:
                information_request.status = InformationRequestStatus.EXPIRED
                information_request.expired_at = now
                information_request.save(update_fields=["status", "expired_at", "updated_at"])
                audit.record(
                    actor=None,
                    action=AuditAction.INFORMATION_REQUEST_EXPIRED,
                    target=information_request.referral,
                    details={
                        "request_id": information_request.pk,
                        "organisation_id": information_request.organisation_id,
                    },
                )
                expired += 1
            for grant in information_request.user_grants.filter(expires_at__lte=now).order_by("pk"):
                grant.content_object = information_request
                _end(grant, actor=None, via="expiry")
    return expired
