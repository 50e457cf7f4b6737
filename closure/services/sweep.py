"""The closure sweep (Celery beat, every CLOSURE_SWEEP_MINUTES): purge the cases whose hold period is over,
finish purges whose files a crash left, queue again the transfers whose delivery stalled, and tell the
Prevent lead (once, by e-mail through the outbox, no personal data) of cases closed but not transferred
after TRANSFER_ALERT_DAYS. Each part is idempotent; one case's failure does not stop the others."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from audit import services as audit
from audit.actions import AuditAction
from core.models import OutboxMessage
from core.services import outbox_enqueue
from referrals.choices import ReferralStatus

from ..models import PurgeCertificate, Transfer, TransferStage
from .purge import PurgeRefused, case_purge, purge_finish
from .transfer import DELIVER

logger = logging.getLogger(__name__)
OVERDUE_NOTIFY = "closure.transfer_overdue_notify"
NOT_DELIVERED = (TransferStage.DUE, TransferStage.BUILT)


def purges_due(*, now: datetime.datetime) -> int:
    """Purge (as the service) every transferred case whose receipt is older than PURGE_HOLD_DAYS."""
    cutoff = now - datetime.timedelta(days=settings.PURGE_HOLD_DAYS)
    due = Transfer.objects.filter(
        stage=TransferStage.ACKNOWLEDGED,
        receipt_received_at__lte=cutoff,
        referral__status=ReferralStatus.TRANSFERRED,
    ).values_list("referral__reference", flat=True)
    purged = 0
    for reference in list(due):
        try:
            case_purge(reference=reference, actor=None, via="schedule", now=now)
        except (PurgeRefused, OSError) as exc:  # the class name only; the next sweep tries again
            logger.warning("Purge of %s failed (%s); the next sweep retries.", reference, type(exc).__name__)
        else:
            purged += 1
    return purged


def purges_finish() -> int:
    """Remove the files and cache keys of purges that committed but crashed before removing them."""
    finished = 0
    for certificate in PurgeCertificate.objects.filter(files_removed_at__isnull=True):
        try:
            purge_finish(certificate=certificate)
        except OSError as exc:
            logger.warning("Files of purged case %s not removed (%s).", certificate.reference, type(exc).__name__)
        else:
            finished += 1
    return finished


def _delivery_pending(transfer: Transfer, *, since: datetime.datetime) -> bool:
    """A delivery is queued and has attempts left, or one was dispatched lately (its task may still retry)."""
    messages = OutboxMessage.objects.filter(topic=DELIVER, object_id=str(transfer.pk))
    return (
        messages.filter(dispatched_at__isnull=True, attempts__lt=settings.OUTBOX_MAX_ATTEMPTS).exists()
        or messages.filter(dispatched_at__gte=since).exists()
    )


def transfers_restart_stalled(*, now: datetime.datetime) -> int:
    """Queue the delivery again of each transfer not delivered whose outbox row used its attempts (or is gone)."""
    since = now - datetime.timedelta(minutes=settings.TRANSFER_STALLED_MINUTES)
    restarted = 0
    for transfer in Transfer.objects.defer("package").filter(stage__in=NOT_DELIVERED, created_at__lt=since):
        if _delivery_pending(transfer, since=since):
            continue
        with transaction.atomic():
            outbox_enqueue(topic=DELIVER, object_id=transfer.pk)
            audit.record(
                actor=None,
                action=AuditAction.TRANSFER_RESTARTED,
                target=transfer.referral,
            )
        restarted += 1
    return restarted


def transfers_alert_overdue(*, now: datetime.datetime) -> int:
    """Tell the Prevent lead, once per case, that a case closed TRANSFER_ALERT_DAYS ago is not transferred."""
    cutoff = now - datetime.timedelta(days=settings.TRANSFER_ALERT_DAYS)
    overdue = (
        Transfer.objects.defer("package")
        .exclude(stage=TransferStage.ACKNOWLEDGED)
        .filter(alerted_at__isnull=True, referral__closed_at__lte=cutoff)
        .select_related("referral")
    )
    alerted = 0
    for transfer in overdue:
        with transaction.atomic():
            if not Transfer.objects.filter(pk=transfer.pk, alerted_at__isnull=True).update(alerted_at=now):
                continue
            outbox_enqueue(topic=OVERDUE_NOTIFY, object_id=transfer.pk)
            audit.record(
                actor=None,
                action=AuditAction.TRANSFER_OVERDUE_ALERTED,
                target=transfer.referral,
            )
        alerted += 1
    return alerted


def transfer_overdue_notify(transfer_id: Any) -> None:
    """The outbox handler: e-mail the Prevent leads of the case's council the reference and a link, nothing else."""
    transfer = Transfer.objects.defer("package").select_related("referral").filter(pk=transfer_id).first()
    if transfer is None or transfer.stage == TransferStage.ACKNOWLEDGED:
        return  # transferred (or purged) since: nothing to say
    referral = transfer.referral
    leads = list(
        User.objects.filter(
            is_active=True,
            membership_record__role=Role.PREVENT_LEAD,
            membership_record__local_authority_id=referral.local_authority_id,
        ).values_list("email", flat=True)
    )
    if not leads:
        return
    link = settings.SERVICE_BASE_URL.rstrip("/") + reverse("closure:transfer-list")
    send_mail(
        subject=f"Case {referral.reference} is closed but not yet transferred to CTP",
        message=(
            f"Case {referral.reference} was closed more than {settings.TRANSFER_ALERT_DAYS} days ago and CTP has not "
            f"acknowledged its transfer package yet.\n\nSee the transfers in progress: {link}\n"
        ),
        from_email=None,
        recipient_list=leads,
        fail_silently=False,
    )


def closure_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Run every part of the sweep; returns how many of each (for the log and the tests)."""
    now = now or timezone.now()
    done = {
        "purged": purges_due(now=now),
        "finished": purges_finish(),
        "restarted": transfers_restart_stalled(now=now),
        "alerted": transfers_alert_overdue(now=now),
    }
    logger.info("Closure sweep: %s.", ", ".join(f"{k} {v}" for k, v in done.items()))
    return done
