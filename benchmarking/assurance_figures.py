"""The figures attached as evidence to the assurance statement and the toolkit benchmarks, for a council and a
financial year, computed from live data and clear columns only (dates, statuses, codes, counts): nothing is
decrypted, and no reference, name or narrative is read or returned.

Each figure set (FIGURE_SETS) is a titled list of (label, count) rows. A case that is purged leaves these
tables (its meetings' agenda, its consent and interventions go with it); a submitted statement keeps the
figures it was signed with (AssuranceStatement.figures).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import Role
from channel.choices import ChannelStage
from channel.models import (
    Attendance,
    AttendanceStatus,
    ChannelCase,
    ChannelConsent,
    ChannelDecision,
    Intervention,
    Meeting,
    PanelDecision,
    PostExitReview,
    VAFAssessment,
)
from channel.support.choices import AssessmentOccasion, ConsentOutcome, PostExitReviewKind
from channel.support.schedule import post_exit_review_due
from mash.models import InformationRequest, InformationRequestStatus, ScreeningOutcome
from referrals.choices import ReferralStatus
from referrals.models import Referral

from .statistics import Period

Rows = list[tuple[str, int]]


@dataclass(frozen=True)
class FigureSet:
    key: str
    title: str
    rows: Rows

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "rows": [{"label": k, "count": v} for k, v in self.rows]}


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def screening(authority: Any, period: Period, today: datetime.date) -> Rows:
    """Referrals submitted in the year, screened by their due date (SCREENING_DUE_WORKING_DAYS working days)."""
    start, end = _bounds(period)
    referrals = (
        Referral.objects.filter(local_authority=authority, submitted_at__gte=start, submitted_at__lt=end)
        .exclude(status__in=(ReferralStatus.DRAFT, ReferralStatus.PURGED))
        .values_list("id", "assessment__screening_due_on")
    )
    due = dict(referrals)
    outcomes = dict(ScreeningOutcome.objects.filter(referral_id__in=due).values_list("referral_id", "created_at"))
    on_time = sum(1 for pk, at in outcomes.items() if due[pk] and _day(at) <= due[pk])
    overdue = sum(1 for pk, day in due.items() if pk not in outcomes and day and day < today)
    days = settings.SCREENING_DUE_WORKING_DAYS
    return [
        ("Referrals submitted", len(due)),
        ("Screening outcome recorded", len(outcomes)),
        (f"Screened within {days} working days (by the due date)", on_time),
        ("Screened after the due date", len(outcomes) - on_time),
        ("Not yet screened and past the due date", overdue),
    ]


def _meetings(authority: Any, period: Period, today: datetime.date) -> QuerySet[Meeting]:
    last = min(period.end, today)
    return Meeting.objects.filter(panel__local_authority=authority, date__gte=period.start, date__lte=last)


def _present(role: str, authority: Any) -> Exists:
    return Exists(
        Attendance.objects.filter(
            meeting=OuterRef("pk"),
            status=AttendanceStatus.PRESENT,
            member__user__membership_record__role=role,
            member__user__membership_record__local_authority=authority,
        )
    )


def chaired(authority: Any, period: Period, today: datetime.date) -> Rows:
    meetings = _meetings(authority, period, today)
    recorded = meetings.filter(Exists(Attendance.objects.filter(meeting=OuterRef("pk"))))
    return [
        ("Panel meetings held", meetings.count()),
        ("Meetings with attendance recorded", recorded.count()),
        (
            "Meetings with the council's Channel chair present",
            meetings.filter(_present(Role.CHANNEL_CHAIR, authority)).count(),
        ),
    ]


def quorum(authority: Any, period: Period, today: datetime.date) -> Rows:
    meetings = _meetings(authority, period, today)
    quorate = meetings.filter(_present(Role.CHANNEL_CHAIR, authority), _present(Role.POLICE_PREVENT_OFFICER, authority))
    decisions = PanelDecision.objects.filter(agenda_item__meeting__in=meetings)
    return [
        ("Panel meetings held", meetings.count()),
        ("Meetings with the chair and a police Prevent officer present", quorate.count()),
        ("Panel decisions recorded (each only with quorum)", decisions.count()),
    ]


def attendance(authority: Any, period: Period, today: datetime.date) -> Rows:
    rows = Attendance.objects.filter(meeting__in=_meetings(authority, period, today))
    by_status = {status: rows.filter(status=status).count() for status in AttendanceStatus.values}
    return [
        ("Members' attendance recorded", sum(by_status.values())),
        ("Present", by_status[AttendanceStatus.PRESENT]),
        ("Sent apologies", by_status[AttendanceStatus.APOLOGIES]),
        ("Absent without apologies", by_status[AttendanceStatus.ABSENT]),
    ]


def information_sharing(authority: Any, period: Period, today: datetime.date) -> Rows:
    start, end = _bounds(period)
    requests = list(
        InformationRequest.objects.filter(
            referral__local_authority=authority, created_at__gte=start, created_at__lt=end
        ).values_list("status", "due_on", "answered_at")
    )
    answered = [(due, at) for status, due, at in requests if status == InformationRequestStatus.ANSWERED]
    count = {s: sum(1 for row in requests if row[0] == s) for s in InformationRequestStatus.values}
    open_overdue = sum(1 for s, due, _ in requests if s == InformationRequestStatus.OPEN and due < today)
    return [
        ("Requests for information made", len(requests)),
        ("Answered", len(answered)),
        ("Answered by the date asked", sum(1 for due, at in answered if _day(at) <= due)),
        ("Declined", count[InformationRequestStatus.DECLINED]),
        ("Expired unanswered", count[InformationRequestStatus.EXPIRED]),
        ("Still open and past the date asked", open_overdue),
    ]


def _adopted(authority: Any, period: Period) -> QuerySet[ChannelCase]:
    start, end = _bounds(period)
    adoptions = ChannelDecision.objects.filter(
        channel_case=OuterRef("pk"), transition="adopt", created_at__gte=start, created_at__lt=end
    )
    return ChannelCase.objects.filter(Exists(adoptions), referral__local_authority=authority)


def vaf(authority: Any, period: Period, today: datetime.date) -> Rows:
    start, end = _bounds(period)
    listed = ChannelCase.objects.filter(referral__local_authority=authority, listed_at__gte=start, listed_at__lt=end)
    adopted = _adopted(authority, period)
    assessed = adopted.filter(Exists(VAFAssessment.objects.filter(channel_case=OuterRef("pk"))))
    return [
        ("Cases listed for the panel", listed.count()),
        ("Cases adopted", adopted.count()),
        ("Adopted cases assessed with the VAF", assessed.count()),
    ]


def consent_and_plans(authority: Any, period: Period, today: datetime.date) -> Rows:
    adopted = _adopted(authority, period)
    consent = adopted.filter(Exists(ChannelConsent.objects.filter(channel_case=OuterRef("pk"))))
    given = adopted.filter(
        Exists(ChannelConsent.objects.filter(channel_case=OuterRef("pk"), outcome=ConsentOutcome.GIVEN))
    )
    planned = given.filter(Exists(Intervention.objects.filter(channel_case=OuterRef("pk"))))
    return [
        ("Cases adopted", adopted.count()),
        ("Adopted cases with consent recorded", consent.count()),
        ("Cases with consent given", given.count()),
        ("Cases with consent given and a support plan", planned.count()),
    ]


def providers(authority: Any, period: Period, today: datetime.date) -> Rows:
    planned = list(
        Intervention.objects.filter(
            channel_case__referral__local_authority=authority,
            planned_start__gte=period.start,
            planned_start__lte=period.end,
        ).values_list("provider_id", "planned_start", "actual_start", "ended_on")
    )
    started = [(plan, actual) for _, plan, actual, _ in planned if actual]
    late = sum(1 for _, plan, actual, ended in planned if actual is None and ended is None and plan < today)
    return [
        ("Interventions planned to start", len(planned)),
        ("Delivered by an Intervention Provider", sum(1 for row in planned if row[0])),
        ("Started", len(started)),
        ("Started by the planned date", sum(1 for plan, actual in started if actual <= plan)),
        ("Not started and past the planned date", late),
    ]


def reviews(authority: Any, period: Period, today: datetime.date) -> Rows:
    supported = ChannelCase.objects.filter(
        referral__local_authority=authority, consent_given_on__gte=period.start, consent_given_on__lte=period.end
    )
    review = VAFAssessment.objects.filter(channel_case=OuterRef("pk"), occasion=AssessmentOccasion.REVIEW)
    held = VAFAssessment.objects.filter(
        channel_case__referral__local_authority=authority,
        occasion=AssessmentOccasion.REVIEW,
        assessed_on__gte=period.start,
        assessed_on__lte=period.end,
    )
    return [
        ("Cases supported (consent given in the year)", supported.count()),
        ("Supported cases reviewed with the VAF at least once", supported.filter(Exists(review)).count()),
        ("Reviews with the VAF held in the year", held.count()),
    ]


def _missing_post_exit_reviews(authority: Any, period: Period, today: datetime.date) -> int:
    """Reviews due in the year, before today, and not recorded (cases still in their post-exit reviews)."""
    cases = list(
        ChannelCase.objects.filter(
            referral__local_authority=authority,
            state__in=(ChannelStage.EXITED, ChannelStage.POST_EXIT_REVIEW),
            exited_at__isnull=False,
        ).values_list("id", "exited_at")
    )
    done = set(
        PostExitReview.objects.filter(channel_case_id__in=[case_id for case_id, _ in cases]).values_list(
            "channel_case_id", "exited_on", "kind"
        )
    )
    missing = 0
    for case_id, exited_at in cases:
        exit_day = _day(exited_at)
        for kind in PostExitReviewKind:
            due = post_exit_review_due(exit_day, kind, authority.nation)
            recorded = (case_id, exit_day, kind.value) in done
            if not recorded and period.start <= due <= period.end and due < today:
                missing += 1
    return missing


def post_exit_reviews(authority: Any, period: Period, today: datetime.date) -> Rows:
    recorded = list(
        PostExitReview.objects.filter(
            channel_case__referral__local_authority=authority, due_on__gte=period.start, due_on__lte=period.end
        ).values_list("due_on", "created_at")
    )
    on_time = sum(1 for due, at in recorded if _day(at) <= due)
    return [
        ("Post-exit reviews due in the year and recorded", len(recorded)),
        ("Recorded by the due date", on_time),
        ("Recorded after the due date", len(recorded) - on_time),
        ("Due, past the due date and not recorded", _missing_post_exit_reviews(authority, period, today)),
    ]


FIGURE_SETS: dict[str, tuple[str, Callable[[Any, Period, datetime.date], Rows]]] = {
    "screening": ("Screening of referrals", screening),
    "chaired": ("Panel meetings and the chair", chaired),
    "quorum": ("Quorum at panel meetings", quorum),
    "attendance": ("Attendance of panel members", attendance),
    "information_sharing": ("Requests for information to partners", information_sharing),
    "vaf": ("Vulnerability Assessment Framework", vaf),
    "consent_and_plans": ("Consent and support plans", consent_and_plans),
    "providers": ("Interventions and Intervention Providers", providers),
    "reviews": ("Reviews of supported cases", reviews),
    "post_exit_reviews": ("Post-exit reviews (6 and 12 months)", post_exit_reviews),
}


def figures_compute(*, authority: Any, period: Period, today: datetime.date | None = None) -> dict[str, FigureSet]:
    """Every figure set of `authority` for `period` (counted up to `today`, for what is overdue)."""
    today = today or timezone.localdate()
    return {
        key: FigureSet(key, title, compute(authority, period, today)) for key, (title, compute) in FIGURE_SETS.items()
    }


def figures_from_dicts(stored: list[dict[str, Any]]) -> dict[str, FigureSet]:
    """Figure sets as a submitted statement stored them."""
    return {
        item["key"]: FigureSet(item["key"], item["title"], [(row["label"], row["count"]) for row in item["rows"]])
        for item in stored
    }
