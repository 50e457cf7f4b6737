"""Worker-side health check: proves a worker reaches the broker and the database."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="core.worker_health_check")
def worker_health_check() -> dict[str, object]:
    """Run on a worker: report whether its database answers and which database it is."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        ok = cursor.fetchone() == (1,)
    return {
        "database": "ok" if ok else "down",
        "vendor": connection.vendor,
        "name": str(connection.settings_dict["NAME"]),
    }


@shared_task(name="core.outbox_sweep", acks_late=True)
def outbox_sweep() -> dict[str, int]:
    """Dispatch outbox messages left undispatched (broker down, handler failed); forget old dispatched ones."""
    from core.services import outbox_sweep as service

    return service()
