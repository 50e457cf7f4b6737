"""The MASH process on a submitted referral: owned here, one row per case, beside the case root."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.models import BaseModel
from encryption.fields import EncryptedCharField, EncryptedTextField
from referrals.choices import PRE_CHANNEL_CLOSING_REASONS, ReferralStatus

# Still waiting for the screening decision: the stages whose screening due date can pass.
BEFORE_SCREENING_DECISION = (ReferralStatus.SUBMITTED, ReferralStatus.SCREENING)


class Assessment(models.Model):
    """Who works the case and when its screening decision is due; the queue's flags.

    `under_18` and `immediate_risk` are plain booleans set once at submission so the queue decrypts
    nothing: on their own they identify nobody (no name, no date, no age), and they are the least the
    queue needs to put a child or an urgent case first. Everything else about the person stays sealed.
    """

    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="assessment")
    # No index of its own: the (assigned_to, screening_due_on) index below starts with it and serves its lookups,
    # so each submission keeps up one index entry fewer.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mash_assessments",
        db_index=False,
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    screening_due_on = models.DateField(db_index=True)
    under_18 = models.BooleanField(default=False)
    immediate_risk = models.BooleanField(default=False)
    # The screening due date whose overdue reminder was queued (mash.screening.reminders): one reminder per due
    # date, claimed by a conditional UPDATE, so a task that runs twice (or two workers) sends it once.
    screening_reminded_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["assigned_to", "screening_due_on"])]

    def __str__(self) -> str:
        return f"Assessment of case {self.referral_id}"

    def is_screening_overdue(self, *, status: str, today: datetime.date) -> bool:
        """The screening decision is late: still awaited and its due date has passed (the queue's Overdue
        filter, mash.selectors, asks the same of the database)."""
        return status in BEFORE_SCREENING_DECISION and self.screening_due_on < today


def screening_overdue_q(today: datetime.date, *, of: str = "") -> models.Q:
    """Assessment.is_screening_overdue asked of the database, for an assessment (`of=""`) or for a query over
    referrals (`of="referral"`: the assessment is reached from its case): the queue's Overdue filter and the
    overdue reminder ask the same."""
    assessment, referral = ("assessment__", "") if of == "referral" else ("", "referral__")
    return models.Q(**{f"{referral}status__in": BEFORE_SCREENING_DECISION, f"{assessment}screening_due_on__lt": today})


class ScreeningRoute(models.TextChoices):
    CLOSE = "close", "Close the case"
    PROCEED = "proceed", "Proceed to information gathering"


class ScreeningReason(models.Model):
    """Reference data: the reasons a screening outcome may give (maintained by the superuser in the admin).

    Each says where the case goes: closed with one of the referral's closing reasons, or on to information
    gathering. The code is for statistics and audit; people read the label.
    """

    code = models.CharField(max_length=40, unique=True, help_text="Upper-case code, e.g. SIGNPOSTED_HEALTH")
    label = models.CharField(max_length=120, help_text="As people read it, e.g. Signposted to health")
    route = models.CharField(max_length=10, choices=ScreeningRoute.choices)
    closing_reason = models.CharField(
        max_length=40,
        blank=True,
        choices=[(reason.value, reason.label) for reason in PRE_CHANNEL_CLOSING_REASONS],
        help_text="For a reason that closes the case: the referral's closing reason it records",
    )
    order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True, help_text="Offered on the screening outcome form")

    class Meta:
        ordering = ["order", "label"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(route=ScreeningRoute.CLOSE) & ~models.Q(closing_reason=""))
                | (models.Q(route=ScreeningRoute.PROCEED) & models.Q(closing_reason="")),
                name="screening_reason_close_has_closing_reason",
                violation_error_message="A reason that closes the case needs a closing reason; one that proceeds, none",
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z][A-Z0-9_]*$"),
                name="screening_reason_code_upper_case",
                violation_error_message="The code is upper-case letters, digits and underscores",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class GatewayCheck(BaseModel):
    """The police gateway check of a case: one per case, re-recorded (replaced) while screening goes on.

    Re-recording is allowed until the screening outcome is recorded: the police officer's answer can change
    as checks come back, and the outcome must rest on the current answer. Each recording is its own audit
    event (the history shows the change); once the outcome is recorded the check is final.
    """

    encryption_key_field = "referral.data_key"

    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="gateway_check")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    counter_terrorism = models.BooleanField(
        help_text="Is this a matter for a police-led counter-terrorism investigation?"
    )
    note = EncryptedTextField(max_length=5000)

    def __str__(self) -> str:
        return f"Gateway check of case {self.referral_id}"


class ScreeningOutcome(BaseModel):
    """The screening outcome of a case (once: recording it moves the case on), with its encrypted rationale."""

    encryption_key_field = "referral.data_key"

    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="screening_outcome")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.ForeignKey(ScreeningReason, on_delete=models.PROTECT, related_name="+")
    rationale = EncryptedTextField(max_length=5000)

    def __str__(self) -> str:
        return f"Screening outcome of case {self.referral_id}"


class DecisionRoute(models.TextChoices):
    CLOSE = "close", "Close the case"
    CHANNEL = "channel", "Refer to the Channel panel"


class Decision(BaseModel):
    """The decision after information gathering (once: it moves the case on).

    Closing keeps its reason and summary on the referral (referral_close); referring keeps the summary for
    the panel here, encrypted with the case's key.
    """

    encryption_key_field = "referral.data_key"

    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="mash_decision")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=10, choices=DecisionRoute.choices)
    # Required when referring (the service checks it: a database constraint cannot, as the column holds
    # ciphertext even for an empty text).
    panel_summary = EncryptedTextField(max_length=5000, blank=True, default="")

    def __str__(self) -> str:
        return f"Decision on case {self.referral_id}"


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
