"""What mash adds to the case page's summary card (registered from MashConfig.ready(); referrals never imports
mash): who works the case, with the link to change that, and when the screening decision is due."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from referrals.sections import SummaryItem, register_summary_item

from .models import BEFORE_SCREENING_DECISION, Assessment
from .permissions import can_assign_now


def _assessment(referral: Any) -> Assessment | None:
    """The case's assessment (Django keeps it on the instance: the rows below read it once per page)."""
    # A missing one-to-one row raises RelatedObjectDoesNotExist, an AttributeError: a case without one is None.
    return getattr(referral, "assessment", None)


def assigned_to(referral: Any, user: Any) -> str | None:
    assessment = _assessment(referral)
    if assessment is None:
        return None
    person = assessment.assigned_to
    if person is None:
        return "Not assigned"
    return "You" if person.pk == user.pk else (person.display_name or person.email)


def assign_action(referral: Any, user: Any) -> tuple[str, str, str] | None:
    assessment = _assessment(referral)
    if assessment is None or not can_assign_now(referral, user):
        return None
    text = "Change" if assessment.assigned_to_id else "Assign"
    return text, " who the case is assigned to", reverse("referrals:referral-assign", args=[referral.reference])


def screening_due(referral: Any, user: Any) -> str | None:
    assessment = _assessment(referral)
    if assessment is None:
        return None
    due = date_format(assessment.screening_due_on, "j F Y")
    if referral.status not in BEFORE_SCREENING_DECISION:
        # Historical once decided: say so, so a case long past screening does not read as if it were pending.
        return f"{due} (decision made)"
    if assessment.is_screening_overdue(status=referral.status, today=timezone.localdate()):
        return format_html('{} <strong class="moj-badge moj-badge--red" data-testid="overdue">Overdue</strong>', due)
    return due


def register() -> None:
    register_summary_item(SummaryItem("mash-assigned-to", "Assigned to", 10, assigned_to, assign_action))
    register_summary_item(SummaryItem("mash-screening-due", "Screening due", 20, screening_due))
