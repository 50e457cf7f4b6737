"""What mash's scheduled reminders share (the information-request chasers and the overdue screening decision):
a reminder is claimed by a conditional UPDATE and queued on the outbox, with its audit event, in one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from audit import services as audit
from core.services import outbox_enqueue


def reminder_queue_once(
    *, claim: QuerySet, values: dict[str, Any], topic: str, object_id: Any, action: str, target: Any, details: dict
) -> bool:
    """Queue a reminder's e-mail once: `claim` is the row still unreminded (its filter repeats every condition),
    `values` what records the reminder. Nothing is queued if the UPDATE changed no row (sent already, by an
    earlier run or another worker racing this one: the database lets one UPDATE through). True if queued."""
    with transaction.atomic():
        if not claim.update(**values):
            return False
        outbox_enqueue(topic=topic, object_id=object_id)
        audit.record(actor=None, action=action, target=target, details=details)
    return True
