"""Celery wrapper for the nightly chain check (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="audit.audit_chain_verify", acks_late=True)
def audit_chain_verify() -> dict[str, object]:
    """Run the chain check, record its result and alert the auditors on a break."""
    from audit.services import audit_chain_verify as service

    report = service()
    return {"intact": report.intact, "verified": report.verified, "first_bad_sequence": report.first_bad_sequence}
