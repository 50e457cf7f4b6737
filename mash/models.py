"""The MASH process on a submitted referral: owned here, one row per case, beside the case root."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.models import BaseModel
from encryption.fields import EncryptedCharField, EncryptedTextField


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


# --- Information requests to partner agencies (ACCESS.md: the partner sees the request, never the case)


class InformationRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"


class InformationRequest(BaseModel):
    """A question from the MASH to one partner contributor of one organisation, answered by a due date.

    The status is a plain field changed only by mash.information_requests.services, each change a
    conditional update under a row lock (open -> one end state, once): a request has one step to take, so
    a state machine would add nothing but a second way in. Question, answer and reason are sealed with the
    case's key, so shredding the case shreds them.
    """

    encryption_key_field = "referral.data_key"

    referral = models.ForeignKey("referrals.Referral", on_delete=models.CASCADE, related_name="information_requests")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="information_requests_received"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = EncryptedTextField(max_length=5000)
    due_on = models.DateField(db_index=True)
    status = models.CharField(
        max_length=20, choices=InformationRequestStatus.choices, default=InformationRequestStatus.OPEN, db_index=True
    )
    answer = EncryptedTextField(max_length=5000, blank=True, null=True)
    decline_reason = EncryptedTextField(max_length=2000, blank=True, null=True)
    answered_at = models.DateTimeField(null=True, blank=True)  # answered or declined
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)  # the first e-mail to the addressee went out
    # The two scheduled reminders, each set once in the transaction that queues its e-mail (idempotent).
    chased_before_due_at = models.DateTimeField(null=True, blank=True)
    chased_after_due_at = models.DateTimeField(null=True, blank=True)
    chase_count = models.PositiveIntegerField(default=0)  # every reminder, scheduled or by hand
    last_chased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "due_on"], name="mash_inforeq_status_due_idx")]

    def __str__(self) -> str:
        return f"Information request {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == InformationRequestStatus.OPEN

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and self.due_on < today


class InformationRequestAttachment(BaseModel):
    """A file the partner sent with their answer: encrypted with the case's key, its name only inside."""

    encryption_key_field = "request.referral.data_key"

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="attachments")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_ref = models.CharField(max_length=32, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    filename = EncryptedCharField(max_length=255)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Answer file {self.pk}"


class InformationRequestUserObjectPermission(UserObjectPermissionBase):
    """A per-request grant (ACCESS.md "per-request"): the addressee may open this request, never its case,
    until `expires_at` (the due date plus INFORMATION_REQUEST_GRANT_TAIL_DAYS) or until the request is
    answered, declined or withdrawn. django-guardian's direct foreign-key row, as the per-case grants are;
    written and removed only by mash.information_requests.grants, and the selectors check `expires_at`."""

    content_object = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="user_grants")
    expires_at = models.DateTimeField(db_index=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "information request grant"
        ordering = ["expires_at"]

    def __str__(self) -> str:
        return f"Request grant {self.pk}"


class InformationRequestGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's group rows for requests, unused (roles are memberships): it keeps guardian off generic rows."""

    content_object = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="group_grants")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "information request group permission"

    def __str__(self) -> str:
        return f"Request group grant {self.pk}"
