"""The statistical tombstone of a case: coarse facts for the Home Office statistics, computed before the purge.

Nothing that identifies the person or the case: the month (not the day) of referral, an age band (not the
age), codes of the answers (anything else is left out), working days between stages (less the council's
bank holidays), whether the case was adopted and whether consent to Channel support was given (the panel's
decisions). While the case is live, its three coarse answers are in an unlinked `StatisticalRecord` whose id
only the case's encrypted data holds (docs/benchmarking.md "Decision"); the purge swaps it for the
tombstone. An app with more to add registers a function
`fn(referral) -> dict of Tombstone fields` with `register_statistics`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from accounts.calendar import working_days_between
from accounts.models import Sector
from referrals.choices import ClosingReason, ConcernType, Gender

# (upper age, band code): the age bands of the Home Office Prevent statistics (DOMAIN.md "Official statistics":
# 10 or under, 11-15, 16-17, 18-20, 21-30, 31-40, 41 and over), an age at most `upper` in the first that fits.
AGE_BANDS = ((10, "10_or_under"), (15, "11_15"), (17, "16_17"), (20, "18_20"), (30, "21_30"), (40, "31_40"))
OVER = "41_and_over"
# The two codes of the earlier banding (Under 15, 15 to 20) that no current band holds whole: rows written before
# the change keep them (closure migration 0004; benchmarking.statistics labels them as earlier bands).
LEGACY_AGE_BANDS = ("under_15", "15_20")
# The codes each answer may carry, made once: a Choices class's `.values` builds a new list on every read
# (about 14 us each, twice per submission).
GENDERS, CONCERN_TYPES = frozenset(Gender.values), frozenset(ConcernType.values)
SECTORS, CLOSING_REASONS = frozenset(Sector.values), frozenset(ClosingReason.values)
STATISTICS: list[Callable[[Any], dict[str, Any]]] = []


def register_statistics(fn: Callable[[Any], dict[str, Any]]) -> None:
    if fn not in STATISTICS:
        STATISTICS.append(fn)


def working_days(start: datetime.datetime | None, end: datetime.datetime | None, nation: str) -> int | None:
    """Working days after `start`'s day up to and including `end`'s: Monday to Friday less the bank holidays
    of the council's `nation` (accounts.calendar, as MASH's deadlines); None if either is missing."""
    if start is None or end is None:
        return None
    return working_days_between(timezone.localdate(start), timezone.localdate(end), nation)


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


# The Channel decisions that mark the journey: adopted, consent (the last one counts), exited.
JOURNEY_TRANSITIONS = ("adopt", "record_consent_given", "record_consent_refused", "exit")


def journey_points(decisions: Iterable[tuple[str, Any]]) -> tuple[Any, Any, bool | None]:
    """(first adoption, first exit, last consent) of a case's decisions `(transition, when)` in the order made:
    the rule of `journey`, for the statistics of live cases too (benchmarking, `when` as days)."""
    adopted_at = exited_at = None
    consent: bool | None = None
    for transition, when in decisions:
        if transition == "adopt" and adopted_at is None:
            adopted_at = when
        elif transition == "exit" and exited_at is None:
            exited_at = when
        elif transition in ("record_consent_given", "record_consent_refused"):
            consent = transition == "record_consent_given"
    return adopted_at, exited_at, consent


def journey(
    submitted_at: datetime.datetime | None, decisions: Iterable[tuple[str, Any]], nation: str
) -> dict[str, Any]:
    """The Channel journey of a case from its decisions `(transition, when)` in the order made.

    Adopted once the panel adopted it (even if withdrawn later, or relisted and not adopted again); the days to
    adoption and to exit count from submission to the first adoption and the first exit; consent is the last
    recorded. The same rule (`journey_points`) for a live case (benchmarking) and for the tombstone (the purge).
    """
    adopted_at, exited_at, consent = journey_points(decisions)
    return {
        "adopted": adopted_at is not None,
        "consent_given": consent,
        "days_to_adoption": working_days(submitted_at, adopted_at, nation),
        "days_to_exit": working_days(submitted_at, exited_at, nation),
    }


def channel_decisions(referral: Any) -> list[tuple[str, Any]]:
    """The case's journey decisions (transition names and times only: no note is read)."""
    from channel.models import ChannelDecision

    return list(
        ChannelDecision.objects.filter(channel_case__referral=referral, transition__in=JOURNEY_TRANSITIONS)
        .order_by("created_at")
        .values_list("transition", "created_at")
    )


def coarse_answers(referral: Any) -> dict[str, Any]:
    """The three coarse answers of the statistics (decrypts: at submission and at the purge only)."""
    return {
        "age_band": age_band(referral),
        "gender": _code(referral.gender, GENDERS),
        "concern_type": _code(referral.concern_type, CONCERN_TYPES),
    }


def referral_month(referral: Any) -> datetime.date:
    """The month the case counts in (of its submission, in the service's time zone)."""
    return timezone.localdate(referral.submitted_at or referral.created_at).replace(day=1)


def case_statistics(referral: Any) -> dict[str, Any]:
    """The tombstone's fields for a case (read while its key still exists)."""
    nation = referral.local_authority.nation
    values: dict[str, Any] = {
        "referral_month": referral_month(referral),
        "local_authority_id": referral.local_authority_id,
        "referrer_sector": _code(referral.referrer_sector, SECTORS),
        **coarse_answers(referral),
        "route": route(referral),
        "outcome": _code(referral.closing_reason, CLOSING_REASONS),
        "days_to_screening": working_days(referral.submitted_at, referral.screening_started_at, nation),
        "days_to_information_gathering": working_days(
            referral.submitted_at, referral.information_gathering_started_at, nation
        ),
        "days_to_channel": working_days(referral.submitted_at, referral.referred_to_channel_at, nation),
        "days_to_closure": working_days(referral.submitted_at, referral.closed_at, nation),
        **journey(referral.submitted_at, channel_decisions(referral), nation),
    }
    for fn in STATISTICS:
        values.update(fn(referral))
    return values


def statistical_record_write(referral: Any) -> None:
    """At submission: the case's unlinked statistical record, under the id kept in its encrypted data only."""
    from .models import StatisticalRecord

    if not referral.statistics_record:
        return
    StatisticalRecord.objects.create(
        id=referral.statistics_record,
        local_authority_id=referral.local_authority_id,
        referral_month=referral_month(referral),
        **coarse_answers(referral),
    )


def statistical_record_redate_demo(referral_id: Any) -> None:
    """Demo data only: after a seed moved a case's submission back, its statistical record counts in that month
    (reads the record's id from the case's encrypted data, as the purge does)."""
    from referrals.models import Referral

    from .models import StatisticalRecord

    referral = Referral.objects.select_related("data_key").get(pk=referral_id)
    if referral.statistics_record:
        StatisticalRecord.objects.filter(pk=referral.statistics_record).update(referral_month=referral_month(referral))
