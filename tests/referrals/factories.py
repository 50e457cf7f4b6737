"""Referral answers and states for tests: complete answers, drafts, and each state of the lifecycle."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from referrals import services


def _years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier; 29 February falls back to 28 February in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def adult_answers(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    answers: dict[str, Any] = {
        "given_name": "Alex",
        "family_name": "Example",
        "other_names": "",
        "date_of_birth": _years_before(today, 30) - datetime.timedelta(days=3),
        "approximate_age": "",
        "gender": "female",
        "address": "1 Test Street, Testtown",
        "postcode": "SW1A 1AA",
        "contact": "07700 900982",
        "first_language": "English",
        "interpreter_needed": "no",
        "education_or_employer": "Test College",
        "referrer_name": "Pat Referrer",
        "referrer_role": "Teacher",
        "referrer_organisation": "Test School",
        "referrer_sector": "education",
        "referrer_phone": "01632 960001",
        "referrer_email": "pat@example.org",
        "safeguarding_lead_aware": "yes",
        "concern_description": "A description of the concern.",
        "concern_when": "Last week",
        "concern_how_learned": "In class",
        "concern_type": "unsure",
        "indicators": ["online_activity"],
        "complex_needs": "",
        "person_aware": "no",
        "other_agencies": "",
        "immediate_risk": "no",
    }
    answers.update(overrides)
    return answers


def child_answers(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    base = {
        "date_of_birth": _years_before(today, 14) - datetime.timedelta(days=3),
        "parent_name": "Sam Parent",
        "parent_relationship": "Mother",
        "parent_contact": "01632 960002",
        "parent_address": "",
    }
    base.update(overrides)
    return adult_answers(**base)


def draft_referral(*, user: Any, **overrides: Any):
    referral = services.referral_draft_create(actor=user)
    return services.referral_draft_save(referral=referral, actor=user, answers=adult_answers(**overrides))


def submitted_referral(*, user: Any, **overrides: Any):
    return services.referral_submit(referral=draft_referral(user=user, **overrides), actor=user)


def screening_referral(*, user: Any, screener: Any, **overrides: Any):
    return services.referral_start_screening(referral=submitted_referral(user=user, **overrides), actor=screener)


def information_gathering_referral(*, user: Any, screener: Any, **overrides: Any):
    referral = screening_referral(user=user, screener=screener, **overrides)
    return services.referral_start_information_gathering(referral=referral, actor=screener)


def grant_row(referral: Any, user: Any, *, granted_by: Any, expires_in: datetime.timedelta):
    """A grant row written directly, past the services: tests also check rows the services would refuse."""
    from referrals.models import ReferralUserObjectPermission
    from referrals.services.grants import _view_permission

    return ReferralUserObjectPermission.objects.create(
        user=user,
        permission=_view_permission(),
        content_object=referral,
        expires_at=timezone.now() + expires_in,
        granted_by=granted_by,
        reason_code="PANEL_MEETING",
    )
