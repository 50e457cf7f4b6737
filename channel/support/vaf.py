"""The VAF assessment: every factor of one catalogue version rated on the fixed scale, with evidence."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from audit import services as audit
from audit.actions import AuditAction

from ..exceptions import ChannelInvalid
from ..models import AgendaItem, ChannelCase
from .choices import AssessmentOccasion, VAFRating
from .common import case_date_errors, require_coordinator, require_open
from .models import VAFAssessment, VAFCatalogue, VAFFactorRating

EVIDENCE_MAX_LENGTH = 5000


def _rating_errors(catalogue: VAFCatalogue, ratings: dict[Any, tuple[Any, str]]) -> dict[str, list[str]]:
    """Every factor of this version rated once on the scale; none of another version."""
    factors = {str(factor.pk): factor for factor in catalogue.factors.all()}
    errors: dict[str, list[str]] = {}
    foreign = [key for key in ratings if str(key) not in factors]
    if foreign:
        errors["__all__"] = ["The assessment rates a factor that is not in this version of the VAF"]
    for key, factor in factors.items():
        rating, evidence = ratings.get(key, ratings.get(factor.pk, (None, "")))
        if rating is None or rating == "":
            errors[f"rating_{key}"] = [f"Select a rating for {factor.name.lower()}"]
        elif str(rating) not in {str(value) for value in VAFRating.values}:
            errors[f"rating_{key}"] = [f"Rate {factor.name.lower()} as not present, some evidence or strong evidence"]
        if len(evidence or "") > EVIDENCE_MAX_LENGTH:
            errors[f"evidence_{key}"] = [f"The evidence must be {EVIDENCE_MAX_LENGTH} characters or fewer"]
    return errors


def vaf_assessment_create(
    *,
    channel_case: ChannelCase,
    actor: Any,
    catalogue: VAFCatalogue,
    occasion: str,
    assessed_on: datetime.date | None,
    ratings: dict[Any, tuple[Any, str]],
    summary: str = "",
    agenda_item: AgendaItem | None = None,
) -> VAFAssessment:
    """Record one VAF assessment (at adoption or at a review) as one audited transaction.

    `ratings` maps each factor's id to (rating, evidence). Refused whole (ChannelInvalid, nothing written): a
    rating off the scale, a factor left out, a factor of another catalogue version, a review's agenda item of
    another case."""
    require_coordinator(channel_case=channel_case, actor=actor, step="vaf_assessment_create")
    require_open(channel_case)
    errors = _rating_errors(catalogue, ratings)
    errors |= case_date_errors(channel_case, assessed_on, field="assessed_on", what="the date of the assessment")
    if occasion not in AssessmentOccasion.values:
        errors["occasion"] = ["Select when the assessment was made"]
    if agenda_item is not None and agenda_item.channel_case_id != channel_case.pk:
        errors["__all__"] = [*errors.get("__all__", []), "The review's agenda item is about another case"]
    if errors:
        raise ChannelInvalid(errors)
    factors = {str(factor.pk): factor for factor in catalogue.factors.all()}
    with transaction.atomic():
        assessment = VAFAssessment.objects.create(
            channel_case=channel_case,
            catalogue=catalogue,
            occasion=occasion,
            assessed_on=assessed_on,
            agenda_item=agenda_item,
            summary=(summary or "").strip(),
            assessed_by=actor,
        )
        for key, factor in factors.items():
            rating, evidence = ratings.get(key, ratings.get(factor.pk, (None, "")))
            VAFFactorRating.objects.create(
                assessment=assessment, factor=factor, rating=int(rating), evidence=(evidence or "").strip()
            )
        audit.record(
            actor=actor,
            action=AuditAction.CHANNEL_VAF_ASSESSED,
            target=channel_case,
            details={
                "assessment_id": assessment.pk,
                "catalogue_version": catalogue.version,
                "factors": len(factors),
                "occasion": occasion,
            },
        )
    return assessment
