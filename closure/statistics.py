"""The statistical tombstone of a case: coarse facts for the Home Office statistics, computed before the purge.

Nothing that identifies the person or the case: the month (not the day) of referral, an age band (not the
age), codes of the answers (anything else is left out), working days between stages, whether consent to
Channel support was given (the panel's decisions). An app with more to add registers a function
`fn(referral) -> dict of Tombstone fields` with `register_statistics`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from accounts.models import Sector
from referrals.choices import ClosingReason, ConcernType, Gender

# (upper age, band code): the bands of the Home Office Prevent statistics.
AGE_BANDS = ((14, "under_15"), (20, "15_20"), (30, "21_30"), (40, "31_40"), (50, "41_50"), (60, "51_60"))
OVER = "over_60"
SATURDAY = 5
STATISTICS: list[Callable[[Any], dict[str, Any]]] = []


def register_statistics(fn: Callable[[Any], dict[str, Any]]) -> None:
    if fn not in STATISTICS:
        STATISTICS.append(fn)


def working_days(start: datetime.datetime | None, end: datetime.datetime | None) -> int | None:
    """Weekdays after `start`'s day up to and including `end`'s (no bank holidays); None if either is missing."""
    if start is None or end is None:
        return None
    return weekdays_between(timezone.localdate(start), timezone.localdate(end))


def weekdays_between(first: datetime.date | None, last: datetime.date | None) -> int | None:
    """Weekdays after `first` up to and including `last` (0 if `last` is not after `first`); None if either is
    missing. Days already in the service's time zone: the statistics of live cases convert them in SQL."""
    if first is None or last is None:
        return None
    span = (last - first).days
    if span <= 0:
        return 0
    weeks, rest = divmod(span, 7)  # each whole week has five weekdays; then the days left over
    return weeks * 5 + _WEEKDAYS_AFTER[first.weekday()][rest]


# _WEEKDAYS_AFTER[w][n]: the weekdays among the n days after a day of weekday w (n < 7).
_WEEKDAYS_AFTER = tuple(tuple(sum((w + d) % 7 < SATURDAY for d in range(1, n + 1)) for n in range(7)) for w in range(7))


def age_band(referral: Any) -> str:
    """The band of the person's age when referred (date of birth, or the referrer's estimate); "" if unknown."""
    on = timezone.localdate(referral.submitted_at) if referral.submitted_at else timezone.localdate()
    age: int | None = None
    if referral.date_of_birth:
        born = referral.date_of_birth
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    elif str(referral.approximate_age or "").strip().isdigit():
        age = int(str(referral.approximate_age).strip())
    if age is None:
        return ""
    return next((code for upper, code in AGE_BANDS if age <= upper), OVER)


def route(referral: Any) -> str:
    """The furthest stage the case reached before closing."""
    if referral.referred_to_channel_at:
        return "channel"
    if referral.information_gathering_started_at:
        return "information_gathering"
    if referral.screening_started_at:
        return "screening"
    return "submitted"


def _code(value: Any, allowed: Any) -> str:
    """A known answer code, or "" (an answer that is not one of the codes never reaches the tombstone)."""
    return value if value in allowed else ""


def consent_given(referral: Any) -> bool | None:
    """The person's consent to Channel support as last recorded by the panel; None if never asked."""
    from channel.models import ChannelDecision

    last = (
        ChannelDecision.objects.filter(
            channel_case__referral=referral, transition__in=("record_consent_given", "record_consent_refused")
        )
        .order_by("-created_at")
        .values_list("transition", flat=True)
        .first()
    )
    return None if last is None else last == "record_consent_given"


def case_statistics(referral: Any) -> dict[str, Any]:
    """The tombstone's fields for a case (read while its key still exists)."""
    referred = referral.submitted_at or referral.created_at
    month = timezone.localdate(referred).replace(day=1)
    values: dict[str, Any] = {
        "referral_month": month,
        "local_authority_id": referral.local_authority_id,
        "referrer_sector": _code(referral.referrer_sector, Sector.values),
        "age_band": age_band(referral),
        "gender": _code(referral.gender, Gender.values),
        "concern_type": _code(referral.concern_type, ConcernType.values),
        "route": route(referral),
        "outcome": _code(referral.closing_reason, ClosingReason.values),
        "days_to_screening": working_days(referral.submitted_at, referral.screening_started_at),
        "days_to_information_gathering": working_days(referral.submitted_at, referral.information_gathering_started_at),
        "days_to_channel": working_days(referral.submitted_at, referral.referred_to_channel_at),
        "days_to_closure": working_days(referral.submitted_at, referral.closed_at),
        "consent_given": consent_given(referral),
    }
    for fn in STATISTICS:
        values.update(fn(referral))
    return values
