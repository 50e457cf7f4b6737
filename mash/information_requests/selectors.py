"""Reads of information requests, filtered by who may see them.

Staff reach a request through its case (referrals.selectors.referral_get: the case's visibility) and the case
readers' rule; the addressee reaches it only through their per-request grant, never through the case: a
request URL names the request, not the case, and answers 404 to everyone else (missing and forbidden look
the same). The grant's expiry is checked here, not by guardian (STYLE.md section 4).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Organisation, User
from audit import services as audit
from encryption.storage import encrypted_file_open
from referrals.models import Referral
from referrals.selectors import referral_get

from ..models import InformationRequest, InformationRequestAttachment, InformationRequestStatus
from .permissions import ADDRESSEE_ROLES, can_see_requests, is_addressee
from .services import closed_message

READ_SECTION = "information-request"


class RequestClosed(PermissionDenied):
    """The addressee's own request, no longer open to them: the page says why (403, audited by the middleware)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def information_request_list_for_addressee(*, user: Any) -> QuerySet[InformationRequest]:
    """The partner contributor's open requests that their current grants open (no decryption: dates only)."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(*ADDRESSEE_ROLES):
        return InformationRequest.objects.none()
    return (
        InformationRequest.objects.filter(
            addressee=user,
            status=InformationRequestStatus.OPEN,
            referral__local_authority_id=user.local_authority_id,
            user_grants__user=user,
            user_grants__expires_at__gt=timezone.now(),
        )
        .select_related("organisation", "referral__local_authority")
        # referral__status too: the case model's optimistic locking reads its state field as each row loads,
        # and a deferred one would cost a query per row (tests/core/test_list_queries.py).
        .only(
            "id",
            "due_on",
            "status",
            "created_at",
            "organisation__name",
            "referral__status",
            "referral__local_authority__name",
        )
        .distinct()
        .order_by("due_on", "created_at")
    )


def information_request_get_for_addressee(*, user: Any, request_id: uuid.UUID) -> InformationRequest:
    """The request for its addressee while their grant lasts, the read recorded; RequestClosed (403) for their
    own request once it is answered, declined, withdrawn or expired; 404 for anyone else."""
    information_request = (
        InformationRequest.objects.select_related("referral__data_key", "referral__local_authority", "organisation")
        .filter(pk=request_id)
        .first()
    )
    if information_request is None or not is_addressee(information_request, user):
        raise Http404
    message = closed_message(information_request, timezone.now())
    if message:
        raise RequestClosed(message)
    audit.record_read(actor=user, target=information_request.referral, details={"section": READ_SECTION})
    return information_request


def information_request_list_for_case(*, referral: Referral, user: Any) -> list[InformationRequest]:
    """The case's requests for its readers (the caller has checked the case is visible), newest first."""
    if not can_see_requests(referral, user):
        return []
    requests = list(
        referral.information_requests.select_related("organisation", "addressee", "created_by")
        .prefetch_related("attachments")
        .order_by("-created_at")
    )
    for information_request in requests:
        information_request.referral = referral  # the case's key is loaded already
    return requests


def information_request_get_for_staff(*, user: Any, reference: str, request_id: uuid.UUID) -> InformationRequest:
    """A request of a case the user may see (404 otherwise); whether they may act on it is the service's check."""
    referral = referral_get(user=user, reference=reference)
    information_request = get_object_or_404(
        InformationRequest.objects.select_related("organisation"), referral=referral, pk=request_id
    )
    information_request.referral = referral
    return information_request


def information_request_file_open(
    *, user: Any, reference: str, request_id: uuid.UUID, file_id: uuid.UUID
) -> tuple[InformationRequestAttachment, Any]:
    """A file of an answer, for the case's readers; the download is recorded first."""
    information_request = information_request_get_for_staff(user=user, reference=reference, request_id=request_id)
    if not can_see_requests(information_request.referral, user):
        raise PermissionDenied
    attachment = get_object_or_404(InformationRequestAttachment, request=information_request, pk=file_id)
    attachment.request = information_request
    audit.record_read(
        actor=user,
        target=information_request.referral,
        details={"section": READ_SECTION, "attachment_id": attachment.pk},
    )
    return attachment, encrypted_file_open(data_key=information_request.referral.data_key, ref=attachment.file_ref)


def information_request_counts(*, referral: Referral) -> tuple[int, int]:
    """(open, overdue) requests of a case, for the summary card: one query counting both, nothing decrypted."""
    today = timezone.localdate()
    counts = referral.information_requests.filter(status=InformationRequestStatus.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    return counts["open"], counts["overdue"]


def organisations_with_contributors(*, referral: Referral) -> QuerySet[Organisation]:
    """The organisations that have an active partner contributor in the case's council."""
    return (
        Organisation.objects.filter(
            memberships__role__in=ADDRESSEE_ROLES,
            memberships__local_authority_id=referral.local_authority_id,
            memberships__user__is_active=True,
        )
        .distinct()
        .order_by("name")
    )


def contributors_for_case(*, referral: Referral) -> QuerySet[User]:
    """Active partner contributors of the case's council who belong to an organisation."""
    return (
        User.objects.filter(
            is_active=True,
            membership_record__role__in=ADDRESSEE_ROLES,
            membership_record__local_authority_id=referral.local_authority_id,
            membership_record__organisation__isnull=False,
        )
        .select_related("membership_record__organisation")
        .order_by("membership_record__organisation__name", "display_name", "email")
    )
