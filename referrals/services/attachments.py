"""Attachments (encrypted files, type checked by content) and further information added after submission."""

from __future__ import annotations

import errno
import logging
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction

from audit import services as audit
from audit.actions import AuditAction
from encryption.storage import encrypted_file_delete, encrypted_file_save
from referrals.choices import CoarseStatus, ReferralStatus
from referrals.exceptions import AttachmentNotStored, AttachmentRejected, NotEditable, ReferralClosed, ReferralInvalid
from referrals.models import Referral, ReferralAttachment, ReferralInformation
from referrals.permissions import can_add_attachment, can_add_information, can_edit_draft
from referrals.validation import (
    ATTACHMENT_EMPTY,
    ATTACHMENT_NOT_STORED,
    ATTACHMENT_TYPES,
    attachment_too_big_message,
)

from .intake import draft_files_change

logger = logging.getLogger(__name__)

_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),
]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_ATTACHMENTS = 10
ATTACHMENTS_CLOSED = "Files can be added to a referral only until screening starts"


def attachment_content_type(fileobj: BinaryIO) -> str | None:
    """The file's type judged by its first bytes (and, for .docx, its parts), whatever its name says."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fileobj) as archive:
                is_word = "word/document.xml" in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            is_word = False
        fileobj.seek(0)
        return DOCX if is_word else None
    return None


def _check_upload(fileobj: BinaryIO, size: int) -> str:
    limit = settings.REFERRAL_ATTACHMENT_MAX_BYTES
    if size <= 0:
        raise AttachmentRejected(ATTACHMENT_EMPTY)
    if size > limit:
        raise AttachmentRejected(attachment_too_big_message(limit))
    content_type = attachment_content_type(fileobj)
    if content_type is None:
        raise AttachmentRejected(ATTACHMENT_TYPES)
    return content_type


@contextmanager
def _submitted_files_change(referral: Referral) -> Iterator[None]:
    """The transaction that adds a file to a sent referral: it is still waiting for screening, and stays so
    until commit (the row is locked)."""
    with transaction.atomic():
        if not Referral.objects.select_for_update().filter(pk=referral.pk, status=ReferralStatus.SUBMITTED).exists():
            raise NotEditable(ATTACHMENTS_CLOSED)
        yield


def _refuse(referral: Referral, actor: Any, size: int) -> NotEditable:
    audit.record_refusal(
        actor=actor, action=AuditAction.REFERRAL_ATTACHMENT_ADDED, target=referral, details={"size": size}
    )
    return NotEditable(ATTACHMENTS_CLOSED)


def referral_attachment_allowed(*, referral: Referral, actor: Any) -> None:
    """Raise NotEditable (the refusal audited) unless the actor may add a file to this referral now."""
    if not can_add_attachment(referral, actor):
        raise _refuse(referral, actor, 0)


def referral_attachment_add(
    *, referral: Referral, actor: Any, fileobj: BinaryIO, filename: str, size: int
) -> ReferralAttachment:
    """Encrypt an upload to the author's referral and record it; nothing is kept on failure.

    A draft's files (the journey), or a submitted referral's until screening starts (the API); a
    refusal of the author is audited (anyone else never reaches here: the selector answers 404).
    """
    if not can_add_attachment(referral, actor):
        raise _refuse(referral, actor, size)
    if referral.attachments.count() >= MAX_ATTACHMENTS:
        raise AttachmentRejected(f"You can attach up to {MAX_ATTACHMENTS} files")
    content_type = _check_upload(fileobj, size)
    try:
        ref = encrypted_file_save(
            data_key=referral.data_key, fileobj=fileobj, filename=filename[-255:] or "file", content_type=content_type
        )
    except OSError as exc:  # a full disk or a failing volume: the storage removed its partial file; no row yet
        logger.error(
            "Attachment to %s not stored: %s", referral.reference or referral.pk, errno.errorcode.get(exc.errno, "?")
        )
        raise AttachmentNotStored(ATTACHMENT_NOT_STORED) from exc
    try:
        files_change = (
            draft_files_change(referral=referral, actor=actor)
            if referral.status == ReferralStatus.DRAFT
            else _submitted_files_change(referral)
        )
        with files_change:
            attachment = ReferralAttachment(
                referral=referral,
                added_by=actor,
                file_ref=ref,
                content_type=content_type,
                size=size,
                filename=(filename or "file")[-255:],
            )
            attachment.save(force_insert=True)
            audit.record(
                actor=actor,
                action=AuditAction.REFERRAL_ATTACHMENT_ADDED,
                target=referral,
                details={"attachment_id": attachment.pk, "size": size},
            )
    except NotEditable:
        encrypted_file_delete(ref=ref)
        raise _refuse(referral, actor, size) from None
    except BaseException:
        encrypted_file_delete(ref=ref)
        raise
    return attachment


def referral_attachment_remove(*, referral: Referral, actor: Any, attachment_id: Any) -> None:
    """Remove a file from the actor's own draft (activity: the draft's retention counts from now)."""
    if not can_edit_draft(referral, actor):
        raise NotEditable("Files can be removed only from your own draft.")
    attachment = referral.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        return
    with draft_files_change(referral=referral, actor=actor):
        attachment.delete()
        audit.record(
            actor=actor, action=AuditAction.REFERRAL_DRAFT_SAVED, target=referral, details={"fields_changed": 1}
        )
        transaction.on_commit(lambda: encrypted_file_delete(ref=attachment.file_ref))


def referral_information_add(*, referral: Referral, actor: Any, text: str) -> ReferralInformation:
    """Append further information from the referrer to a submitted referral (never edits what was sent).

    Refused, and the refusal audited, for anyone but the referrer and once the referral is closed.
    """
    if not can_add_information(referral, actor):
        audit.record_refusal(actor=actor, action=AuditAction.REFERRAL_INFORMATION_ADDED, target=referral)
        if referral.created_by_id == actor.pk and referral.coarse_status == CoarseStatus.CLOSED:
            raise ReferralClosed
        raise NotEditable("Only the referrer can add information to a submitted referral.")
    text = (text or "").strip()
    if not text:
        raise ReferralInvalid({"text": ["Enter the further information"]})
    if len(text) > ReferralInformation._meta.get_field("text").max_length or "\x00" in text:
        raise ReferralInvalid({"text": ["Further information must be 5000 characters or fewer"]})
    with transaction.atomic():
        information = ReferralInformation(referral=referral, added_by=actor, text=text)
        information.save(force_insert=True)
        audit.record(
            actor=actor,
            action=AuditAction.REFERRAL_INFORMATION_ADDED,
            target=referral,
            details={"information_id": information.pk},
        )
    return information
