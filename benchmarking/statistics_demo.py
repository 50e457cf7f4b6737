"""A demo year of statistics (development only): the first demo council's 2024/25, the year the Home Office's
national figures are given for, as tombstones (the statistical traces purged cases leave; unlinked, made up).

Every table and timing has figures: months, sectors, bands, outcomes (adopted cases, one of them withdrawn
later), days to each stage, information requests on time, late and overdue, interventions on time, late and
never. Live cases, records, meetings and attendance come from the other demo seeds (this year's report).
"""

from __future__ import annotations

import datetime
import random

from accounts.models import LocalAuthority
from accounts.services.users import DEMO_AUTHORITIES
from closure.models import Tombstone
from closure.statistics import AGE_BANDS, OVER
from referrals.choices import ClosingReason, ConcernType, Gender

YEAR = 2024
CASES = 120
SECTORS = (["education"] * 40) + (["police"] * 28) + ["health"] * 12 + ["local_authority"] * 10 + ["community"] * 10


def _journey(rng: random.Random) -> dict[str, object]:
    draw = rng.random()
    if draw < 0.55:  # noqa: PLR2004 - the demo's shares of each outcome
        return {
            "route": "screening",
            "outcome": rng.choice([ClosingReason.NFA_NO_CONCERN, ClosingReason.NFA_SIGNPOSTED]),
        }
    if draw < 0.75:  # noqa: PLR2004
        return {"route": "information_gathering", "outcome": ClosingReason.POLICE_LED}
    adopted = draw < 0.92  # noqa: PLR2004
    facts: dict[str, object] = {"route": "channel", "adopted": adopted, "days_to_channel": rng.randint(12, 30)}
    if not adopted:
        return facts | {"outcome": ClosingReason.CHANNEL_WITHDRAWN}
    facts |= {"days_to_adoption": rng.randint(15, 40), "consent_given": draw < 0.88}  # noqa: PLR2004
    if facts["consent_given"] and draw < 0.85:  # noqa: PLR2004
        facts |= {"outcome": ClosingReason.CHANNEL_COMPLETED, "days_to_exit": rng.randint(90, 200)}
    else:
        facts |= {"outcome": ClosingReason.CHANNEL_WITHDRAWN}  # adopted, then withdrawn: still counts as adopted
    return facts


def _activity(rng: random.Random, facts: dict[str, object]) -> dict[str, object]:
    if facts["route"] == "screening":
        return {}
    requests = {"on_time": rng.randint(1, 3), "late": rng.randint(0, 1), "overdue": rng.randint(0, 1)}
    found: dict[str, object] = {"requests": requests, "answer_days": sorted(rng.randint(1, 9) for _ in range(3))}
    if facts.get("consent_given"):
        found["interventions"] = {rng.choice(["on_time", "on_time", "late", "never"]): 1}
    return found


def statistics_demo_seed() -> int:
    """Write the demo year's tombstones once; returns how many were written (0 if they exist)."""
    authority = LocalAuthority.objects.get(ons_code=DEMO_AUTHORITIES[0].ons_code)
    first = datetime.date(YEAR, 4, 1)
    year = (first, datetime.date(YEAR + 1, 3, 1))
    if Tombstone.objects.filter(local_authority=authority, referral_month__range=year).exists():
        return 0
    rng = random.Random(YEAR)  # noqa: S311 - made-up figures, the same on every machine
    bands = [code for _, code in AGE_BANDS] + [OVER]
    rows = []
    for _ in range(CASES):
        month = (first + datetime.timedelta(days=rng.randint(0, 364))).replace(day=1)
        facts = _journey(rng)
        screening = rng.randint(0, 5)
        rows.append(
            Tombstone(
                referral_month=month,
                local_authority=authority,
                referrer_sector=rng.choice(SECTORS) if rng.random() > 0.02 else "",  # noqa: PLR2004
                age_band=rng.choice(bands[1:4] * 3 + bands),  # most referrals: 11 to 20
                gender=rng.choice([Gender.MALE] * 8 + [Gender.FEMALE] * 2 + [Gender.UNKNOWN]),
                concern_type=rng.choice(ConcernType.values),
                days_to_screening=screening,
                days_to_information_gathering=screening + rng.randint(1, 6) if facts["route"] != "screening" else None,
                days_to_closure=rng.randint(10, 250),
                activity=_activity(rng, facts),
                **facts,
            )
        )
    Tombstone.objects.bulk_create(rows)
    return len(rows)
