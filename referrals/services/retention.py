"""Retention: unfinished referrals (drafts) are deleted, their data key shredded, after DRAFT_RETENTION_DAYS."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction
from encryption.services import case_key_shred
from encryption.storage import encrypted_file_delete
from referrals.choices import ReferralStatus
from referrals.models import Referral

logger = logging.getLogger(__name__)


def _draft_discard(referral: Referral, *, now: datetime.datetime) -> bool:
    """Delete one abandoned draft, its files and answers, and shred its key; False if it changed meanwhile."""
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update()
            .select_related("data_key")
            .filter(pk=referral.pk, status=ReferralStatus.DRAFT, updated_at=referral.updated_at)
            .first()
        )
        if locked is None:  # saved or submitted since it was listed: not abandoned after all
            return False
        file_refs = list(locked.attachments.values_list("file_ref", flat=True))
        data_key = locked.data_key
        audit.record(
            actor=None,
            action=AuditAction.REFERRAL_DRAFT_DISCARDED,
            target=locked,
            details={"age_days": (now - locked.updated_at).days, "attachments": len(file_refs)},
        )
        locked.delete()  # its attachment rows go with it (CASCADE); the files once this commits
        case_key_shred(data_key=data_key)  # any copy left in a backup or WAL is unreadable from now on
        for ref in file_refs:
            transaction.on_commit(lambda ref=ref: encrypted_file_delete(ref=ref))
    return True


def _drafts(count: int) -> str:
    return f"{count:,} draft" + ("" if count == 1 else "s")


def referral_drafts_discard_abandoned(*, limit: int = 500) -> int:
    """Delete drafts with no activity for DRAFT_RETENTION_DAYS (each audited, by the system); returns how many.

    Activity is anything that changes the draft: saving answers, adding or removing a file (each
    moves its updated_at). A draft holds personal data that nobody has sent: keeping it longer than
    the referrer could plausibly come back to it serves no purpose (UK GDPR storage limitation).
    At most `limit` drafts a night, so one run stays short; the log says how many are left.
    """
    now = timezone.now()
    cutoff = now - datetime.timedelta(days=settings.DRAFT_RETENTION_DAYS)
    due = Referral.objects.filter(status=ReferralStatus.DRAFT, updated_at__lt=cutoff)
    abandoned = list(due.only("id", "updated_at", "status", "local_authority_id").order_by("updated_at")[:limit])
    deleted = sum(_draft_discard(referral, now=now) for referral in abandoned)
    left = due.count()
    done = f"Draft retention: deleted {_drafts(deleted)}"
    if left:
        verb = "is" if left == 1 else "are"
        logger.info("%s; %s more %s due and will be deleted on the next runs.", done, f"{left:,}", verb)
    else:
        logger.info("%s; none remain due.", done)
    return deleted
