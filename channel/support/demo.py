"""Demo Channel support (development only), through the services: consent given or refused, a VAF at
adoption (and a review for the exited case, so its trend has two points), a supported case whose mentoring
has not started by its planned date, and sessions logged by the demo Intervention Provider."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ..choices import ExitReason
from ..models import ChannelCase, Intervention, InterventionType
from ..services import channel_case_transition
from .consent import consent_record
from .plan import intervention_create, intervention_end, intervention_session_log
from .selectors import vaf_catalogue_current
from .vaf import vaf_assessment_create

DAY = datetime.timedelta(days=1)


def _vaf(channel_case: ChannelCase, actor: Any, *, rating: int, occasion: str, days_ago: int) -> None:
    catalogue = vaf_catalogue_current()
    ratings = {}
    for factor in catalogue.factors.all():
        # Each dimension a little different, so the trend's three lines are told apart.
        lower = factor.dimension == "capability" or (factor.dimension == "intent" and factor.order % 2)
        value = max(rating - 1, 0) if lower else rating
        ratings[str(factor.pk)] = (value, "Demo: seen in the referral and the panel's discussion." if value else "")
    vaf_assessment_create(
        channel_case=channel_case,
        actor=actor,
        catalogue=catalogue,
        occasion=occasion,
        assessed_on=timezone.localdate() - days_ago * DAY,
        ratings=ratings,
        summary="Demo: summary of the assessment.",
    )


def _consent(channel_case: ChannelCase, actor: Any, outcome: str, days_ago: int) -> None:
    decided_on = timezone.localdate() - days_ago * DAY
    consent_record(
        channel_case=channel_case,
        actor=actor,
        outcome=outcome,
        given_by="person",
        decided_on=decided_on,
        how_obtained="in_person",
        note="Demo: asked at a meeting with the person and their key worker.",
        reassess_on=decided_on + 90 * DAY if outcome == "refused" else None,
    )


def _mentoring(
    channel_case: ChannelCase, users: dict[str, Any], *, planned_days_ago: int, sessions: int
) -> Intervention:
    intervention = intervention_create(
        channel_case=channel_case,
        actor=users["chair"],
        intervention_type=InterventionType.objects.get(code="MENTORING"),
        planned_start=timezone.localdate() - planned_days_ago * DAY,
        provider=users["provider"],
        description="Demo: weekly mentoring sessions.",
    )
    for week in range(sessions):
        intervention_session_log(
            intervention=intervention,
            actor=users["provider"],
            held_on=timezone.localdate() - (planned_days_ago - 7 * week) * DAY,
            duration_minutes=60,
            note=f"Demo: session {week + 1}, talked about college and friends.",
        )
    return intervention


def support_demo_seed(channel_case: ChannelCase, given_name: str, users: dict[str, Any], days: dict[str, int]) -> None:
    """Bring one demo case's support to what it shows (the case came through the panel's steps already), on the
    days of its timeline (`days`: how many days ago each point was, channel/demo.py's TIMELINE): the VAF at
    adoption on the day the panel adopted it, consent after that, then the plan, a review and the exit."""
    if given_name == "Sam":
        _vaf(channel_case, users["chair"], rating=2, occasion="adoption", days_ago=days["adopted"])
    elif given_name == "Kit":
        _consent(channel_case, users["triage"], "refused", days_ago=days["consent"])
    elif given_name == "Jamie":  # supported; the mentoring should have started five days ago and has not
        _vaf(channel_case, users["chair"], rating=2, occasion="adoption", days_ago=days["adopted"])
        _consent(channel_case, users["triage"], "given", days_ago=days["consent"])
        _mentoring(channel_case, users, planned_days_ago=days["planned"], sessions=0)
        intervention_create(
            channel_case=channel_case,
            actor=users["triage"],
            intervention_type=InterventionType.objects.get(code="EDUCATION_TRAINING_EMPLOYMENT"),
            planned_start=timezone.localdate() + 14 * DAY,
            owner=users["triage"],
            description="Demo: a college place from September.",
        )
    elif given_name == "Robin":  # mentored for a month, its VAF reviewed a week ago, then exited
        _vaf(channel_case, users["chair"], rating=2, occasion="adoption", days_ago=days["adopted"])
        _consent(channel_case, users["triage"], "given", days_ago=days["consent"])
        mentoring = _mentoring(channel_case, users, planned_days_ago=days["planned"], sessions=4)
        intervention_end(
            intervention=mentoring,
            actor=users["chair"],
            ended_on=timezone.localdate() - days["ended"] * DAY,
            end_reason="completed",
        )
        _vaf(channel_case, users["chair"], rating=1, occasion="review", days_ago=days["review"])
        channel_case_transition(
            channel_case=channel_case,
            actor=users["chair"],
            transition="exit",
            reason_code=ExitReason.VULNERABILITY_REDUCED,
            note="Demo: vulnerability significantly reduced after mentoring. Closing report: engaged well.",
        )
