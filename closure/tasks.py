"""Celery wrappers of the closure services: ids only, never personal data."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

# Back-off of the task's own retries, in seconds: 60, 120, 240 ... at most 30 minutes.
BACKOFF_SECONDS = 60
BACKOFF_MAX_SECONDS = 30 * 60


@shared_task(name="closure.transfer_deliver", bind=True, acks_late=True)
def transfer_deliver(self, transfer_id: str) -> str:  # noqa: ANN001 - Celery's bound task
    """Deliver one transfer package; on failure retry with exponential back-off, then leave it to the outbox."""
    from closure.services.delivery import TransferDeliveryError
    from closure.services.delivery import transfer_deliver as service

    try:
        return str(service(transfer_id=transfer_id).stage)
    except TransferDeliveryError as exc:
        # Inline (no broker): no waiting in the web process; the outbox's own back-off retries it later.
        if self.request.is_eager or self.request.retries >= settings.TRANSFER_DELIVERY_MAX_RETRIES:
            raise
        countdown = min(BACKOFF_SECONDS * 2**self.request.retries, BACKOFF_MAX_SECONDS)
        raise self.retry(exc=exc, countdown=countdown, max_retries=settings.TRANSFER_DELIVERY_MAX_RETRIES) from exc


@shared_task(name="closure.closure_sweep", acks_late=True)
def closure_sweep() -> dict[str, int]:
    """Purges due and leftovers, stalled transfers, overdue alerts (closure.services.sweep)."""
    from closure.services.sweep import closure_sweep as service

    return service()
