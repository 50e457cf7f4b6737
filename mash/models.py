"""The MASH process on a submitted referral: owned here, one row per case, beside the case root."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from referrals.choices import ReferralStatus

# Still waiting for the screening decision: the stages whose screening due date can pass.
BEFORE_SCREENING_DECISION = (ReferralStatus.SUBMITTED, ReferralStatus.SCREENING)


class Assessment(models.Model):
    """Who works the case and when its screening decision is due; the queue's flags.

    `under_18` and `immediate_risk` are plain booleans set once at submission so the queue decrypts
    nothing: on their own they identify nobody (no name, no date, no age), and they are the least the
    queue needs to put a child or an urgent case first. Everything else about the person stays sealed.
    """

    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="assessment")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="mash_assessments"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    screening_due_on = models.DateField(db_index=True)
    under_18 = models.BooleanField(default=False)
    immediate_risk = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["assigned_to", "screening_due_on"])]

    def __str__(self) -> str:
        return f"Assessment of case {self.referral_id}"

    def is_screening_overdue(self, *, status: str, today: datetime.date) -> bool:
        """The screening decision is late: still awaited and its due date has passed (the queue's Overdue
        filter, mash.selectors, asks the same of the database)."""
        return status in BEFORE_SCREENING_DECISION and self.screening_due_on < today
