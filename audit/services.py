"""The one audit API: `from audit import services as audit`; audit.record / record_refusal / record_read."""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import DEFAULT_DB_ALIAS, models
from django.utils import timezone

from audit import anonymous, chain, checkpoints
from audit.actions import AuditAction, Outcome
from audit.checkpoints import Checkpoint, CheckpointError, NothingToAnchor
from audit.details import CODE_RE, NAME_RE, REFERENCE_RE, TARGET_ID_RE, details_clean, field_check
from audit.models import AuditEvent
from audit.verification import ChainReport, chain_check, head_get, snapshot
from audit.writer import AuditUsageError, append, append_committed
from core.middleware import current_request_id

logger = logging.getLogger(__name__)

__all__ = [
    "AuditAction",
    "AuditUsageError",
    "CheckpointError",
    "NothingToAnchor",
    "Outcome",
    "anonymous_refusals_flush",
    "audit_chain_verify",
    "audit_checkpoint_create",
    "audit_checkpoint_lag",
    "record",
    "record_anonymous_refusal",
    "record_read",
    "record_refusal",
]

AUDITOR_ROLE = "auditor"

# Set when a service records a refusal during the current request, so the access-refused middleware
# does not record the same refusal a second time when the view answers 403.
_refusal_recorded: contextvars.ContextVar[bool] = contextvars.ContextVar("audit_refusal_recorded", default=False)


def refusal_tracking_start() -> contextvars.Token:
    """Called by the middleware as a request starts: no refusal recorded yet."""
    return _refusal_recorded.set(False)


def refusal_tracking_end(token: contextvars.Token) -> bool:
    """Called by the middleware as the request ends: True if a service recorded a refusal during it."""
    recorded = _refusal_recorded.get()
    _refusal_recorded.reset(token)
    return recorded


def _actor_fields(actor: Any) -> tuple[int | None, str, int | None]:
    """Actor id, role and authority at this moment, read duck-typed (audit sits below accounts)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "", None
    role = getattr(actor, "role", None) or ("superuser" if getattr(actor, "is_superuser", False) else "")
    return actor.pk, str(role), getattr(actor, "local_authority_id", None)


def _target_fields(target: models.Model | None, case_reference: str) -> tuple[str, str, str]:
    if target is None:
        return "", "", case_reference
    reference = case_reference or getattr(target, "case_reference", None) or getattr(target, "reference", None) or ""
    return target._meta.label_lower, str(target.pk), str(reference)


def _prepare(
    *,
    actor: Any,
    action: str,
    outcome: str,
    target: models.Model | None,
    target_type: str,
    target_id: str,
    case_reference: str,
    reason_code: str,
    details: Mapping[str, object] | None,
    local_authority_id: int | None,
) -> tuple[AuditEvent, bytes]:
    """Validate every field and build the canonical body, before any lock is taken."""
    clean = details_clean(action, details)
    actor_id, actor_role, actor_authority = _actor_fields(actor)
    derived_type, derived_id, reference = _target_fields(target, case_reference)
    if local_authority_id is None:
        # The case's authority first, so a cross-authority (break-glass) read shows in that authority's log.
        local_authority_id = getattr(target, "local_authority_id", None) or actor_authority
    request_id = current_request_id()
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor_id,
        actor_role=actor_role,
        local_authority_id=local_authority_id,
        action=str(action),
        outcome=Outcome(outcome).value,
        target_type=field_check("target_type", target_type or derived_type, NAME_RE),
        target_id=field_check("target_id", str(target_id or derived_id), TARGET_ID_RE),
        case_reference=field_check("case_reference", reference, REFERENCE_RE),
        reason_code=field_check("reason_code", reason_code, CODE_RE),
        details=clean,
        request_id="" if request_id == "-" else request_id,
    )
    return event, chain.event_body(event)


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    case_reference: str = "",
    reason_code: str = "",
    details: Mapping[str, object] | None = None,
    outcome: str = Outcome.DONE,
    local_authority_id: int | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> AuditEvent:
    """Append an event inside the caller's transaction: it commits, or rolls back, with the caller's work.

    Call it as the last step of the transaction: the chain head stays locked until commit.
    Raises AuditDetailsError (a ValueError) for an unknown action, a details key outside the
    action's allow-list, or any value that is not an id, code, count or reference.
    """
    event, body = _prepare(
        actor=actor,
        action=action,
        outcome=outcome,
        target=target,
        target_type=target_type,
        target_id=str(target_id),
        case_reference=case_reference,
        reason_code=reason_code,
        details=details,
        local_authority_id=local_authority_id,
    )
    return append(event, body, using=using)


def record_refusal(
    *,
    actor: Any,
    action: str = AuditAction.ACCESS_REFUSED,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    case_reference: str = "",
    reason_code: str = "",
    details: Mapping[str, object] | None = None,
    local_authority_id: int | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> AuditEvent:
    """Append a refused event and commit it at once, so it survives the failing request that follows.

    Inside an application transaction it writes through a separate connection. Call it before
    the service's transaction opens (STYLE.md 2); after record() in the same transaction it raises
    AuditUsageError rather than wait on the chain head that transaction holds.
    """
    event, body = _prepare(
        actor=actor,
        action=action,
        outcome=Outcome.REFUSED,
        target=target,
        target_type=target_type,
        target_id=str(target_id),
        case_reference=case_reference,
        reason_code=reason_code,
        details=details,
        local_authority_id=local_authority_id,
    )
    event = append_committed(event, body, using=using)
    _refusal_recorded.set(True)
    return event


def record_read(
    *,
    actor: Any,
    target: models.Model,
    case_reference: str = "",
    details: Mapping[str, object] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> AuditEvent:
    """Append a CASE_CONTENT_READ event for decrypted case content shown to `actor` (joins the transaction)."""
    return record(
        actor=actor,
        action=AuditAction.CASE_CONTENT_READ,
        target=target,
        case_reference=case_reference,
        details=details,
        using=using,
    )


def record_anonymous_refusal(*, status: int, now: dt.datetime | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Count a refusal of a visitor not signed in; no event of its own (at most one per minute, with the counts).

    The first refusal of each minute also writes the minutes already closed (anonymous_refusals_flush).
    Returns how many events that wrote.
    """
    moment = now or anonymous.clock()
    if status not in anonymous.COUNTED_STATUSES:
        raise AuditUsageError(f"Only HTTP {anonymous.COUNTED_STATUSES} refusals are counted.")
    try:
        first_of_minute = anonymous.count_add(status=status, moment=moment)
    except Exception:  # noqa: BLE001 - whatever the cache backend raises when it is down
        # Accountability over economy: with no counter (Redis down) the refusal is recorded on its own,
        # never lost, and the visitor still gets their 404, not a 500.
        logger.warning("Anonymous refusal recorded on its own: the cache that counts them is unavailable.")
        record_refusal(actor=None, details={"status": status}, using=using)
        return 1
    if first_of_minute:
        return anonymous_refusals_flush(now=moment, using=using)
    return 0


def anonymous_refusals_flush(*, now: dt.datetime | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """One committed ANONYMOUS_REFUSALS_COUNTED event per closed minute with refusals, never two; returns how many."""
    written = 0
    for minute, counts in anonymous.minutes_to_write(moment=now or anonymous.clock()):
        if not anonymous.minute_claim(minute):
            continue
        details = {f"status_{status}": count for status, count in counts.items()}
        details |= {"count": sum(counts.values()), "window_start": anonymous.minute_label(minute)}
        try:
            record_refusal(actor=None, action=AuditAction.ANONYMOUS_REFUSALS_COUNTED, details=details, using=using)
        except BaseException:
            anonymous.minute_release(minute)
            raise
        written += 1
    return written


def _auditor_addresses() -> list[str]:
    # Duck-typed (audit sits below accounts): every active user whose role is "auditor".
    user_model = get_user_model()
    email_field = user_model.get_email_field_name()
    users = user_model._default_manager.filter(is_active=True)
    return [getattr(user, email_field) for user in users.iterator() if getattr(user, "role", None) == AUDITOR_ROLE]


def audit_checkpoint_create(*, using: str = DEFAULT_DB_ALIAS, folder: Path | None = None) -> Checkpoint:
    """Sign the chain's last event (sequence, MAC, time) and write it as a new file in AUDIT_CHECKPOINT_DIR.

    Raises NothingToAnchor when the chain is empty or its last event has a checkpoint already,
    and CheckpointError when the head and its event disagree (run verify_audit) or the keys do not
    match each other.
    """
    folder = Path(folder or settings.AUDIT_CHECKPOINT_DIR)
    with snapshot(using):
        head = head_get(using)
        if head is None or head[0] == 0:
            raise NothingToAnchor("The audit chain is empty: there is no event to anchor yet.")
        event_mac = AuditEvent.objects.using(using).filter(sequence=head[0]).values_list("mac", flat=True).first()
    if (folder / checkpoints.file_name(head[0])).exists():
        raise NothingToAnchor(f"{checkpoints.file_name(head[0])} exists already (no event since); nothing to write.")
    if event_mac != head[1]:
        raise CheckpointError(f"The chain head and event {head[0]} disagree: run verify_audit before anchoring.")
    checkpoint = checkpoints.checkpoint_sign(
        sequence=head[0], mac=head[1], created_at=timezone.now().isoformat(timespec="seconds")
    )
    checkpoints.checkpoint_write(checkpoint, folder)
    return checkpoint


@dataclass(frozen=True)
class CheckpointLag:
    """How far the signed checkpoints trail the chain (for /healthz): ages in hours, None where there is none."""

    checkpoint_age_hours: float | None  # the newest checkpoint's age
    unanchored_hours: float  # how long the oldest event no checkpoint covers has waited (0: all covered)


def _hours_since(moment: dt.datetime) -> float:
    return max((timezone.now() - moment).total_seconds(), 0) / 3600


def audit_checkpoint_lag(*, using: str = DEFAULT_DB_ALIAS) -> CheckpointLag:
    """The newest checkpoint's age, and the age of the first event after it (CheckpointError if that file is bad).

    A quiet night writes no checkpoint (nothing new to anchor), so the checkpoint's own age alone would raise
    false alarms; what matters is an event left unanchored longer than the hourly task should allow.
    """
    newest = checkpoints.checkpoint_newest(Path(settings.AUDIT_CHECKPOINT_DIR))
    anchored = newest.sequence if newest else 0
    first_unanchored = (
        AuditEvent.objects.using(using).filter(sequence=anchored + 1).values_list("occurred_at", flat=True).first()
    )
    return CheckpointLag(
        checkpoint_age_hours=_hours_since(dt.datetime.fromisoformat(newest.created_at)) if newest else None,
        unanchored_hours=_hours_since(first_unanchored) if first_unanchored else 0.0,
    )


def _checkpoint_email(report: ChainReport) -> None:
    """Send the auditors the newest checkpoint: a copy outside the server (sequence, MAC, time, signature only)."""
    latest = checkpoints.checkpoint_latest(Path(settings.AUDIT_CHECKPOINT_DIR))
    if latest is None:
        # Silence would look like "nothing to report": say plainly that nothing anchors the log.
        subject = f"{settings.SERVICE_NAME}: audit log checked, but no signed checkpoint exists"
        text = (
            "No signed checkpoint was found, so nothing outside the database anchors the log. "
            "Check that the hourly audit_checkpoint task runs and that its folder was not emptied (docs/audit.md).\n"
        )
    else:
        subject = f"{settings.SERVICE_NAME}: audit log checked, checkpoint {latest.sequence}"
        text = (
            f"Keep this message. The newest checkpoint ({latest.file_name}) lets anyone with the public key "
            "prove later that the log has not been cut short or rewritten (docs/audit.md):\n\n"
            f"{latest.to_json()}"
        )
    send_mail(
        subject=subject,
        message=(
            f"Tonight's check of the audit log passed: {report.verified} events, "
            f"{report.checkpoints} signed checkpoints.\n{text}"
        ),
        from_email=None,
        recipient_list=_auditor_addresses(),
        fail_silently=False,
    )


def audit_chain_verify(*, using: str = DEFAULT_DB_ALIAS) -> ChainReport:
    """Check the whole chain and record the result; e-mail every auditor the newest checkpoint, or the break."""
    report = chain_check(using=using)
    if report.intact:
        record(actor=None, action=AuditAction.AUDIT_CHAIN_VERIFIED, details={"count": report.verified}, using=using)
        _checkpoint_email(report)
        return report
    details = {"count": report.verified}
    if report.first_bad_sequence is not None:
        details["first_bad_sequence"] = report.first_bad_sequence
    record(actor=None, action=AuditAction.AUDIT_CHAIN_BROKEN, outcome=Outcome.REFUSED, details=details, using=using)
    where = f"at event {report.first_bad_sequence}" if report.first_bad_sequence is not None else ""
    send_mail(
        subject=f"{settings.SERVICE_NAME}: audit log check failed",
        message=(
            f"Tonight's check of the audit log failed {where}: {report.problem}.\n"
            "Sign in and run `python manage.py verify_audit`, then follow the incident steps in docs/audit.md."
        ),
        from_email=None,
        recipient_list=_auditor_addresses(),
        fail_silently=False,
    )
    return report
