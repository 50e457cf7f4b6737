"""Celery wrappers of channel services (ids only, the service imported inside the body)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="channel.panel_grants_sync")
def panel_grants_sync() -> int:
    from channel.meetings.grants import panel_grants_sync as sync

    return sync()
