"""Statistics of a council's Prevent referrals for a period, from live cases and purge tombstones together.

Both kinds of case are counted into the same tally (benchmarking.counting) with the tombstone's rules, so that
a case counts the same before and after its purge. Nothing is decrypted: a live case is read from its clear
columns only (dates, referrer sector, closing reason) and from its Channel decisions' transition names and times
(adoption, consent, exit), with closure.statistics' own rules (`route`, `journey_points`, working days less the
bank holidays). A live case's age band, gender and type of concern are encrypted answers: they are counted from
the unlinked statistical records written at submission (benchmarking.answers; docs/benchmarking.md "Decision").
"""

from __future__ import annotations

import datetime
import statistics as pystats
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from accounts.models import Sector
from closure.statistics import LEGACY_AGE_BANDS, OVER
from referrals.choices import ClosingReason, ConcernType, Gender

from .activity import activity_tables, answer_timing
from .answers import HELD, coarse_counts
from .counting import STAGES, UNKNOWN, Tally, count_live, count_tombstones
from .national import national_figures

AGE_LABELS = {
    "10_or_under": "10 or under",
    "11_15": "11 to 15",
    "16_17": "16 to 17",
    "18_20": "18 to 20",
    "21_30": "21 to 30",
    "31_40": "31 to 40",
    OVER: "41 and over",
}
# Cases recorded under the earlier bands whose band no current one holds whole (closure migration 0004): their
# own rows after the current bands, only when a count exists, rather than a guess at which current band they are.
LEGACY_AGE_LABELS = dict(zip(LEGACY_AGE_BANDS, ("Under 15 (earlier bands)", "15 to 20 (earlier bands)"), strict=True))
MISSING_LABELS = {UNKNOWN: "Not known", HELD: "Not available (case still held)"}
# The rows shown only when a count exists (earlier age bands, answers not known, cases without a record).
COUNTED_ONLY_LABELS = LEGACY_AGE_LABELS | MISSING_LABELS

OUTCOMES = (
    ("no_further_action", "No further action"),
    ("signposted", "Signposted to other services"),
    ("police_led", "Police-led partnership"),
    ("discussed_at_panel", "Discussed at a Channel panel"),
    ("adopted", "Adopted as a Channel case"),
    ("consent_refused", "Consent to Channel support refused"),
    ("exited", "Left Channel (support completed)"),
)


class PeriodError(ValueError):
    """A period that cannot be reported on (one line, for the command and the page)."""


# The years a period may fall in: those of the financial years (2000 to 2100, so up to March 2101).
FIRST_YEAR, LAST_YEAR = 2000, 2101


@dataclass(frozen=True)
class Period:
    """Whole months, first day of the first month to the last day of the last (tombstones keep the month only)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def financial_year(cls, year: int) -> Period:
        """April `year` to March `year + 1` (the Home Office's 2024/25 is year 2024)."""
        if not FIRST_YEAR <= year < LAST_YEAR:
            raise PeriodError(f"Unknown year {year}: give a year such as 2024 for April 2024 to March 2025.")
        return cls(datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31))

    @classmethod
    def between(cls, start: datetime.date, end: datetime.date) -> Period:
        if end < start:
            raise PeriodError(f"The period ends ({end:%-d %B %Y}) before it starts ({start:%-d %B %Y}).")
        if start.year < FIRST_YEAR or end.year > LAST_YEAR:
            raise PeriodError(f"Give dates from {FIRST_YEAR} to {LAST_YEAR}: there are no statistics outside them.")
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
    rows += [(code, COUNTED_ONLY_LABELS[code], counts[code]) for code in missing if counts.get(code)]
    return rows


def _quarters(months: list[datetime.date], by_month: Counter) -> list[tuple[str, str, int]]:
    quarters = []
    for index in range(0, len(months), 3):
        chunk = months[index : index + 3]
        label = f"{chunk[0]:%B %Y} to {chunk[-1]:%B %Y}" if len(chunk) > 1 else f"{chunk[0]:%B %Y}"
        quarters.append((f"q{index // 3 + 1}", label, sum(by_month[month] for month in chunk)))
    return quarters


def timing(stage: str, label: str, days: Counter) -> Timing:
    """The median and 90th percentile of `days` (working days -> cases)."""
    values = sorted(days.elements())
    median = pystats.median(values) if values else None
    return Timing(stage, label, len(values), median, percentile(values, 0.9))


def journey_outcomes(journeys: Counter) -> Counter:
    """Cases per journey outcome, from cases per `(outcome, route, adopted, consent_given)` (`outcomes_of`)."""
    counts: Counter = Counter()
    for (outcome, route, adopted, consent), cases in journeys.items():
        fact = {"outcome": outcome, "route": route, "adopted": adopted, "consent_given": consent}
        for code in outcomes_of(fact):
            counts[code] += cases
    return counts


def age_table(counts: Counter, total: int) -> Table:
    """The age bands in age order, then any earlier bands, not known and held rows that have a count."""
    rows = _labelled(counts, AGE_LABELS.items(), (*LEGACY_AGE_LABELS, UNKNOWN, HELD))
    note = ""
    if any(code in LEGACY_AGE_LABELS for code, _, _ in rows):
        note = (
            "Rows marked (earlier bands) are cases recorded under the earlier age bands, Under 15 and 15 to 20, "
            "which cannot be divided between the current bands."
        )
    return Table("age", "Referrals by age band at referral", rows, total, note)


def compute(authority: Any, period: Period) -> Statistics:
    """The statistics of `authority` (accounts.LocalAuthority) for `period`; no decryption, no identifiers."""
    tally = Tally()
    live = count_live(tally, authority, period)
    total = live + count_tombstones(tally, authority.pk, period)
    answers = coarse_counts(authority.pk, period, live)
    months = period.months()
    by_month = tally.months
    quarters = _quarters(months, by_month)
    outcome_counts = journey_outcomes(tally.journeys)
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
            _labelled(tally.sectors, Sector.choices, (UNKNOWN,)),
            total,
        ),
        age_table(answers["age_band"], total),
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
    tables += activity_tables(authority, period, tally)
    timings = [*(timing(stage, label, tally.days[stage]) for stage, label in STAGES), answer_timing(tally)]
    stats = Statistics(authority.name, authority.ons_code, period, total, live, total - live, tables, timings)
    national_figures(stats)
    return stats
