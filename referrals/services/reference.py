"""Reference allocation: PRV-YYYY-NNNNNN, sequential per year, one statement inside the submit transaction."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from referrals.models import ReferenceCounter

_UPSERT = (
    "INSERT INTO {table} (year, last) VALUES (%s, 1) "
    "ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last"
)


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
    if number > 999_999:  # noqa: PLR2004 - the reference has six digits
        raise RuntimeError("The reference numbers of this year are exhausted.")
    return f"PRV-{year}-{number:06d}"
