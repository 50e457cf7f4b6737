"""Checking the whole chain: every event's MAC, its link to the one before, and the head."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from audit import chain, triggers
from audit.models import GENESIS_MAC, HEAD_ID, AuditEvent, ChainHead

CHUNK_SIZE = 10_000


@dataclass(frozen=True)
class ChainReport:
    """The outcome of one check; first_bad_sequence is None when the chain is intact."""

    verified: int
    first_bad_sequence: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad_sequence is None and not self.problem


def _check_head(using: str, last_sequence: int, last_mac: str, verified: int) -> ChainReport:
    head = ChainHead.objects.using(using).filter(pk=HEAD_ID).values_list("sequence", "mac").first()
    if head is None:
        return ChainReport(verified, last_sequence + 1, "the chain head row is missing")
    if head[0] != last_sequence:
        # The head counts further than the events: the last ones were removed.
        first = min(head[0], last_sequence) + 1
        return ChainReport(verified, first, f"the head is at {head[0]} but the last event is {last_sequence}")
    if not hmac.compare_digest(head[1], last_mac):
        return ChainReport(verified, last_sequence, "the head's MAC does not match the last event")
    return ChainReport(verified)


# The event time as micros() computed by the database, so rows need no datetime parsing.
_MICROS_SQL = {
    "postgresql": "(EXTRACT(EPOCH FROM occurred_at) * 1000000)::bigint",
    # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC on SQLite. strftime() gets the whole seconds
    # only: SQLite rounds a time to the millisecond, so ".9995" and later would count as the next second.
    "sqlite": "CAST(strftime('%s', substr(occurred_at, 1, 19)) AS INTEGER) * 1000000"
    " + CAST(substr(occurred_at || '.000000', 21, 6) AS INTEGER)",
}


def _select_sql(connection: BaseDatabaseWrapper) -> str:
    columns = [_MICROS_SQL[connection.vendor], *(connection.ops.quote_name(name) for name in chain.BODY_FIELDS[1:])]
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    return f"SELECT sequence, previous_mac, mac, {', '.join(columns)} FROM {table} ORDER BY sequence"  # noqa: S608


@contextmanager
def _rows(using: str, chunk_size: int) -> Iterator[Iterator[tuple]]:
    """Every event row in sequence order, streamed (a server-side cursor on PostgreSQL), details as JSON text."""
    connection = connections[using]
    sql = _select_sql(connection)
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            # Django's own connection: its jsonb loader hands back text, which we parse once.
            with connection.connection.cursor(name="audit_chain_check") as cursor:
                cursor.itersize = chunk_size
                cursor.execute(sql)
                yield iter(cursor)
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                yield (row for rows in iter(lambda: cursor.fetchmany(chunk_size), []) for row in rows)


def chain_check(*, using: str = DEFAULT_DB_ALIAS, chunk_size: int = CHUNK_SIZE) -> ChainReport:
    """Recompute every MAC in sequence order and name the first event that is edited, missing, forged or moved."""
    if not triggers.present(using=using):
        return ChainReport(0, None, "the append-only triggers are missing")
    key, body, mac, loads = chain.hmac_key(), chain.body, chain.mac, json.loads
    details_at = len(chain.BODY_FIELDS) - 2  # index of details within the body values
    expected, previous = 1, GENESIS_MAC
    with _rows(using, chunk_size) as rows:
        for row in rows:
            sequence = row[0]
            if sequence != expected:
                return ChainReport(expected - 1, expected, f"event {expected} is missing or out of place")
            if row[1] != previous:
                return ChainReport(expected - 1, sequence, "the link to the previous event is broken")
            values = list(row[3:])
            text = values[details_at]
            values[details_at] = {} if text == "{}" else loads(text) if isinstance(text, str) else text
            if not hmac.compare_digest(mac(key, sequence, previous, body(values)), row[2]):
                return ChainReport(expected - 1, sequence, "the event's MAC does not match its content")
            previous = row[2]
            expected += 1
    return _check_head(using, expected - 1, previous, expected - 1)
