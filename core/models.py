"""Abstract base for the service's models: a UUID key known before the first save."""

from __future__ import annotations

import uuid

from django.db import models


class BaseModel(models.Model):
    # UUID primary keys are known before the first save, so encrypted fields can bind to the row.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxMessage(BaseModel):
    """Work that must not be lost, written in the transaction of the change that causes it (core.services).

    A topic and the id of the object the work is about, never personal data: the handler loads what it needs.
    """

    topic = models.CharField(max_length=64)
    # The primary key of the object the work is about, as text (a case's UUID, an invitation's number).
    object_id = models.CharField(max_length=64)
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    # The exception's class name only: its message may quote an address or other content.
    last_error = models.CharField(max_length=100, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # A relay's claim (a lease): it sends with no transaction open, so nothing locks the row meanwhile.
    # Until claimed_until no other relay takes the message; a relay that crashed loses it then.
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Which claim this is: a relay whose lease ran out and was taken over cannot mark the message.
    claim_token = models.UUIDField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="core_outbox_due_idx",
                condition=models.Q(dispatched_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.object_id}"
