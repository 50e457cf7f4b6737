"""Celery wrappers for mash's periodic work (scheduled in CELERY_BEAT_SCHEDULE); they take no arguments."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="mash.information_requests_chase_due", acks_late=True)
def information_requests_chase_due() -> int:
    """Queue the reminders due today (the working day before a due date and the one after it), once each."""
    from mash.information_requests.notifications import information_requests_chase_due as service

    return service()


@shared_task(name="mash.information_requests_expire", acks_late=True)
def information_requests_expire() -> int:
    """End per-request grants past their expiry; the requests still open expire (each audited)."""
    from mash.information_requests.grants import information_requests_expire as service

    return service()


@shared_task(name="mash.screening_decisions_remind_overdue", acks_late=True)
def screening_decisions_remind_overdue() -> int:
    """Queue a reminder for each overdue screening decision, once per due date (the assignee, else the council's
    triage officers)."""
    from mash.screening.reminders import screening_decisions_remind_overdue as service

    return service()
