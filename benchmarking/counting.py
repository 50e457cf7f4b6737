"""Counting a council's cases of a period, live and purged alike, into one `Tally` the tables are made from.

A case counts the same before and after its purge: a live case's facts are the tombstone's (closure.statistics'
`route` and `journey_points`, working days less the nation's bank holidays), read from clear columns only, and
a tombstone's are its columns. Counted in the database where it can be (tombstones: `GROUP BY` per table, so a
year of a large council is a few hundred rows, not 100,000 objects); a live case's days need its own dates,
read as plain dates in one query (no timestamp parsed in Python) and counted by distinct pairs of days.
Nothing is decrypted (benchmarks/export.py counts it).
"""

from __future__ import annotations

import datetime
import functools
import itertools
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db.models import BooleanField, Count, DateField, ExpressionWrapper, Q
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from accounts.models import Sector
from closure.statistics import JOURNEY_TRANSITIONS, journey_points, route
from core.calendar import WorkingDayCounter
from referrals.choices import ClosingReason, ReferralStatus

from .activity import live_activity

UNKNOWN = ""
STAGES = (
    ("days_to_screening", "Submission to screening"),
    ("days_to_information_gathering", "Submission to information gathering"),
    ("days_to_channel", "Submission to the Channel panel"),
    ("days_to_adoption", "Submission to adoption as a Channel case"),
    ("days_to_exit", "Submission to leaving Channel (exit)"),
    ("days_to_closure", "Submission to closure"),
)
SECTORS = frozenset(Sector.values)
CLOSING_REASONS = frozenset(ClosingReason.values)
# A referral's stage dates, and the tombstone's days each one gives (adoption and exit: Channel decisions).
STAGE_DATES = (
    ("screening_started_at", "days_to_screening"),
    ("information_gathering_started_at", "days_to_information_gathering"),
    ("referred_to_channel_at", "days_to_channel"),
    ("closed_at", "days_to_closure"),
)
ROUTE_DATES = ("screening_started_at", "information_gathering_started_at", "referred_to_channel_at")


@dataclass
class Tally:
    """What the tables count: cases by month (its first day), sector and journey `(outcome, route, adopted,
    consent_given)`; working days per stage (`{stage: Counter(days -> cases)}`); the activity counts."""

    months: Counter = field(default_factory=Counter)
    sectors: Counter = field(default_factory=Counter)
    journeys: Counter = field(default_factory=Counter)
    days: dict[str, Counter] = field(default_factory=lambda: {stage: Counter() for stage, _ in STAGES})
    requests: Counter = field(default_factory=Counter)
    interventions: Counter = field(default_factory=Counter)
    answer_days: Counter = field(default_factory=Counter)

    def add_activity(self, activity: dict[str, Any] | None, cases: int = 1) -> None:
        """A case's activity counts (closure.activity's `activity`, the tombstone's), `cases` times."""
        activity = activity or {}
        for part, counts in (("requests", self.requests), ("interventions", self.interventions)):
            for code, count in (activity.get(part) or {}).items():
                counts[code] += count * cases
        for days in activity.get("answer_days") or ():
            self.answer_days[days] += cases


def _local_day(name: str) -> Cast:
    """The day of a time in the service's time zone, converted in SQL (a plain date: nothing parsed in Python)."""
    return Cast(TruncDate(name, tzinfo=timezone.get_current_timezone()), DateField())


def live_filter(authority_id: int, period: Any, path: str = "") -> Q:
    """The live cases (submitted, not a draft, not purged) submitted in the period, in the service's time zone;
    `path`: the way to the referral from a related model (a condition of its join, not a subquery of ids)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return Q(
        **{f"{path}local_authority_id": authority_id, f"{path}submitted_at__gte": start, f"{path}submitted_at__lt": end}
    ) & ~Q(**{f"{path}status__in": (ReferralStatus.DRAFT, ReferralStatus.PURGED)})


@functools.cache
def _route(screening: bool, information: bool, channel: bool) -> str:
    """closure.statistics.route of a case that reached the stages it did (eight possible answers, each once)."""
    return route(SimpleNamespace(**dict(zip(ROUTE_DATES, (screening, information, channel), strict=True))))


def _journeys(live: Q, calendar: WorkingDayCounter) -> tuple[Counter, dict[str, Counter]]:
    """The journeys of the live cases with Channel decisions (`live`: the cases' condition, from a decision).

    Returned: `(outcome, route, adopted, consent) -> cases` moving each such case from the group it was counted
    in without decisions (not adopted, no consent) to its own, and the days to adoption and to exit."""
    from channel.models import ChannelDecision

    case = "channel_case__referral__"
    reached = {
        f"{name}_reached": ExpressionWrapper(Q(**{f"{case}{name}__isnull": False}), output_field=BooleanField())
        for name in ROUTE_DATES
    }
    rows = (
        ChannelDecision.objects.filter(live, transition__in=JOURNEY_TRANSITIONS)
        .annotate(on=_local_day("created_at"), submitted_on=_local_day(f"{case}submitted_at"), **reached)
        .order_by("created_at")
        .values_list("channel_case_id", "transition", "on", f"{case}closing_reason", "submitted_on", *reached)
    )
    cases: dict[Any, tuple[tuple, list]] = {}
    for channel_case, transition, on, *facts in rows:
        cases.setdefault(channel_case, (tuple(facts), []))[1].append((transition, on))
    moved, stage_days = Counter(), {"days_to_adoption": Counter(), "days_to_exit": Counter()}
    for (reason, submitted, *reached_stages), decisions in cases.values():
        adopted_on, exited_on, consent = journey_points(decisions)
        journey = (_outcome(reason), _route(*reached_stages))
        moved[(*journey, False, None)] -= 1
        moved[(*journey, adopted_on is not None, consent)] += 1
        for stage, on in (("days_to_adoption", adopted_on), ("days_to_exit", exited_on)):
            if on is not None:
                stage_days[stage][calendar.between(submitted, on)] += 1
    return moved, stage_days


def _outcome(reason: str) -> str:
    return reason if reason in CLOSING_REASONS else UNKNOWN


def count_live(tally: Tally, authority: Any, period: Any) -> int:
    """Count the period's live cases into `tally`; the number of cases."""
    from referrals.models import Referral

    live = Referral.objects.filter(live_filter(authority.pk, period)).order_by()
    names = ("submitted_at", *(name for name, _ in STAGE_DATES))
    rows = list(live.annotate(**{f"{name}_on": _local_day(name) for name in names}).values_list(
        "referrer_sector", "closing_reason", *(f"{name}_on" for name in names)
    ))  # fmt: skip
    if not rows:
        return 0
    # Columns, counted by distinct values (Counter and zip run in C: no Python object per case).
    sectors, reasons, submitted, *stages = zip(*rows, strict=True)
    for day, cases in Counter(submitted).items():
        tally.months[day.replace(day=1)] += cases
    for sector, cases in Counter(sectors).items():
        tally.sectors[sector if sector in SECTORS else UNKNOWN] += cases
    calendar = WorkingDayCounter(period.start, max(period.end, timezone.localdate()), authority.nation)
    for (_, stage), dates in zip(STAGE_DATES, stages, strict=True):
        # The cases that reached the stage: their submission days (compress) beside their stage days (filter).
        pairs = zip(itertools.compress(submitted, dates), filter(None, dates), strict=True)
        for (first, last), cases in Counter(pairs).items():
            tally.days[stage][calendar.between(first, last)] += cases
    reached = [map(bool, dates) for dates in stages[:3]]
    for (reason, *dates), cases in Counter(zip(reasons, *reached, strict=True)).items():
        tally.journeys[(_outcome(reason), _route(*dates), False, None)] += cases
    moved, stage_days = _journeys(live_filter(authority.pk, period, "channel_case__referral__"), calendar)
    tally.journeys.update(moved)
    for stage, counts in stage_days.items():
        tally.days[stage].update(counts)
    for activity in live_activity(lambda path: live_filter(authority.pk, period, path), authority.nation):
        tally.add_activity(activity)
    return len(rows)


def count_tombstones(tally: Tally, authority_id: int, period: Any) -> int:
    """Count the period's tombstones into `tally`, in SQL (`GROUP BY` per table); the number of tombstones."""
    from closure.models import Tombstone

    tombstones = Tombstone.objects.filter(
        local_authority_id=authority_id, referral_month__gte=period.start, referral_month__lte=period.end
    ).order_by()

    def grouped(*fields: str) -> Any:
        return tombstones.values_list(*fields).annotate(cases=Count("pk"))

    counted = 0
    # Month, sector and journey together: at most a few thousand groups (12 months, 11 sectors, some 20 journeys).
    coarse = grouped("referral_month", "referrer_sector", "outcome", "route", "adopted", "consent_given")
    for month, sector, *journey, cases in coarse:
        tally.months[month] += cases
        tally.sectors[sector] += cases
        tally.journeys[tuple(journey)] += cases
        counted += cases
    # Two stages a query (each query is a scan of the tombstones): a stage's days are tens of values, so pairs of
    # them are still a few thousand groups at most, and a later stage is empty for most cases.
    for pair in zip(STAGES[::2], STAGES[1::2], strict=True):
        stages = [stage for stage, _ in pair]
        for *days, cases in grouped(*stages):
            for stage, value in zip(stages, days, strict=True):
                if value is not None:
                    tally.days[stage][value] += cases
    # Identical activity counts group together (most cases have the same few).
    for activity, cases in grouped("activity"):
        tally.add_activity(activity, cases)
    return counted
