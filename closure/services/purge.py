"""Purging a transferred case: every row of it in every app, its files, grants, outbox rows and data key.

Only after CTP's receipt was accepted and PURGE_HOLD_DAYS have passed; by the scheduled sweep (actor None)
or the council's Prevent lead. One durable transaction deletes the rows (found through the model graph:
closure.case_rows), shreds the data key, and writes the signed certificate and the statistical tombstone,
all audited: a crash anywhere inside leaves the case whole. The stored files and cache keys go once it has
committed; a crash then leaves ciphertext under a shredded key, which a rerun or the sweep removes
(`files_removed_at` stays empty until then). docs/closure.md.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction
from closure.fault_pause import fault_pause_point
from encryption.models import DataKey
from encryption.services import case_key_shred
from referrals.choices import ReferralStatus
from referrals.models import Referral
from referrals.permissions import can_purge
from referrals.services import referral_purge

from .. import leftovers
from ..case_rows import case_rows
from ..certificate import certificate_sign
from ..models import PurgeCertificate, StatisticalRecord, Tombstone, Transfer, TransferStage
from ..statistics import case_statistics

logger = logging.getLogger(__name__)

# The steps, in order, at which a crash is injected by the tests (tests/closure/test_purge_crash.py).
PURGE_STEPS = (
    "transition",
    "rows",
    "references",
    "data_key",
    "certificate",
    "tombstone",
    "audit",
    "files",
    "cache",
)


class PurgeRefused(Exception):
    """Not purged (audited): NO_RECEIPT, HOLD_PERIOD, NOT_PERMITTED or UNKNOWN."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _step(name: str) -> None:
    """A named point of the purge; the crash-injection tests make one raise, the fault tests pause the worker."""
    fault_pause_point(f"purge.{name}")


def purge_due_at(transfer: Transfer) -> datetime.datetime | None:
    """When the case may be purged: the receipt's time plus the hold period; None without a receipt."""
    if transfer.stage != TransferStage.ACKNOWLEDGED or transfer.receipt_received_at is None:
        return None
    return transfer.receipt_received_at + datetime.timedelta(days=settings.PURGE_HOLD_DAYS)


def _refuse(*, referral: Referral, actor: Any, via: str, code: str, message: str) -> PurgeRefused:
    audit.record_refusal(
        actor=actor, action=AuditAction.CASE_PURGE_REFUSED, target=referral, reason_code=code, details={"via": via}
    )
    return PurgeRefused(code, message)


def _check(*, referral: Referral, transfer: Transfer | None, actor: Any, via: str, now: datetime.datetime) -> None:
    if not can_purge(referral, actor):
        raise _refuse(
            referral=referral,
            actor=actor,
            via=via,
            code="NOT_PERMITTED",
            message="Refused: only the council's Prevent lead may purge a case.",
        )
    if transfer is None or referral.status != ReferralStatus.TRANSFERRED or purge_due_at(transfer) is None:
        raise _refuse(
            referral=referral, actor=actor, via=via, code="NO_RECEIPT", message="Refused: CTP's receipt is awaited."
        )
    due = purge_due_at(transfer)
    if due is not None and due > now:
        raise _refuse(
            referral=referral,
            actor=actor,
            via=via,
            code="HOLD_PERIOD",
            message=f"Refused: the hold period ends on {timezone.localtime(due):%-d %B %Y}.",
        )


def _delete_rows(rows: Any) -> dict[str, int]:
    """Delete the case's rows, deepest first, and the rows that name them; count what went, per model."""
    counts: dict[str, int] = {}

    def add(deleted: dict[str, int]) -> None:
        for label, number in deleted.items():
            if number:
                counts[label] = counts.get(label, 0) + number

    for _model, queryset in rows.querysets():
        add(queryset.delete()[1])
    _step("references")
    for _model, queryset in rows.generic_querysets():
        add(queryset.delete()[1])
    add(rows.outbox().delete()[1])
    return counts


def _needles(certificate: PurgeCertificate) -> list[str]:
    return [str(certificate.case_id), certificate.reference]


def purge_finish(*, certificate: PurgeCertificate) -> PurgeCertificate:
    """After the purge committed: unlink the case's stored files and its cache keys (idempotent)."""
    _step("files")
    leftovers.stored_files_delete(certificate.file_refs)
    _step("cache")
    leftovers.redis_keys_delete(_needles(certificate))
    if certificate.files_removed_at is None:
        PurgeCertificate.objects.filter(pk=certificate.pk, files_removed_at__isnull=True).update(
            files_removed_at=timezone.now()
        )
        certificate.refresh_from_db(fields=["files_removed_at"])
    return certificate


def _certificate(
    *, locked: Referral, transfer: Transfer, rows: Any, counts: dict[str, int], **fields: Any
) -> PurgeCertificate:
    """The signed certificate of the purge (saved)."""
    certificate = PurgeCertificate(
        reference=locked.reference,
        case_id=locked.pk,
        data_key_id=locked.data_key_id,
        local_authority_id=locked.local_authority_id,
        referrer_id=locked.created_by_id,
        submitted_at=locked.submitted_at,
        closed_at=locked.closed_at,
        delivered_at=transfer.delivered_at,
        receipt_received_at=transfer.receipt_received_at,
        package_id=transfer.package_id,
        package_sha256=transfer.package_sha256,
        receipt_id=transfer.receipt_id,
        rows_deleted=counts,
        files_deleted=len(rows.file_refs),
        file_refs=rows.file_refs,
        **fields,
    )
    certificate_sign(certificate)
    certificate.save(force_insert=True)
    return certificate


def _tombstone(statistics: dict[str, Any], *, record_id: str, now: datetime.datetime) -> None:
    # The live case's statistical record becomes the tombstone: its figures move, they are not counted twice.
    if record_id:
        try:
            StatisticalRecord.objects.filter(pk=uuid.UUID(str(record_id))).delete()
        except ValueError:
            pass  # not an id this service wrote: there is no record to remove
    tombstone = Tombstone.objects.create(**statistics)
    # Written the same instant as the certificate: keep the day only, so the two cannot be paired by time.
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    Tombstone.objects.filter(pk=tombstone.pk).update(created_at=midnight, updated_at=midnight)


def _purge(*, locked: Referral, transfer: Transfer, actor: Any, via: str, now: datetime.datetime) -> PurgeCertificate:
    """The steps inside the purge's transaction (the caller holds the referral's lock)."""
    statistics = case_statistics(locked)  # read while the key exists
    record_id = locked.statistics_record
    rows = case_rows(locked.pk)
    _step("transition")
    referral_purge(referral=locked, actor=actor)
    _step("rows")
    counts = _delete_rows(rows)
    _step("data_key")
    case_key_shred(data_key=DataKey(pk=locked.data_key_id))
    _step("certificate")
    authorised_by = actor if getattr(actor, "is_authenticated", False) else None
    certificate = _certificate(
        locked=locked,
        transfer=transfer,
        rows=rows,
        counts=counts,
        purged_at=now,
        authorised_by=authorised_by,
        authorised_via=via,
    )
    _step("tombstone")
    _tombstone(statistics, record_id=record_id, now=now)
    _step("audit")
    audit.record(
        actor=None,
        action=AuditAction.CASE_TOMBSTONE_WRITTEN,
        target_type="closure.tombstone",
        local_authority_id=locked.local_authority_id,
    )
    details = {"rows": sum(counts.values()), "files": len(rows.file_refs), "certificate_id": str(certificate.pk)}
    audit.record(actor=actor, action=AuditAction.CASE_PURGED, target=locked, details={**details, "via": via})
    return certificate


def case_purge(*, reference: str, actor: Any, via: str, now: datetime.datetime | None = None) -> PurgeCertificate:
    """Purge the case `reference` (see the module); returns its certificate. Raises PurgeRefused (audited).

    `via` is "schedule" (the sweep, actor None) or "prevent_lead" (the Closure section). Run again after a
    crash, it finishes the job: the transaction again if it rolled back, or the files if it had committed.
    """
    done = PurgeCertificate.objects.filter(reference=reference).first()
    if done is not None:
        return purge_finish(certificate=done) if done.files_removed_at is None else done
    referral = Referral.objects.select_related("data_key").filter(reference=reference).first()
    if referral is None:
        raise PurgeRefused("UNKNOWN", "Refused: no such case.")
    transfer = Transfer.objects.defer("package").filter(referral=referral).first()
    now = now or timezone.now()
    _check(referral=referral, transfer=transfer, actor=actor, via=via, now=now)
    with transaction.atomic(durable=True):  # an outermost step: nothing can roll the purge back once it returns
        locked = Referral.objects.select_for_update().select_related("data_key").filter(pk=referral.pk).first()
        if locked is None or locked.status != ReferralStatus.TRANSFERRED:  # purged meanwhile by another worker
            certificate = PurgeCertificate.objects.filter(reference=reference).first()
            if certificate is None:
                raise PurgeRefused("UNKNOWN", "Refused: the case changed meanwhile.")
            return certificate
        certificate = _purge(locked=locked, transfer=transfer, actor=actor, via=via, now=now)
    try:
        purge_finish(certificate=certificate)
    except OSError as exc:  # the sweep finishes it; the class name only (a message may quote a path)
        logger.warning(
            "Purge of %s committed; removing its files failed (%s): the sweep retries.", reference, type(exc).__name__
        )
    return certificate
