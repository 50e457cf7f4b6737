"""Celery wrappers for the audit schedules (CELERY_BEAT_SCHEDULE): the nightly chain check, the per-minute counts."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="audit.audit_chain_verify", acks_late=True)
def audit_chain_verify() -> dict[str, object]:
    """Run the chain check, record its result and alert the auditors on a break."""
    from audit.services import audit_chain_verify as service

    report = service()
    return {"intact": report.intact, "verified": report.verified, "first_bad_sequence": report.first_bad_sequence}


@shared_task(name="audit.anonymous_refusals_flush", acks_late=True)
def anonymous_refusals_flush() -> int:
    """Write the counted refusals of visitors not signed in for every closed minute (at most one event each)."""
    from audit.services import anonymous_refusals_flush as service

    return service()
