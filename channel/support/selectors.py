"""Reads of Channel support: through the case's visibility (channel.selectors) for staff; through the
per-intervention grant for an Intervention Provider, who never reaches the case."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role
from audit import services as audit
from referrals.selectors import referral_list_visible

from ..choices import ChannelStage
from ..models import AgendaItem, ChannelCase
from .choices import VAFDimension
from .models import ChannelConsent, Intervention, VAFAssessment, VAFCatalogue

PROVIDER_ROLES = (Role.INTERVENTION_PROVIDER,)


def is_provider(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*PROVIDER_ROLES))


def vaf_catalogue_current() -> VAFCatalogue | None:
    """The version new assessments use: the highest."""
    return VAFCatalogue.objects.order_by("-version").prefetch_related("factors").first()


def vaf_assessments_for(*, channel_case: ChannelCase) -> list[VAFAssessment]:
    """The case's assessments, oldest first, with their ratings and factors (evidence decrypts on reading)."""
    assessments = list(
        VAFAssessment.objects.filter(channel_case=channel_case)
        .select_related("catalogue", "assessed_by")
        .prefetch_related("ratings__factor", "catalogue__factors")
    )
    for assessment in assessments:
        assessment.channel_case = channel_case  # the visible copy, with its data key
        for rating in assessment.ratings.all():
            rating.assessment = assessment
    return assessments


def vaf_trend(assessments: list[VAFAssessment]) -> list[dict[str, Any]]:
    """Per assessment, each dimension's score as a share of its maximum (catalogue versions may differ in
    their factors, so the chart compares shares; the table gives the raw scores too)."""
    rows = []
    for assessment in assessments:
        counts = {dimension: 0 for dimension in VAFDimension}
        scores = {dimension: 0 for dimension in VAFDimension}
        for factor in assessment.catalogue.factors.all():
            counts[VAFDimension(factor.dimension)] += 1
        for rating in assessment.ratings.all():
            scores[VAFDimension(rating.factor.dimension)] += rating.rating
        rows.append(
            {
                "assessment": assessment,
                "dimensions": [
                    {
                        "dimension": dimension,
                        "score": scores[dimension],
                        "maximum": 2 * counts[dimension],
                        "percent": round(100 * scores[dimension] / (2 * counts[dimension])) if counts[dimension] else 0,
                    }
                    for dimension in VAFDimension
                ],
            }
        )
    return rows


def consents_for(*, channel_case: ChannelCase) -> list[ChannelConsent]:
    consents = list(ChannelConsent.objects.filter(channel_case=channel_case).select_related("recorded_by"))
    for consent in consents:
        consent.channel_case = channel_case
    return consents


def interventions_for(*, channel_case: ChannelCase) -> list[Intervention]:
    """The plan of a case the user may see, with sessions (notes decrypt with the case's key)."""
    interventions = list(
        Intervention.objects.filter(channel_case=channel_case)
        .select_related("intervention_type", "owner", "provider")
        .prefetch_related("sessions__logged_by")
    )
    for intervention in interventions:
        intervention.channel_case = channel_case
        for session in intervention.sessions.all():
            session.intervention = intervention
    return interventions


def interventions_overdue_visible(*, user: Any, today: datetime.date | None = None) -> QuerySet[Intervention]:
    """Interventions of supported cases this user may see that have not started by their planned date:
    reference, kind and dates only (nothing decrypted)."""
    today = today or timezone.localdate()
    return (
        Intervention.objects.filter(
            channel_case__referral__in=referral_list_visible(user=user),
            channel_case__state=ChannelStage.SUPPORTED,
            actual_start__isnull=True,
            ended_on__isnull=True,
            planned_start__lt=today,
        )
        .select_related("intervention_type", "channel_case__referral")
        # The two stages too: django-fsm's ConcurrentTransitionMixin reads each loaded row's state as it is made,
        # so a deferred state would cost a query per row.
        .only(
            "id",
            "planned_start",
            "intervention_type__label",
            "channel_case__state",
            "channel_case__referral__reference",
            "channel_case__referral__status",
        )
        .order_by("planned_start")
    )


def provider_interventions(user: Any) -> QuerySet[Intervention]:
    """ACCESS.md "per-intervention": the provider's own interventions, through an unexpired grant, while
    the case is supported or for INTERVENTION_GRANT_TAIL_DAYS after it exited."""
    if not is_provider(user):
        return Intervention.objects.none()
    now = timezone.now()
    tail = now - datetime.timedelta(days=settings.INTERVENTION_GRANT_TAIL_DAYS)
    granted = Q(user_grants__user=user) & (Q(user_grants__expires_at__isnull=True) | Q(user_grants__expires_at__gt=now))
    running = Q(channel_case__state=ChannelStage.SUPPORTED) | Q(
        channel_case__state__in=(ChannelStage.EXITED, ChannelStage.POST_EXIT_REVIEW), channel_case__exited_at__gt=tail
    )
    # A provider who moved to another council keeps no intervention of the one they left (grants follow
    # their reason, ACCESS.md); a deactivated account has no role (is_provider).
    council = Q(channel_case__referral__local_authority_id=user.local_authority_id)
    return Intervention.objects.filter(granted & running & council, provider=user).distinct()


def intervention_list_for_provider(*, user: Any) -> list[Intervention]:
    """The provider's interventions: the kind and dates, nothing decrypted (the home page's list)."""
    return list(
        provider_interventions(user)
        .select_related("intervention_type")
        .only("id", "planned_start", "actual_start", "ended_on", "intervention_type__label")
        .order_by("planned_start")
    )


def intervention_get_for_provider(*, user: Any, intervention_id: uuid.UUID) -> Intervention:
    """One of the provider's interventions, its first name readable (an audited read); 404 for any other."""
    intervention = (
        provider_interventions(user)
        .select_related("intervention_type", "channel_case__referral__data_key")
        .filter(pk=intervention_id)
        .first()
    )
    if intervention is None:
        raise Http404
    audit.record_read(actor=user, target=intervention.channel_case, details={"section": "intervention"})
    own_sessions = intervention.sessions.filter(logged_by=user)
    intervention.own_sessions = list(own_sessions)
    for session in intervention.own_sessions:
        session.intervention = intervention
    return intervention


def intervention_get(*, channel_case: ChannelCase, intervention_id: uuid.UUID) -> Intervention:
    """An intervention of a case the user may see (the case came from channel_case_get); 404 otherwise."""
    intervention = Intervention.objects.filter(channel_case=channel_case, pk=intervention_id).first()
    if intervention is None:
        raise Http404
    intervention.channel_case = channel_case
    return intervention


def agenda_item_of_case(*, channel_case: ChannelCase, agenda_item_id: str) -> AgendaItem | None:
    """The agenda item of this case with that id (a review at a meeting), or None for anything else."""
    if not str(agenda_item_id).isdigit():
        return None
    return (
        AgendaItem.objects.filter(channel_case=channel_case, pk=int(agenda_item_id)).select_related("meeting").first()
    )


# How far ahead the chair's home page looks for a consent re-assessment or a post-exit review coming due.
DUE_SOON_DAYS = 14


def channel_work_due(*, user: Any, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """What is due on the Channel cases this user may see, soonest first: consent re-assessments and post-exit
    reviews due within DUE_SOON_DAYS (or late), and interventions not started by their planned date.
    References, what is due and dates only (nothing decrypted); a fixed number of queries, whatever the rows."""
    from .choices import PostExitReviewKind
    from .schedule import post_exit_review_due

    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    visible = ChannelCase.objects.filter(referral__in=referral_list_visible(user=user)).select_related(
        "referral__local_authority"
    )
    rows: list[dict[str, Any]] = [
        {"reference": case.referral.reference, "what": "Re-assess consent", "due_on": case.reassess_on}
        for case in visible.filter(state=ChannelStage.CONSENT_REFUSED, reassess_on__lte=horizon)
    ]
    exited = visible.filter(state__in=(ChannelStage.EXITED, ChannelStage.POST_EXIT_REVIEW), exited_at__isnull=False)
    for case in exited.prefetch_related("post_exit_reviews"):
        exit_day = timezone.localdate(case.exited_at)
        recorded = {review.kind for review in case.post_exit_reviews.all() if review.exited_on == exit_day}
        for kind in PostExitReviewKind:
            due_on = post_exit_review_due(exit_day, kind, case.referral.local_authority.nation)
            if kind.value not in recorded and due_on <= horizon:
                rows.append({"reference": case.referral.reference, "what": kind.label, "due_on": due_on})
    rows += [
        {
            "reference": intervention.channel_case.referral.reference,
            "what": f"{intervention.intervention_type.label}: not started",
            "due_on": intervention.planned_start,
        }
        for intervention in interventions_overdue_visible(user=user, today=today)
    ]
    for row in rows:
        row["late"] = row["due_on"] < today
    return sorted(rows, key=lambda row: (row["due_on"], row["reference"]))
