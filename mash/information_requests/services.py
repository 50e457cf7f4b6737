"""Information requests: create, answer, decline, chase, withdraw. Each write is one transaction with its audit
event; a refusal is audited (committed on its own) before anything is written, and nothing is half-written."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Nation, Organisation, User
from audit import services as audit
from audit.actions import AuditAction
from core.services import outbox_enqueue
from encryption.storage import encrypted_file_delete, encrypted_file_save
from referrals.choices import ReferralStatus
from referrals.models import Referral
from referrals.services.attachments import attachment_content_type
from referrals.validation import ATTACHMENT_EMPTY, ATTACHMENT_NOT_STORED, ATTACHMENT_TYPES, attachment_too_big_message

from ..calendar import is_working_day
from ..models import InformationRequest, InformationRequestAttachment, InformationRequestStatus
from .exceptions import InformationRequestInvalid, InformationRequestRefused
from .grants import request_grant_write, request_grants_end
from .permissions import ADDRESSEE_ROLES, can_create_request, can_manage_request, is_addressee

logger = logging.getLogger(__name__)

NOTIFY = "mash.information_request_notify"
REMIND = "mash.information_request_remind"
MAX_FILES = 5
QUESTION_MAX = 5000
ANSWER_MAX = 5000
REASON_MAX = 2000
S = InformationRequestStatus

# Why a request can no longer be answered, as the partner reads it.
CLOSED_MESSAGES = {
    S.ANSWERED: "You have already answered this request. It cannot be answered again.",
    S.DECLINED: "You have already declined this request. It cannot be answered now.",
    S.WITHDRAWN: "The council has withdrawn this request. It no longer needs an answer.",
    S.EXPIRED: "The time to answer this request has passed. It can no longer be answered.",
}


@dataclass(frozen=True)
class Upload:
    fileobj: BinaryIO
    filename: str
    size: int


def _details(information_request: InformationRequest, **extra: Any) -> dict[str, Any]:
    return {"request_id": information_request.pk, "organisation_id": information_request.organisation_id, **extra}


def _text(value: str | None, *, required: str, too_long: str, maximum: int) -> tuple[str, str]:
    text = (value or "").strip()
    if not text:
        return "", required
    if len(text) > maximum or "\x00" in text:
        return "", too_long
    return text, ""


def _due_error(due_on: Any, nation: str, today: datetime.date) -> str:
    if not isinstance(due_on, datetime.date):
        return "Enter the date the answer is due"
    if due_on < today:
        return "The due date must be today or in the future"
    if not is_working_day(due_on, nation):
        return f"The due date must be a working day in {Nation(nation).label}, not a weekend or a bank holiday"
    return ""


def _addressee_error(*, referral: Referral, organisation: Any, addressee: Any) -> dict[str, list[str]]:
    if not isinstance(organisation, Organisation):
        return {"organisation": ["Select the organisation to ask"]}
    membership = getattr(addressee, "membership", None) if isinstance(addressee, User) else None
    if (
        membership is None
        or not addressee.has_role(*ADDRESSEE_ROLES)
        or membership.organisation_id != organisation.pk
        or membership.local_authority_id != referral.local_authority_id
    ):
        return {"addressee": [f"Select a partner contributor of {organisation.name}"]}
    return {}


def information_request_create(
    *, referral: Referral, actor: Any, organisation: Any, addressee: Any, question: str, due_on: Any
) -> InformationRequest:
    """Ask one partner contributor of an organisation a question, answered by a working day not in the past.

    The addressee gets a grant to this request only and an e-mail with a link (through the outbox)."""
    if not can_create_request(referral, actor):
        audit.record_refusal(actor=actor, action=AuditAction.INFORMATION_REQUEST_CREATED, target=referral)
        raise InformationRequestRefused("Only a triage officer of this council can ask for information now")
    errors = _addressee_error(referral=referral, organisation=organisation, addressee=addressee)
    text, error = _text(
        question,
        required="Enter the question",
        too_long=f"The question must be {QUESTION_MAX} characters or fewer",
        maximum=QUESTION_MAX,
    )
    if error:
        errors["question"] = [error]
    due_error = _due_error(due_on, referral.local_authority.nation, timezone.localdate())
    if due_error:
        errors["due_on"] = [due_error]
    if errors:
        raise InformationRequestInvalid(errors)
    with transaction.atomic():
        # The case is locked in information gathering until commit: it cannot move on meanwhile.
        locked = Referral.objects.select_for_update().filter(
            pk=referral.pk, status=ReferralStatus.INFORMATION_GATHERING
        )
        if not locked.exists():
            raise InformationRequestInvalid({"question": ["The case is no longer in information gathering"]})
        information_request = InformationRequest(
            referral=referral,
            organisation=organisation,
            addressee=addressee,
            created_by=actor,
            question=text,
            due_on=due_on,
        )
        information_request.save(force_insert=True)
        request_grant_write(information_request=information_request, actor=actor)
        outbox_enqueue(topic=NOTIFY, object_id=information_request.pk)
        audit.record(
            actor=actor,
            action=AuditAction.INFORMATION_REQUEST_CREATED,
            target=referral,
            details=_details(information_request, addressee_id=addressee.pk),
        )
    return information_request


class _Closed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def closed_message(information_request: InformationRequest, now: datetime.datetime) -> str:
    """Why the request cannot be answered now, or "" if it can (open, and the addressee's grant current)."""
    if not information_request.is_open:
        return CLOSED_MESSAGES[information_request.status]
    if not information_request.user_grants.filter(
        user_id=information_request.addressee_id, expires_at__gt=now
    ).exists():
        return CLOSED_MESSAGES[S.EXPIRED]
    return ""


@contextmanager
def _open_request(information_request: InformationRequest, action: str, actor: Any) -> Iterator[InformationRequest]:
    """The request locked and still answerable, in a transaction; a closed one is refused (audited) instead."""
    try:
        with transaction.atomic():
            locked = InformationRequest.objects.select_for_update(of=("self",)).get(pk=information_request.pk)
            locked.referral = information_request.referral
            message = closed_message(locked, timezone.now())
            if message:
                raise _Closed(message)
            yield locked
    except _Closed as exc:
        audit.record_refusal(
            actor=actor,
            action=action,
            target=information_request.referral,
            details=_details(information_request, status=str(information_request.status)),
        )
        raise InformationRequestRefused(exc.message) from None


def _check_addressee(information_request: InformationRequest, actor: Any, action: str) -> None:
    if not is_addressee(information_request, actor):
        audit.record_refusal(actor=actor, action=action, target=information_request.referral)
        raise InformationRequestRefused("Only the person this request was sent to can answer it")
    message = closed_message(information_request, timezone.now())
    if message:
        audit.record_refusal(
            actor=actor,
            action=action,
            target=information_request.referral,
            details=_details(information_request, status=str(information_request.status)),
        )
        raise InformationRequestRefused(message)


def closed_refusal_record(*, actor: Any, request_id: Any, answering: bool) -> None:
    """The addressee posted an answer (or a refusal to answer) to their request after it closed: nothing is
    written but the refused event (committed on its own)."""
    information_request = InformationRequest.objects.select_related("referral").filter(pk=request_id).first()
    if information_request is None:
        return
    details = _details(information_request, status=str(information_request.status))
    target = information_request.referral
    if answering:
        audit.record_refusal(
            actor=actor, action=AuditAction.INFORMATION_REQUEST_ANSWERED, target=target, details=details
        )
    else:
        audit.record_refusal(
            actor=actor, action=AuditAction.INFORMATION_REQUEST_DECLINED, target=target, details=details
        )


def _check_upload(upload: Upload) -> str:
    limit = settings.REFERRAL_ATTACHMENT_MAX_BYTES
    if upload.size <= 0:
        raise InformationRequestInvalid({"file": [ATTACHMENT_EMPTY]})
    if upload.size > limit:
        raise InformationRequestInvalid({"file": [attachment_too_big_message(limit)]})
    content_type = attachment_content_type(upload.fileobj)
    if content_type is None:
        raise InformationRequestInvalid({"file": [ATTACHMENT_TYPES]})
    return content_type


def _encrypt(information_request: InformationRequest, uploads: list[Upload]) -> list[tuple[Upload, str, str]]:
    """Check every file, then encrypt them; on any failure nothing is left on disk."""
    if len(uploads) > MAX_FILES:
        raise InformationRequestInvalid({"file": [f"You can send up to {MAX_FILES} files"]})
    checked = [(upload, _check_upload(upload)) for upload in uploads]
    saved: list[tuple[Upload, str, str]] = []
    try:
        for upload, content_type in checked:
            ref = encrypted_file_save(
                data_key=information_request.referral.data_key,
                fileobj=upload.fileobj,
                filename=(upload.filename or "file")[-255:],
                content_type=content_type,
            )
            saved.append((upload, content_type, ref))
    except BaseException as exc:
        for _, _, ref in saved:
            encrypted_file_delete(ref=ref)
        if isinstance(exc, OSError):  # a full disk or a failing volume: the answer waits, nothing kept
            logger.error("Information request %s: file not stored (%s)", information_request.pk, type(exc).__name__)
            raise InformationRequestInvalid({"file": [ATTACHMENT_NOT_STORED]}) from exc
        raise
    return saved


def information_request_answer(
    *, information_request: InformationRequest, actor: Any, answer: str, uploads: list[Upload] | None = None
) -> InformationRequest:
    """The addressee answers, once, while the request is open and their grant lasts; their grant then ends."""
    action = AuditAction.INFORMATION_REQUEST_ANSWERED
    _check_addressee(information_request, actor, action)
    text, error = _text(
        answer,
        required="Enter your answer",
        too_long=f"Your answer must be {ANSWER_MAX} characters or fewer",
        maximum=ANSWER_MAX,
    )
    if error:
        raise InformationRequestInvalid({"answer": [error]})
    saved = _encrypt(information_request, list(uploads or []))
    try:
        return _finish(information_request, actor, action, answer=text, files=saved)
    except BaseException:
        for _, _, ref in saved:
            encrypted_file_delete(ref=ref)
        raise


def information_request_decline(
    *, information_request: InformationRequest, actor: Any, reason: str
) -> InformationRequest:
    """The addressee declines, once, with a reason, while the request is open; their grant then ends."""
    action = AuditAction.INFORMATION_REQUEST_DECLINED
    _check_addressee(information_request, actor, action)
    text, error = _text(
        reason,
        required="Enter why you cannot answer",
        too_long=f"The reason must be {REASON_MAX} characters or fewer",
        maximum=REASON_MAX,
    )
    if error:
        raise InformationRequestInvalid({"reason": [error]})
    return _finish(information_request, actor, action, reason=text)


def _finish(
    information_request: InformationRequest,
    actor: Any,
    action: str,
    *,
    answer: str = "",
    reason: str = "",
    files: list[tuple[Upload, str, str]] | None = None,
) -> InformationRequest:
    files = files or []
    with _open_request(information_request, action, actor) as locked:
        locked.answered_at = timezone.now()
        if action == AuditAction.INFORMATION_REQUEST_ANSWERED:
            locked.status, locked.answer = S.ANSWERED, answer
            fields = ["status", "answer", "answered_at", "updated_at"]
        else:
            locked.status, locked.decline_reason = S.DECLINED, reason
            fields = ["status", "decline_reason", "answered_at", "updated_at"]
        locked.save(update_fields=fields)
        for upload, content_type, ref in files:
            InformationRequestAttachment(
                request=locked,
                added_by=actor,
                file_ref=ref,
                content_type=content_type,
                size=upload.size,
                filename=(upload.filename or "file")[-255:],
            ).save(force_insert=True)
        request_grants_end(information_request=locked, actor=actor, via=str(locked.status))
        details = _details(locked, status=str(locked.status))
        if locked.status == S.ANSWERED:
            details["attachments"] = len(files)
            audit.record(
                actor=actor, action=AuditAction.INFORMATION_REQUEST_ANSWERED, target=locked.referral, details=details
            )
        else:
            audit.record(
                actor=actor, action=AuditAction.INFORMATION_REQUEST_DECLINED, target=locked.referral, details=details
            )
    return locked


def _check_manager(information_request: InformationRequest, actor: Any, action: str) -> None:
    if not can_manage_request(information_request, actor):
        audit.record_refusal(
            actor=actor,
            action=action,
            target=information_request.referral,
            details=_details(information_request, status=str(information_request.status)),
        )
        if information_request.is_open:
            raise InformationRequestRefused("Only a triage officer of this council can chase or withdraw a request")
        raise InformationRequestRefused(f"This request is {information_request.get_status_display().lower()}")


def information_request_chase(*, information_request: InformationRequest, actor: Any) -> InformationRequest:
    """The triage officer sends the addressee a reminder now (an e-mail through the outbox)."""
    _check_manager(information_request, actor, AuditAction.INFORMATION_REQUEST_CHASED)
    with _open_request(information_request, AuditAction.INFORMATION_REQUEST_CHASED, actor) as locked:
        now = timezone.now()
        InformationRequest.objects.filter(pk=locked.pk).update(
            chase_count=F("chase_count") + 1, last_chased_at=now, updated_at=now
        )
        outbox_enqueue(topic=REMIND, object_id=locked.pk)
        audit.record(
            actor=actor,
            action=AuditAction.INFORMATION_REQUEST_CHASED,
            target=locked.referral,
            details=_details(locked, when="by_hand"),
        )
    locked.refresh_from_db()
    return locked


def information_request_withdraw(*, information_request: InformationRequest, actor: Any) -> InformationRequest:
    """The triage officer withdraws an open request; the addressee's access ends with it."""
    _check_manager(information_request, actor, AuditAction.INFORMATION_REQUEST_WITHDRAWN)
    with _open_request(information_request, AuditAction.INFORMATION_REQUEST_WITHDRAWN, actor) as locked:
        locked.status = S.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
        request_grants_end(information_request=locked, actor=actor, via="withdrawn")
        audit.record(
            actor=actor,
            action=AuditAction.INFORMATION_REQUEST_WITHDRAWN,
            target=locked.referral,
            details=_details(locked, status=str(S.WITHDRAWN)),
        )
    return locked
