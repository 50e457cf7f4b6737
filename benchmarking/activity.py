"""Tables of casework activity beside the referral tables: information-request timeliness, panel attendance by
partner sector, and interventions started on time, late or never.

Requests and interventions count with their case, in the month of its referral (the period's referrals, as in
every other table): a live case's rows are classified from clear columns with closure.activity's functions, a
purged case's counts are on its tombstone (`activity`, written by the same functions), so the figures are the
same before and after a purge. Attendance is about the panel's meetings (dated in the period), which the purge
keeps (no key to a case): it needs no tombstone. Nothing is decrypted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from accounts.models import Sector
from closure.activity import INTERVENTION_COLUMNS, INTERVENTIONS, REQUEST_COLUMNS, REQUESTS, SUPPORT_OVER, activity


def live_activity(live: Callable[[str], Q], nation: str) -> Iterator[dict[str, Any]]:
    """The activity counts of each live case with requests or interventions, from clear columns only. `live`:
    the condition on the cases, from the path to the referral (a condition of the join, not a list of ids: a
    year of a large council is past PostgreSQL's 65,535 parameters)."""
    from channel.models import Intervention
    from mash.models import InformationRequest

    def closed(path: str) -> ExpressionWrapper:
        return ExpressionWrapper(Q(**{f"{path}closed_at__isnull": False}), output_field=BooleanField())

    requests: dict[Any, list[dict[str, Any]]] = {}
    closed_cases: set[Any] = set()
    rows = InformationRequest.objects.filter(live("referral__")).annotate(closed=closed("referral__"))
    for row in rows.values("referral_id", "closed", *REQUEST_COLUMNS):
        requests.setdefault(row["referral_id"], []).append(row)
        if row["closed"]:
            closed_cases.add(row["referral_id"])
    interventions: dict[Any, list[dict[str, Any]]] = {}
    over: set[Any] = set()
    rows = Intervention.objects.filter(live("channel_case__referral__")).annotate(
        closed=closed("channel_case__referral__")
    )
    for row in rows.values("channel_case__referral_id", "channel_case__state", "closed", *INTERVENTION_COLUMNS):
        referral_id = row["channel_case__referral_id"]
        interventions.setdefault(referral_id, []).append(row)
        if row["channel_case__state"] in SUPPORT_OVER:
            over.add(referral_id)
        if row["closed"]:
            closed_cases.add(referral_id)
    today = timezone.localdate()
    for referral_id in set(requests) | set(interventions):
        yield activity(
            requests.get(referral_id, []),
            interventions.get(referral_id, []),
            closed=referral_id in closed_cases,
            support_over=referral_id in over,
            nation=nation,
            today=today,
        )


def answer_timing(tally: Any) -> Any:
    """Working days from an information request to its answer (or refusal), over the period's cases."""
    from .statistics import timing

    return timing("days_to_answer", "Information request to its answer", tally.answer_days)


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


def activity_tables(authority: Any, period: Any, tally: Any) -> list[Any]:
    from .statistics import Table

    requests, interventions = tally.requests, tally.interventions
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
