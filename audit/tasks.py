"""Celery wrappers for the audit schedules (CELERY_BEAT_SCHEDULE): the nightly chain check, the hourly
checkpoint, the per-minute counts of anonymous refusals."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="audit.audit_chain_verify", acks_late=True)
def audit_chain_verify() -> dict[str, object]:
    """Run the chain check, record its result and alert the auditors on a break."""
    from audit.services import audit_chain_verify as service

    report = service()
    return {"intact": report.intact, "verified": report.verified, "first_bad_sequence": report.first_bad_sequence}


@shared_task(name="audit.audit_checkpoint_create", acks_late=True)
def audit_checkpoint_create() -> dict[str, object]:
    """Sign the chain's last event into AUDIT_CHECKPOINT_DIR; an empty or unchanged chain is left as it is."""
    from audit.services import NothingToAnchor
    from audit.services import audit_checkpoint_create as service

    try:
        checkpoint = service()
    except NothingToAnchor:
        return {"sequence": None}
    return {"sequence": checkpoint.sequence, "file": checkpoint.file_name}


@shared_task(name="audit.anonymous_refusals_flush", acks_late=True)
def anonymous_refusals_flush() -> int:
    """Write the counted refusals of visitors not signed in for every closed minute (at most one event each)."""
    from audit.services import anonymous_refusals_flush as service

    return service()
