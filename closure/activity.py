"""How a case's information requests and interventions went, as counts: for its tombstone and, with the same
functions, for a live case (benchmarking.activity), so the figures are the same before and after its purge.

Clear columns only (dates, statuses). A request or an intervention counts with its case, in the month of the
case's referral (the cohort the release follows); the purge keeps the counts on the tombstone (`activity`).
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.calendar import working_days_after, working_days_between

REQUESTS = (
    ("on_time", "Answered by the due date"),
    ("late", "Answered after the due date"),
    ("declined", "Declined by the partner"),
    ("overdue", "Not answered, overdue (or the case closed)"),
    ("pending", "Not answered, not yet due"),
    ("withdrawn", "Withdrawn or expired"),
)
INTERVENTIONS = (
    ("on_time", "Started on time"),
    ("late", "Started late"),
    ("never", "Never started (ended, or the case left support)"),
    ("overdue", "Not started, overdue"),
    ("pending", "Not started, not yet due"),
)
REQUEST_COLUMNS = ("status", "created_at", "due_on", "answered_at")
INTERVENTION_COLUMNS = ("created_at", "planned_start", "actual_start", "ended_on")
# Channel stages after support: an intervention not started by then never will be.
SUPPORT_OVER = ("not_adopted", "exited", "post_exit_review", "completed", "withdrawn")


def request_category(row: dict[str, Any], *, closed: bool, today: datetime.date) -> str:
    status = row["status"]
    if status in ("answered", "declined") and row["answered_at"] is not None:
        if status == "declined":
            return "declined"
        return "on_time" if timezone.localdate(row["answered_at"]) <= row["due_on"] else "late"
    if status in ("withdrawn", "expired"):
        return "withdrawn"
    return "overdue" if closed or row["due_on"] < today else "pending"


def request_answer_days(row: dict[str, Any], nation: str) -> int | None:
    """Working days from the request to its answer (or refusal); None if not answered."""
    if row["answered_at"] is None or row["status"] not in ("answered", "declined"):
        return None
    return working_days_between(timezone.localdate(row["created_at"]), timezone.localdate(row["answered_at"]), nation)


def intervention_category(row: dict[str, Any], *, over: bool, today: datetime.date, nation: str) -> str:
    """On time: started within INTERVENTION_START_WORKING_DAYS working days of the later of the day it was added
    to the support plan and its planned start."""
    added = timezone.localdate(row["created_at"])
    due = working_days_after(max(added, row["planned_start"]), settings.INTERVENTION_START_WORKING_DAYS, nation)
    if row["actual_start"] is not None:
        return "on_time" if row["actual_start"] <= due else "late"
    if over or row["ended_on"] is not None:
        return "never"
    return "overdue" if today > due else "pending"


def activity(
    requests: list[dict[str, Any]],
    interventions: list[dict[str, Any]],
    *,
    closed: bool,
    support_over: bool,
    nation: str,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The counts of one case (the tombstone's `activity`): {"requests": {...}, "answer_days": [...],
    "interventions": {...}}; empty parts left out."""
    today = today or timezone.localdate()
    found: dict[str, Any] = {}
    request_counts = Counter(request_category(row, closed=closed, today=today) for row in requests)
    days = sorted(d for d in (request_answer_days(row, nation) for row in requests) if d is not None)
    over = closed or support_over
    intervention_counts = Counter(
        intervention_category(row, over=over, today=today, nation=nation) for row in interventions
    )
    if request_counts:
        found["requests"] = dict(request_counts)
    if days:
        found["answer_days"] = days
    if intervention_counts:
        found["interventions"] = dict(intervention_counts)
    return found


def case_activity(referral: Any) -> dict[str, Any]:
    """register_statistics: the case's counts, for its tombstone (read before the purge deletes the rows)."""
    from channel.models import ChannelCase, Intervention
    from mash.models import InformationRequest

    requests = list(InformationRequest.objects.filter(referral=referral).values(*REQUEST_COLUMNS))
    interventions = list(Intervention.objects.filter(channel_case__referral=referral).values(*INTERVENTION_COLUMNS))
    state = ChannelCase.objects.filter(referral=referral).values_list("state", flat=True).first()
    closed = referral.closed_at is not None
    return {
        "activity": activity(
            requests,
            interventions,
            closed=closed,
            support_over=state in SUPPORT_OVER,
            nation=referral.local_authority.nation,
        )
    }
