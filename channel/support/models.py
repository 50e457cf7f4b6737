"""The VAF catalogue and assessments, consent, the support plan (interventions, sessions, the provider's
per-intervention grant), post-exit reviews and the reminders sent about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.models import BaseModel
from encryption.fields import EncryptedTextField

from .choices import (
    AssessmentOccasion,
    ConsentGivenBy,
    ConsentHow,
    ConsentOutcome,
    InterventionEndReason,
    PostExitOutcome,
    PostExitReviewKind,
    ReminderKind,
    VAFDimension,
)
from .choices import (
    VAFRating as Rating,
)


class VAFCatalogue(models.Model):
    """One version of the Vulnerability Assessment Framework's factors (reference data, Django admin).

    The factor names are not confirmed against the Home Office's current wording (DOMAIN.md), so they are
    data: a new wording is a new version, and an assessment keeps the version it was made with. New
    assessments use the highest version."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = "VAF catalogue version"

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class VAFFactor(models.Model):
    catalogue = models.ForeignKey(VAFCatalogue, on_delete=models.CASCADE, related_name="factors")
    dimension = models.CharField(max_length=20, choices=VAFDimension.choices)
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["catalogue", "dimension", "order"]
        verbose_name = "VAF factor"
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "dimension", "order"], name="vaf_factor_order_once"),
            models.UniqueConstraint(fields=["catalogue", "name"], name="vaf_factor_name_once"),
        ]

    def __str__(self) -> str:
        return self.name


class VAFAssessment(BaseModel):
    """An assessment at adoption or at a review: one rating per factor of one catalogue version."""

    encryption_key_field = "channel_case.referral.data_key"

    channel_case = models.ForeignKey("channel.ChannelCase", on_delete=models.CASCADE, related_name="vaf_assessments")
    catalogue = models.ForeignKey(VAFCatalogue, on_delete=models.PROTECT, related_name="assessments")
    occasion = models.CharField(max_length=20, choices=AssessmentOccasion.choices)
    assessed_on = models.DateField()
    # A review at a meeting (channel/meetings) links to the assessment made for it.
    agenda_item = models.ForeignKey(
        "channel.AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="vaf_assessments"
    )
    summary = EncryptedTextField(max_length=5000, blank=True, default="")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["assessed_on", "created_at"]

    def __str__(self) -> str:
        return f"VAF assessment {self.pk}"


class VAFFactorRating(BaseModel):
    encryption_key_field = "assessment.channel_case.referral.data_key"

    assessment = models.ForeignKey(VAFAssessment, on_delete=models.CASCADE, related_name="ratings")
    factor = models.ForeignKey(VAFFactor, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    evidence = EncryptedTextField(max_length=5000, blank=True, default="")

    class Meta:
        ordering = ["assessment", "factor"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "factor"], name="vaf_rating_once_per_factor"),
            models.CheckConstraint(condition=models.Q(rating__in=Rating.values), name="vaf_rating_on_the_scale"),
        ]

    def __str__(self) -> str:
        return f"VAF rating {self.pk}"


class ChannelConsent(BaseModel):
    """Consent to Channel support asked and answered (s.36(4)): who gave it (the person if 18 or over on the
    day, else a parent or carer), the answer, the day and how it was obtained."""

    encryption_key_field = "channel_case.referral.data_key"

    channel_case = models.ForeignKey("channel.ChannelCase", on_delete=models.CASCADE, related_name="consents")
    outcome = models.CharField(max_length=20, choices=ConsentOutcome.choices)
    given_by = models.CharField(max_length=20, choices=ConsentGivenBy.choices)
    decided_on = models.DateField()
    how_obtained = models.CharField(max_length=20, choices=ConsentHow.choices)
    note = EncryptedTextField(max_length=5000, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["decided_on", "created_at"]

    def __str__(self) -> str:
        return f"Consent record {self.pk}"


class InterventionType(models.Model):
    """The maintained list of kinds of intervention (reference data, Django admin)."""

    code = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    by_provider = models.BooleanField(default=False, help_text="Delivered by a Home Office approved provider.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "label"]

    def __str__(self) -> str:
        return self.label


class Intervention(BaseModel):
    """One line of a support plan: its kind, who delivers it (a named owner or an Intervention Provider user),
    when it should start and when it did ("Lessons for Prevent": mentoring that never started)."""

    encryption_key_field = "channel_case.referral.data_key"

    channel_case = models.ForeignKey("channel.ChannelCase", on_delete=models.CASCADE, related_name="interventions")
    intervention_type = models.ForeignKey(InterventionType, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    planned_start = models.DateField()
    actual_start = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=InterventionEndReason.choices, blank=True, default="")
    description = EncryptedTextField(max_length=5000, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["planned_start", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | models.Q(provider__isnull=False),
                name="intervention_has_owner_or_provider",
            )
        ]

    def __str__(self) -> str:
        return f"Intervention {self.pk}"

    def is_overdue(self, today: object) -> bool:
        """Not started by its planned start date (and not ended)."""
        return self.actual_start is None and self.ended_on is None and self.planned_start < today


class InterventionSession(BaseModel):
    encryption_key_field = "intervention.channel_case.referral.data_key"

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    note = EncryptedTextField(max_length=5000, blank=True, default="")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1, duration_minutes__lte=600), name="session_duration_range"
            )
        ]

    def __str__(self) -> str:
        return f"Session {self.pk}"


class InterventionUserObjectPermission(UserObjectPermissionBase):
    """A per-intervention grant (ACCESS.md): the Intervention Provider may open this intervention (the
    person's first name, the intervention, their sessions), never the case. Open while the intervention runs;
    ends INTERVENTION_GRANT_TAIL_DAYS after it ends. Written only by channel.support.services."""

    content_object = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="user_grants")
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "intervention grant"

    def __str__(self) -> str:
        return f"Intervention grant {self.pk}"


class InterventionGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's group rows for interventions, unused (roles are memberships)."""

    content_object = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="group_grants")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "intervention group permission"

    def __str__(self) -> str:
        return f"Intervention group permission {self.pk}"


class PostExitReview(BaseModel):
    """A post-exit review (6 or 12 months after exit) and its outcome; what it found is the note of the
    ChannelDecision its transition recorded (encrypted there)."""

    channel_case = models.ForeignKey("channel.ChannelCase", on_delete=models.CASCADE, related_name="post_exit_reviews")
    kind = models.CharField(max_length=10, choices=PostExitReviewKind.choices)
    exited_on = models.DateField()
    due_on = models.DateField()
    outcome = models.CharField(max_length=30, choices=PostExitOutcome.choices)
    decision = models.ForeignKey("channel.ChannelDecision", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["exited_on", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["channel_case", "exited_on", "kind"], name="post_exit_review_once")
        ]

    def __str__(self) -> str:
        return f"Post-exit review {self.pk}"


class SupportReminder(models.Model):
    """A reminder sent once: what it was about (kind, case, and the intervention or due date as `subject`)."""

    channel_case = models.ForeignKey("channel.ChannelCase", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    subject = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel_case", "kind", "subject"], name="support_reminder_once")
        ]

    def __str__(self) -> str:
        return f"Reminder {self.pk}"
