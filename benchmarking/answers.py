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

ANSWERS = ("age_band", "gender", "concern_type")
HELD = "held"


def coarse_counts(
    authority_id: int, period: Any, tombstone_facts: list[dict[str, Any]], live: int
) -> dict[str, Counter]:
    """{answer: Counter of codes} over tombstones and records, with the live cases lacking a record as held."""
    from closure.models import StatisticalRecord

    records = StatisticalRecord.objects.filter(
        local_authority_id=authority_id, referral_month__gte=period.start, referral_month__lte=period.end
    ).values_list(*ANSWERS)
    counts = {answer: Counter(fact[answer] for fact in tombstone_facts) for answer in ANSWERS}
    recorded = 0
    for row in records.iterator(chunk_size=5000):
        recorded += 1
        for answer, code in zip(ANSWERS, row, strict=True):
            counts[answer][code] += 1
    held = live - recorded
    if held > 0:
        for answer in ANSWERS:
            counts[answer][HELD] += held
    return counts
