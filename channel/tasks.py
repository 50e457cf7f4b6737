"""Celery wrappers of channel services: periodic work (CELERY_BEAT_SCHEDULE), no arguments; the service is
imported inside the body."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="channel.panel_grants_sync")
def panel_grants_sync() -> int:
    from channel.meetings.grants import panel_grants_sync as sync

    return sync()


@shared_task(name="channel.support_reminders_due", acks_late=True)
def support_reminders_due() -> int:
    """Queue the Channel support reminders due today (re-assessment, late starts, post-exit reviews), once each."""
    from channel.support.reminders import channel_support_reminders_due as service

    return service()
