"""Celery wrappers for referrals' periodic work (scheduled in CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="referrals.referral_drafts_discard_abandoned", acks_late=True)
def referral_drafts_discard_abandoned() -> int:
    """Delete drafts untouched for DRAFT_RETENTION_DAYS, shredding their keys (each audited); returns how many."""
    from referrals.services.retention import referral_drafts_discard_abandoned as service

    return service()


@shared_task(name="referrals.case_grants_remove_expired", acks_late=True)
def case_grants_remove_expired() -> int:
    """Delete per-case grants past their expiry (each removal audited); returns how many."""
    from referrals.services.grants import case_grants_remove_expired as service

    return service()
