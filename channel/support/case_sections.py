"""The case page's Consent, Support and Reviews sections (registered from ChannelConfig.ready() into
referrals' registry), and their history phrases. Shown once the case is with Channel, to whoever may see it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from referrals import sections

from ..choices import ChannelStage
from ..models import ChannelCase, Intervention
from ..permissions import can_coordinate
from ..selectors import channel_case_for, channel_stage_of
from .chart import vaf_chart
from .consent import consent_allows_support, consent_giver_for
from .permissions import can_deliver
from .reviews import post_exit_review_recordable, post_exit_reviews_due
from .selectors import consents_for, interventions_for, vaf_assessments_for, vaf_trend


def _case(referral: Any) -> ChannelCase | None:
    channel_case = channel_case_for(referral)
    if channel_case is not None:
        channel_case.referral = referral  # the visible copy, with its data key
    return channel_case


def _visible(referral: Any, user: Any) -> bool:
    return channel_stage_of(referral) is not None


def _consent(referral: Any, user: Any) -> dict[str, Any]:
    channel_case = _case(referral)
    if channel_case is None:
        return {}
    today = timezone.localdate()
    return {
        "channel_case": channel_case,
        "consents": consents_for(channel_case=channel_case)[::-1],
        "giver_today": consent_giver_for(channel_case, today),
        "can_record_consent": can_coordinate(channel_case, user)
        and channel_case.state in (ChannelStage.AWAITING_CONSENT, ChannelStage.SUPPORTED),
    }


def _support(referral: Any, user: Any) -> dict[str, Any]:
    channel_case = _case(referral)
    if channel_case is None:
        return {}
    today = timezone.localdate()
    interventions = interventions_for(channel_case=channel_case)
    coordinator = can_coordinate(channel_case, user)
    rows = [
        {
            "intervention": intervention,
            "overdue": intervention.is_overdue(today),
            "sessions": list(intervention.sessions.all()),
            "may_deliver": coordinator or can_deliver(intervention, user),
        }
        for intervention in interventions
    ]
    allowed = consent_allows_support(channel_case)
    return {
        "channel_case": channel_case,
        "plan": rows,
        "overdue_count": sum(row["overdue"] for row in rows),
        "support_allowed": allowed,
        "can_add_intervention": coordinator and allowed,
        "coordinator": coordinator,
    }


def _reviews(referral: Any, user: Any) -> dict[str, Any]:
    channel_case = _case(referral)
    if channel_case is None:
        return {}
    trend = vaf_trend(vaf_assessments_for(channel_case=channel_case))
    coordinator = can_coordinate(channel_case, user)
    return {
        "channel_case": channel_case,
        "trend": trend,
        "latest": trend[-1]["assessment"] if trend else None,
        "chart": vaf_chart(trend),
        "post_exit": post_exit_reviews_due(channel_case),
        "can_assess": coordinator and channel_case.is_open,
        "can_review": coordinator and post_exit_review_recordable(channel_case),  # not before its window opens
    }


def _overdue(referral: Any, user: Any) -> str | None:
    """A summary row while an intervention of a supported case has not started by its planned date."""
    today = timezone.localdate()
    late = Intervention.objects.filter(
        channel_case__referral=referral,
        channel_case__state=ChannelStage.SUPPORTED,
        actual_start__isnull=True,
        ended_on__isnull=True,
        planned_start__lt=today,
    ).count()
    return f"{late} not started by the planned date" if late else None


def register_support_sections() -> None:
    sections.register(
        sections.CaseSection("consent", "Consent", 62, "channel/support/consent.html", _consent, _visible)
    )
    sections.register(
        sections.CaseSection("support", "Support", 63, "channel/support/support.html", _support, _visible)
    )
    sections.register(
        sections.CaseSection("reviews", "Reviews", 64, "channel/support/reviews.html", _reviews, _visible)
    )
    sections.register_summary_item(sections.SummaryItem("channel_overdue_starts", "Interventions", 52, _overdue))
