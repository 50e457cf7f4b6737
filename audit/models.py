"""The append-only audit log: events chained by a keyed HMAC, and the single chain-head row."""

from __future__ import annotations

from django.db import models

from audit.actions import AuditAction, Outcome

__all__ = ["GENESIS_MAC", "HEAD_ID", "AuditAction", "AuditEvent", "ChainHead", "Outcome"]

HEAD_ID = 1
# The "previous MAC" of event 1.
GENESIS_MAC = "0" * 64


class ChainHead(models.Model):
    """The last sequence number and MAC; writers serialise on this one row (created by migration 0002)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=HEAD_ID)
    sequence = models.BigIntegerField(default=0)
    mac = models.CharField(max_length=64, default=GENESIS_MAC)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=HEAD_ID), name="audit_chainhead_single_row")]

    def __str__(self) -> str:
        return f"Audit chain head at {self.sequence}"


class AuditEvent(models.Model):
    """One audit event. The database refuses UPDATE, DELETE and TRUNCATE (migration 0002)."""

    # Issued from the chain head, not by the database, so a gap or a reorder is visible.
    sequence = models.BigIntegerField(primary_key=True)
    occurred_at = models.DateTimeField()
    # Plain ids, not foreign keys: events outlive users and authorities and never cascade.
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_role = models.CharField(max_length=40, blank=True)
    local_authority_id = models.BigIntegerField(null=True, blank=True)
    # No `choices` here: actions are checked in code, so adding one needs no migration.
    action = models.CharField(max_length=64)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.DONE)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    case_reference = models.CharField(max_length=20, blank=True)
    reason_code = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    # Unique (Meta.constraints): two events can never claim the same predecessor, so the chain cannot fork.
    previous_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["-sequence"]
        # A constraint, not unique=True: the MAC is only compared whole, so no LIKE index to keep up per event.
        constraints = [models.UniqueConstraint(fields=["previous_mac"], name="audit_event_previous_mac_unique")]
        indexes = [
            models.Index(fields=["case_reference", "sequence"], name="audit_event_case_idx"),
            models.Index(fields=["actor_id", "sequence"], name="audit_event_actor_idx"),
            models.Index(fields=["local_authority_id", "sequence"], name="audit_event_la_idx"),
            models.Index(fields=["occurred_at"], name="audit_event_time_idx"),
            models.Index(fields=["action", "sequence"], name="audit_event_action_idx"),
        ]

    def __str__(self) -> str:
        return f"Audit event {self.sequence} {self.action}"

    @property
    def action_label(self) -> str:
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action
