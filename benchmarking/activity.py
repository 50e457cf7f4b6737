"""Tables of casework activity beside the referral tables: information-request timeliness, panel attendance by
partner sector, and interventions started on time, late or never.

Requests and interventions count with their case, in the month of its referral (the period's referrals, as in
every other table): a live case's rows are classified from clear columns with closure.activity's functions, a
purged case's counts are on its tombstone (`activity`, written by the same functions), so the figures are the
same before and after a purge. Attendance is about the panel's meetings (dated in the period), which the purge
keeps (no key to a case): it needs no tombstone. Nothing is decrypted.
"""

from __future__ import annotations

import statistics as pystats
from collections import Counter
from typing import Any

from django.utils import timezone

from accounts.models import Sector
from closure.activity import INTERVENTION_COLUMNS, INTERVENTIONS, REQUEST_COLUMNS, REQUESTS, SUPPORT_OVER, activity


def live_activity(cases: dict[Any, bool], nation: str, *, ids: Any = None) -> dict[Any, dict[str, Any]]:
    """{referral id: its activity counts} for the live cases `{referral id: closed}` (clear columns only).

    `ids`: the same cases as a subquery (a year of a large council is past PostgreSQL's 65,535 parameters)."""
    ids = list(cases) if ids is None else ids
    from channel.models import Intervention
    from mash.models import InformationRequest

    requests: dict[Any, list[dict[str, Any]]] = {}
    for row in InformationRequest.objects.filter(referral_id__in=ids).values("referral_id", *REQUEST_COLUMNS):
        requests.setdefault(row["referral_id"], []).append(row)
    interventions: dict[Any, list[dict[str, Any]]] = {}
    over: set[Any] = set()
    rows = Intervention.objects.filter(channel_case__referral_id__in=ids).values(
        "channel_case__referral_id", "channel_case__state", *INTERVENTION_COLUMNS
    )
    for row in rows:
        referral_id = row["channel_case__referral_id"]
        interventions.setdefault(referral_id, []).append(row)
        if row["channel_case__state"] in SUPPORT_OVER:
            over.add(referral_id)
    today = timezone.localdate()
    return {
        referral_id: activity(
            requests.get(referral_id, []),
            interventions.get(referral_id, []),
            closed=cases[referral_id],
            support_over=referral_id in over,
            nation=nation,
            today=today,
        )
        for referral_id in set(requests) | set(interventions)
    }


def _counted(facts: list[dict[str, Any]], part: str) -> Counter:
    counts: Counter = Counter()
    for fact in facts:
        counts.update((fact.get("activity") or {}).get(part, {}))
    return counts


def answer_timing(facts: list[dict[str, Any]]) -> Any:
    """Working days from an information request to its answer (or refusal), over the period's cases."""
    from .statistics import Timing, percentile

    values = [day for fact in facts for day in (fact.get("activity") or {}).get("answer_days", [])]
    median = pystats.median(values) if values else None
    return Timing("days_to_answer", "Information request to its answer", len(values), median, percentile(values, 0.9))


def _attendance(authority: Any, period: Any) -> tuple[Counter, Counter]:
    """Members expected (attendance recorded) and present at the council's panel meetings of the period."""
    from channel.models import Attendance, AttendanceStatus

    rows = Attendance.objects.filter(
        meeting__panel__local_authority=authority, meeting__date__gte=period.start, meeting__date__lte=period.end
    ).values_list("member__sector", "status")
    expected, present = Counter(), Counter()
    for sector, status in rows:
        expected[sector] += 1
        present[sector] += status == AttendanceStatus.PRESENT
    return expected, present


def activity_tables(authority: Any, period: Any, facts: list[dict[str, Any]]) -> list[Any]:
    from .statistics import Table

    requests, interventions = _counted(facts, "requests"), _counted(facts, "interventions")
    expected, present = _attendance(authority, period)

    def table(key: str, title: str, choices: Any, counts: Counter, *, unit: str, note: str) -> Any:
        rows = [(code, label, counts.get(code, 0)) for code, label in choices]
        return Table(key, title, rows, sum(counts.values()), note, unit=unit)

    return [
        table(
            "requests",
            "Information requests to partners, by timeliness",
            REQUESTS,
            requests,
            unit="Requests",
            note="The requests made about the period's referrals. On time: answered on or before the due date.",
        ),
        table(
            "attendance_expected",
            "Channel panel members expected at meetings, by partner sector",
            Sector.choices,
            expected,
            unit="Members expected",
            note="Each member recorded at each of the panel's meetings of the period (present, apologies or absent).",
        ),
        table(
            "attendance_present",
            "Channel panel members present at meetings, by partner sector",
            Sector.choices,
            present,
            unit="Members present",
            note="Of the members expected (the table before), those present: the rate is present / expected.",
        ),
        table(
            "interventions",
            "Interventions of support plans: started on time, late or never",
            INTERVENTIONS,
            interventions,
            unit="Interventions",
            note="The interventions of the period's referrals. On time: started within "
            f"{_days()} working days of the later of the day it was added to the support plan and its planned start.",
        ),
    ]


def _days() -> int:
    from django.conf import settings

    return int(settings.INTERVENTION_START_WORKING_DAYS)
