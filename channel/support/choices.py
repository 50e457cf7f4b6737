"""Words of Channel support: labels are what people read; codes are for statistics."""

from __future__ import annotations

from django.db import models


class VAFDimension(models.TextChoices):
    ENGAGEMENT = "engagement", "Engagement with a group, cause or ideology"
    INTENT = "intent", "Intent to cause harm"
    CAPABILITY = "capability", "Capability to cause harm"


class VAFRating(models.IntegerChoices):
    """The fixed scale every factor is rated on."""

    NOT_PRESENT = 0, "Not present"
    SOME_EVIDENCE = 1, "Some evidence"
    STRONG_EVIDENCE = 2, "Strong evidence"


class AssessmentOccasion(models.TextChoices):
    ADOPTION = "adoption", "At adoption"
    REVIEW = "review", "At a review"


class ConsentOutcome(models.TextChoices):
    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"
    WITHDRAWN = "withdrawn", "Consent withdrawn"


class ConsentGivenBy(models.TextChoices):
    PERSON = "person", "The person (18 or over)"
    PARENT_OR_CARER = "parent_or_carer", "A parent or carer (the person is under 18)"


class ConsentHow(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    VIDEO = "video", "By video call"
    WRITING = "writing", "In writing"


class PostExitReviewKind(models.TextChoices):
    SIX_MONTHS = "six", "6-month review"
    TWELVE_MONTHS = "twelve", "12-month review"


class PostExitOutcome(models.TextChoices):
    NO_CONCERNS = "NO_CONCERNS", "No new concerns"
    CONCERNS_MANAGED = "CONCERNS_MANAGED", "Some concerns, managed by other services"
    NOT_REACHED = "NOT_REACHED", "The person could not be reached"


class ReminderKind(models.TextChoices):
    REASSESSMENT_DUE = "reassessment_due", "Re-assessment after refused consent due"
    INTERVENTION_NOT_STARTED = "intervention_not_started", "Intervention not started by its planned date"
    POST_EXIT_REVIEW_DUE = "post_exit_review_due", "Post-exit review due"


class InterventionEndReason(models.TextChoices):
    COMPLETED = "completed", "Completed as planned"
    PERSON_STOPPED = "person_stopped", "The person stopped taking part"
    NOT_NEEDED = "not_needed", "No longer needed"
    PROVIDER_STOPPED = "provider_stopped", "The provider could not continue"
    OTHER = "other", "Another reason"
