"""Celery wrappers for channel's periodic work (scheduled in CELERY_BEAT_SCHEDULE); they take no arguments."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="channel.support_reminders_due", acks_late=True)
def support_reminders_due() -> int:
    """Queue the Channel support reminders due today (re-assessment, late starts, post-exit reviews), once each."""
    from channel.support.reminders import channel_support_reminders_due as service

    return service()
