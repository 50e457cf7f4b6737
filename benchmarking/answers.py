"""Age band, gender and type of concern of the period's cases, without decrypting anything.

A purged case's answers are on its tombstone. A live case's are in its unlinked statistical record
(closure.StatisticalRecord, written at submission under an id only the case's encrypted data holds): records
are counted by council and month, never matched to a case. A live case submitted before records existed has
none: it counts as "Not available (case still held)" (live cases less records), until its purge writes its
tombstone or `statistical_records_backfill` writes its record.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count

ANSWERS = ("age_band", "gender", "concern_type")
HELD = "held"


def coarse_counts(authority_id: int, period: Any, live: int) -> dict[str, Counter]:
    """{answer: Counter of codes} over tombstones and records (counted in SQL, by distinct answers), with the
    `live` cases lacking a record as held."""
    from closure.models import StatisticalRecord, Tombstone

    counts = {answer: Counter() for answer in ANSWERS}
    recorded = 0
    for model in (Tombstone, StatisticalRecord):
        rows = (
            model.objects.filter(
                local_authority_id=authority_id, referral_month__gte=period.start, referral_month__lte=period.end
            )
            .order_by()
            .values_list(*ANSWERS)
            .annotate(cases=Count("pk"))
        )
        for *codes, cases in rows:
            recorded += cases if model is StatisticalRecord else 0
            for answer, code in zip(ANSWERS, codes, strict=True):
                counts[answer][code] += cases
    held = live - recorded
    if held > 0:
        for answer in ANSWERS:
            counts[answer][HELD] += held
    return counts
