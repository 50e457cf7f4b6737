"""Statistics of a council's Prevent referrals for a period, from live cases and purge tombstones together.

Both kinds of case become the same "facts" (the fields of closure.Tombstone) and are counted by the same code,
so that a case counts the same before and after its purge. Nothing is decrypted: a live case's facts are read
from its clear columns only (dates, referrer sector, closing reason) and from its Channel decisions' transition
names and times (adoption, consent, exit), with closure.statistics' own helpers (`route`, `working_days`,
`journey`). A live case's age band, gender and type of concern are encrypted answers: they are counted from the
unlinked statistical records written at submission (benchmarking.answers; docs/benchmarking.md "Decision").
"""

from __future__ import annotations

import datetime
import statistics as pystats
from collections import Counter, namedtuple
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import DateField, QuerySet
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from accounts.models import Sector
from closure.statistics import JOURNEY_TRANSITIONS, OVER, journey, route
from core.calendar import working_days_between
from referrals.choices import ClosingReason, ConcernType, Gender, ReferralStatus

from .activity import activity_tables, answer_timing, live_activity
from .answers import HELD, coarse_counts
from .national import national_figures

UNKNOWN = ""
AGE_LABELS = {
    "under_15": "Under 15",
    "15_20": "15 to 20",
    "21_30": "21 to 30",
    "31_40": "31 to 40",
    "41_50": "41 to 50",
    "51_60": "51 to 60",
    OVER: "Over 60",
}
MISSING_LABELS = {UNKNOWN: "Not known", HELD: "Not available (case still held)"}

OUTCOMES = (
    ("no_further_action", "No further action"),
    ("signposted", "Signposted to other services"),
    ("police_led", "Police-led partnership"),
    ("discussed_at_panel", "Discussed at a Channel panel"),
    ("adopted", "Adopted as a Channel case"),
    ("consent_refused", "Consent to Channel support refused"),
    ("exited", "Left Channel (support completed)"),
)
STAGES = (
    ("days_to_screening", "Submission to screening"),
    ("days_to_information_gathering", "Submission to information gathering"),
    ("days_to_channel", "Submission to the Channel panel"),
    ("days_to_adoption", "Submission to adoption as a Channel case"),
    ("days_to_exit", "Submission to leaving Channel (exit)"),
    ("days_to_closure", "Submission to closure"),
)
FACT_FIELDS = (
    "referral_month",
    "referrer_sector",
    "age_band",
    "gender",
    "concern_type",
    "route",
    "outcome",
    "consent_given",
    "adopted",
    "activity",
    *(name for name, _ in STAGES),
)


class PeriodError(ValueError):
    """A period that cannot be reported on (one line, for the command and the page)."""


@dataclass(frozen=True)
class Period:
    """Whole months, first day of the first month to the last day of the last (tombstones keep the month only)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def financial_year(cls, year: int) -> Period:
        """April `year` to March `year + 1` (the Home Office's 2024/25 is year 2024)."""
        if not 2000 <= year <= 2100:  # noqa: PLR2004 - a sane range of years
            raise PeriodError(f"Unknown year {year}: give a year such as 2024 for April 2024 to March 2025.")
        return cls(datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31))

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> Period:
        if end < start:
            raise PeriodError(f"The period ends ({end:%-d %B %Y}) before it starts ({start:%-d %B %Y}).")
        first = start.replace(day=1)
        following = (end.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        return cls(first, following - datetime.timedelta(days=1))

    @property
    def label(self) -> str:
        if self.start.month == 4 and self.end == datetime.date(self.start.year + 1, 3, 31):  # noqa: PLR2004
            return f"Financial year {self.start.year} to {self.start.year + 1} (April to March)"
        return f"{self.start:%B %Y} to {self.end:%B %Y}"

    def months(self) -> list[datetime.date]:
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def _tombstone_facts(authority_id: int, period: Period) -> Iterator[dict[str, Any]]:
    from closure.models import Tombstone

    rows = Tombstone.objects.filter(
        local_authority_id=authority_id, referral_month__gte=period.start, referral_month__lte=period.end
    ).values_list(*FACT_FIELDS)
    for row in rows.iterator(chunk_size=5000):
        yield dict(zip(FACT_FIELDS, row, strict=True))


_STAGE_DATES = ("screening_started_at", "information_gathering_started_at", "referred_to_channel_at", "closed_at")
# The stages' days under the fields' own names (closure.statistics.route reads those), and the submission's time
# too (closure.statistics.journey counts from it, as the purge does).
_LiveRow = namedtuple(
    "_LiveRow", ("id", "referrer_sector", "closing_reason", "submitted_at", "submitted_on", *_STAGE_DATES)
)
SECTORS = frozenset(Sector.values)
CLOSING_REASONS = frozenset(ClosingReason.values)


def _decisions(live: QuerySet) -> dict[Any, list[tuple[str, Any]]]:
    """Each case's journey decisions, in order (transition names and times only: no note is read). The cases as
    a subquery, not a list of ids: a year of a large council is 100,000 cases, past PostgreSQL's 65,535
    parameters."""
    from channel.models import ChannelDecision

    found: dict[Any, list[tuple[str, Any]]] = {}
    decisions = (
        ChannelDecision.objects.filter(channel_case__referral__in=live.values("id"), transition__in=JOURNEY_TRANSITIONS)
        .order_by("created_at")
        .values_list("channel_case__referral_id", "transition", "created_at")
    )
    for referral_id, transition, when in decisions:
        found.setdefault(referral_id, []).append((transition, when))
    return found


def _days(first: datetime.date, last: datetime.date | None, nation: str) -> int | None:
    """closure.statistics.working_days on days already in the service's time zone (converted in SQL)."""
    return None if last is None else working_days_between(first, last, nation)


def _live_facts(authority_id: int, period: Period, nation: str) -> Iterator[dict[str, Any]]:
    """The tombstone's facts of each live case submitted in the period, from clear columns only.

    The days (in the service's time zone) come from the database, and the related rows are read with the cases
    as a subquery: a year of a large council is read in about a second (benchmarks/export.py).
    """
    from referrals.models import Referral

    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    live = (
        Referral.objects.filter(local_authority_id=authority_id, submitted_at__gte=start, submitted_at__lt=end)
        .exclude(status__in=(ReferralStatus.DRAFT, ReferralStatus.PURGED))
        .order_by()
    )
    # Cast: a plain date column, without TruncDate's conversion of each value in Python (100,000 rows, five dates).
    days = {f"{name}_on": Cast(TruncDate(name, tzinfo=tz), DateField()) for name in ("submitted_at", *_STAGE_DATES)}
    rows = [
        _LiveRow._make(row)
        for row in live.annotate(**days).values_list("id", "referrer_sector", "closing_reason", "submitted_at", *days)
    ]
    decisions = _decisions(live)
    activities = live_activity({row.id: row.closed_at is not None for row in rows}, nation, ids=live.values("id"))
    for case in rows:
        submitted = case.submitted_on
        yield {
            "referral_month": submitted.replace(day=1),
            "referrer_sector": case.referrer_sector if case.referrer_sector in SECTORS else UNKNOWN,
            "age_band": HELD,
            "gender": HELD,
            "concern_type": HELD,
            "route": route(case),
            "outcome": case.closing_reason if case.closing_reason in CLOSING_REASONS else UNKNOWN,
            "days_to_screening": _days(submitted, case.screening_started_at, nation),
            "days_to_information_gathering": _days(submitted, case.information_gathering_started_at, nation),
            "days_to_channel": _days(submitted, case.referred_to_channel_at, nation),
            "days_to_closure": _days(submitted, case.closed_at, nation),
            **journey(case.submitted_at, decisions.get(case.id, ()), nation),
            "activity": activities.get(case.id, {}),
        }


def outcomes_of(fact: dict[str, Any]) -> set[str]:
    """The journey outcomes a case counts in (a case may count in several: discussed, adopted, exited)."""
    outcome, reached_channel = fact["outcome"], fact["route"] == "channel"
    found = set()
    if outcome in (ClosingReason.NFA_NO_CONCERN, ClosingReason.NFA_INSUFFICIENT):
        found.add("no_further_action")
    if outcome == ClosingReason.NFA_SIGNPOSTED:
        found.add("signposted")
    if outcome == ClosingReason.POLICE_LED:
        found.add("police_led")
    if reached_channel:
        found.add("discussed_at_panel")
    # Adopted: the panel's adoption decision; a tombstone written before it was recorded (None): the panel
    # asked for consent, or the person completed support.
    adopted = fact.get("adopted")
    if adopted is None:
        adopted = reached_channel and (fact["consent_given"] is not None or outcome == ClosingReason.CHANNEL_COMPLETED)
    if adopted:
        found.add("adopted")
    if fact["consent_given"] is False:
        found.add("consent_refused")
    if outcome == ClosingReason.CHANNEL_COMPLETED:
        found.add("exited")
    return found


def percentile(values: list[int], share: float) -> int | None:
    """Nearest-rank percentile (the smallest value with at least `share` of the values at or below it)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@dataclass
class Table:
    """One table of counts: rows (code, label, count) and a total; `note` says what is counted."""

    key: str
    title: str
    rows: list[tuple[str, str, int]]
    total: int
    note: str = ""
    additive: bool = True  # the rows add up to the total (the outcomes do not: a case counts in several)
    unit: str = "Referrals"  # what is counted (requests, interventions, panel members for benchmarking.activity)
    # The national figure of each row where the Home Office published one (benchmarking.national), and its source.
    national: dict[str, str] = field(default_factory=dict)
    national_source: str = ""
    # Filled by disclosure control: the codes (and "total") whose counts are withheld.
    suppressed: set[str] = field(default_factory=set)


@dataclass
class Timing:
    stage: str
    label: str
    cases: int
    median: float | None
    p90: int | None
    withheld: bool = False


@dataclass
class Statistics:
    authority_name: str
    authority_code: str
    period: Period
    referrals: int
    live: int
    tombstones: int
    tables: list[Table]
    timings: list[Timing]

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def _labelled(
    counts: Counter, choices: Iterable[tuple[str, str]], missing: Iterable[str]
) -> list[tuple[str, str, int]]:
    rows = [(code, label, counts.get(code, 0)) for code, label in choices]
    rows += [(code, MISSING_LABELS[code], counts[code]) for code in missing if counts.get(code)]
    return rows


def _quarters(months: list[datetime.date], by_month: Counter) -> list[tuple[str, str, int]]:
    quarters = []
    for index in range(0, len(months), 3):
        chunk = months[index : index + 3]
        label = f"{chunk[0]:%B %Y} to {chunk[-1]:%B %Y}" if len(chunk) > 1 else f"{chunk[0]:%B %Y}"
        quarters.append((f"q{index // 3 + 1}", label, sum(by_month[month] for month in chunk)))
    return quarters


def _timings(facts: list[dict[str, Any]]) -> list[Timing]:
    timings = []
    for stage, label in STAGES:
        values = [fact[stage] for fact in facts if fact[stage] is not None]
        timings.append(
            Timing(stage, label, len(values), pystats.median(values) if values else None, percentile(values, 0.9))
        )
    return timings


def compute(authority: Any, period: Period) -> Statistics:
    """The statistics of `authority` (accounts.LocalAuthority) for `period`; no decryption, no identifiers."""
    facts = list(_live_facts(authority.pk, period, authority.nation))
    live = len(facts)
    facts += list(_tombstone_facts(authority.pk, period))
    answers = coarse_counts(authority.pk, period, facts[live:], live)
    months = period.months()
    by_month = Counter(fact["referral_month"] for fact in facts)
    quarters = _quarters(months, by_month)
    outcome_counts = Counter(code for fact in facts for code in outcomes_of(fact))
    total = len(facts)
    tables = [
        Table(
            "month",
            "Referrals by month of referral",
            [(f"{m:%Y-%m}", f"{m:%B %Y}", by_month[m]) for m in months],
            total,
        ),
        Table(
            "quarter", "Referrals by quarter", quarters, total, "Quarters of three months from the start of the period."
        ),
        Table(
            "sector",
            "Referrals by sector of referral",
            _labelled(Counter(f["referrer_sector"] for f in facts), Sector.choices, (UNKNOWN,)),
            total,
        ),
        Table(
            "age",
            "Referrals by age band at referral",
            _labelled(answers["age_band"], AGE_LABELS.items(), (UNKNOWN, HELD)),
            total,
        ),
        Table(
            "gender",
            "Referrals by gender",
            _labelled(answers["gender"], Gender.choices, (UNKNOWN, HELD)),
            total,
        ),
        Table(
            "concern",
            "Referrals by type of concern",
            _labelled(answers["concern_type"], ConcernType.choices, (UNKNOWN, HELD)),
            total,
        ),
        Table(
            "outcome",
            "Referrals by outcome (journey through Prevent and Channel)",
            [(code, label, outcome_counts.get(code, 0)) for code, label in OUTCOMES],
            total,
            "A case counts in every stage of its journey it reached (discussed, adopted, left), so the rows do not "
            "add up to the total: the total is the number of referrals.",
            additive=False,
        ),
    ]
    tables += activity_tables(authority, period, facts)
    timings = [*_timings(facts), answer_timing(facts)]
    stats = Statistics(authority.name, authority.ons_code, period, total, live, total - live, tables, timings)
    national_figures(stats)
    return stats
