"""Reference allocation: PRV-YYYY-NNNNNN, sequential per year, one statement inside the submit transaction."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from referrals.models import ReferenceCounter, Referral

_UPSERT = (
    "INSERT INTO {table} (year, last) VALUES (%s, 1) "
    "ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last"
)


# PostgreSQL: the upsert and the repeat count in one round trip (a data-modifying CTE; SQLite has none).
_COUNT = "SELECT allocated.last, (SELECT COUNT(*) FROM {referrals} WHERE person_index = %s) FROM allocated"
_UPSERT_AND_COUNT = "WITH allocated AS (" + _UPSERT + ") " + _COUNT


def reference_allocate_and_count_repeats(*, person_index: str) -> tuple[str, int]:
    """Return the next reference and how many referrals share the person index, in one statement if possible."""
    if connection.vendor != "postgresql":
        reference = reference_allocate()
        return reference, Referral.objects.filter(person_index=person_index).count()
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reference_allocate_and_count_repeats() must run inside the submit transaction.")
    year = timezone.localdate().year
    sql = _UPSERT_AND_COUNT.format(table=ReferenceCounter._meta.db_table, referrals=Referral._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, [year, person_index])
        number, repeats = cursor.fetchone()
    return _format(year, number), repeats


def _format(year: int, number: int) -> str:
    if number > 999_999:  # noqa: PLR2004 - the reference has six digits
        raise RuntimeError("The reference numbers of this year are exhausted.")
    return f"PRV-{year}-{number:06d}"


def reference_allocate() -> str:
    """Return the next reference of this year (Europe/London); must run inside the submit transaction.

    One upsert takes the year's counter row lock until commit, so two submissions never get the same
    number and a rolled-back submission gives its number back (no gaps). The lock is held only for the
    rest of the submit transaction, whose other writes are a handful of inserts.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reference_allocate() must run inside the submit transaction.")
    year = timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT.format(table=ReferenceCounter._meta.db_table), [year])
        (number,) = cursor.fetchone()
    return _format(year, number)
