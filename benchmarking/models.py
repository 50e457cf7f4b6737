"""The council's assurance (issue 16 point 3): its Prevent duty toolkit self-assessment and its Channel panel annual
assurance statement, one of each per financial year.

The evidence and comments are free text: not personal data by design, but sensitive, so they are encrypted with
the encryption API's fields under a data key of the self-assessment (or statement) itself, never a case's key.
Ratings, codes, who and when are clear (they are what the statistics and the audit read).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import BaseModel
from encryption.fields import EncryptedTextField
from encryption.models import DataKey

from .toolkit import EVIDENCE_MAX_LENGTH, Rating


class SelfAssessment(BaseModel):
    """A council's self-assessment against the Prevent duty toolkit for one financial year (April to March)."""

    encryption_key_field = "data_key"

    local_authority = models.ForeignKey("accounts.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()  # the financial year's first year: 2025 is April 2025 to March 2026
    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["local_authority", "year"], name="self_assessment_once_a_year")]

    def __str__(self) -> str:
        return f"Self-assessment {self.year} of council {self.local_authority_id}"


class BenchmarkRating(BaseModel):
    """The rating of one benchmark (toolkit.BENCHMARKS) and its evidence (encrypted)."""

    encryption_key_field = "assessment.data_key"

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    benchmark = models.CharField(max_length=10)
    rating = models.CharField(max_length=20, choices=Rating.choices, default=Rating.NOT_ASSESSED)
    evidence = EncryptedTextField(max_length=EVIDENCE_MAX_LENGTH, blank=True, default="")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["benchmark"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "benchmark"], name="benchmark_rated_once"),
            models.CheckConstraint(condition=models.Q(rating__in=Rating.values), name="benchmark_rating_on_scale"),
        ]

    def __str__(self) -> str:
        return f"Benchmark {self.benchmark} of {self.assessment_id}"


class AssuranceStatement(BaseModel):
    """A council's Channel panel annual assurance statement for one financial year: a draft until the Prevent
    lead submits it (signs it off), then read only, with the figures it was signed with kept in `figures`."""

    encryption_key_field = "data_key"

    local_authority = models.ForeignKey("accounts.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Counts only (assurance_figures.FigureSet.as_dict), frozen at submission: purges later remove case rows.
    figures = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "year"], name="assurance_statement_once_a_year"),
            models.CheckConstraint(
                condition=(
                    models.Q(submitted_at__isnull=True, submitted_by__isnull=True, figures__isnull=True)
                    | models.Q(submitted_at__isnull=False, submitted_by__isnull=False, figures__isnull=False)
                ),
                name="assurance_statement_submitted_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"Assurance statement {self.year} of council {self.local_authority_id}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class AssuranceAreaRating(BaseModel):
    """The lead's rating of one key area of control (toolkit.AREAS) and their comment (encrypted)."""

    encryption_key_field = "statement.data_key"

    statement = models.ForeignKey(AssuranceStatement, on_delete=models.CASCADE, related_name="ratings")
    area = models.CharField(max_length=30)
    rating = models.CharField(max_length=20, choices=Rating.choices, default=Rating.NOT_ASSESSED)
    comment = EncryptedTextField(max_length=EVIDENCE_MAX_LENGTH, blank=True, default="")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["area"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "area"], name="assurance_area_rated_once"),
            models.CheckConstraint(condition=models.Q(rating__in=Rating.values), name="assurance_rating_on_scale"),
        ]

    def __str__(self) -> str:
        return f"Area {self.area} of {self.statement_id}"
