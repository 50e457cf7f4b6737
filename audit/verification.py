"""Checking the whole chain: every event's MAC, its link to the one before, the head, and the signed checkpoints."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from audit import chain, triggers
from audit.checkpoints import Checkpoint, CheckpointError, checkpoints_load
from audit.models import GENESIS_MAC, HEAD_ID, AuditEvent, ChainHead

CHUNK_SIZE = 10_000


@dataclass(frozen=True)
class ChainReport:
    """The outcome of one check; first_bad_sequence is None when the chain is intact."""

    verified: int
    first_bad_sequence: int | None = None
    problem: str = ""
    checkpoints: int = 0

    @property
    def intact(self) -> bool:
        return self.first_bad_sequence is None and not self.problem


@contextmanager
def snapshot(using: str) -> Iterator[BaseDatabaseWrapper]:
    """One consistent view of the audit tables for the whole block, whatever commits meanwhile.

    On PostgreSQL a REPEATABLE READ, READ ONLY transaction: every statement in it sees the database
    as of its first query, so a writer moving the head mid-check is invisible instead of a false
    break. On SQLite one read transaction is already a snapshot. Inside a caller's transaction the
    isolation is the caller's (it cannot be changed after the first query).
    """
    connection = connections[using]
    owns_transaction = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if owns_transaction and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield connection


def head_get(using: str) -> tuple[int, str] | None:
    """The chain head's (sequence, mac), or None when its row is missing."""
    return ChainHead.objects.using(using).filter(pk=HEAD_ID).values_list("sequence", "mac").first()


def _check_head(head: tuple[int, str] | None, last_sequence: int, last_mac: str, verified: int) -> ChainReport:
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
def _rows(connection: BaseDatabaseWrapper, chunk_size: int) -> Iterator[Iterator[tuple]]:
    """Every event row in sequence order, streamed (a server-side cursor on PostgreSQL), details as JSON text.

    Call inside snapshot(): the cursor belongs to its transaction.
    """
    sql = _select_sql(connection)
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


def _walk(rows: Iterator[tuple], anchors: list[Checkpoint]) -> tuple[int, str, int | None, str]:
    """Recompute the MACs in order: (last good sequence, its MAC, first bad sequence or None, the problem)."""
    key, body, mac, loads = chain.hmac_key(), chain.body, chain.mac, json.loads
    details_at = len(chain.BODY_FIELDS) - 2  # index of details within the body values
    pending = iter(anchors)
    anchor = next(pending, None)
    anchor_at = anchor.sequence if anchor else 0
    expected, previous = 1, GENESIS_MAC
    for row in rows:
        sequence = row[0]
        if sequence != expected:
            return expected - 1, previous, expected, f"event {expected} is missing or out of place"
        if row[1] != previous:
            return expected - 1, previous, sequence, "the link to the previous event is broken"
        values = list(row[3:])
        text = values[details_at]
        values[details_at] = {} if text == "{}" else loads(text) if isinstance(text, str) else text
        if not hmac.compare_digest(mac(key, sequence, previous, body(values)), row[2]):
            return expected - 1, previous, sequence, "the event's MAC does not match its content"
        if sequence == anchor_at:
            if not hmac.compare_digest(anchor.mac, row[2]):
                problem = f"the chain differs from checkpoint {anchor.file_name}: it has been rewritten up to here"
                return expected - 1, previous, sequence, problem
            anchor = next(pending, None)
            anchor_at = anchor.sequence if anchor else 0
        previous = row[2]
        expected += 1
    return expected - 1, previous, None, ""


def _check_anchors_reached(last_sequence: int, anchors: list[Checkpoint]) -> ChainReport | None:
    beyond = [anchor for anchor in anchors if anchor.sequence > last_sequence]
    if not beyond:
        return None
    anchor = beyond[-1]
    problem = (
        f"the chain ends at sequence {last_sequence} but checkpoint {anchor.file_name} "
        f"anchors sequence {anchor.sequence}: its last events were removed"
    )
    return ChainReport(last_sequence, last_sequence + 1, problem)


def chain_check(
    *, using: str = DEFAULT_DB_ALIAS, chunk_size: int = CHUNK_SIZE, checkpoint_dir: Path | None = None
) -> ChainReport:
    """Recompute every MAC in sequence order and name the first event that is edited, missing, forged or moved.

    Also fails on a trigger that is missing, disabled or altered, and on a checkpoint in
    `checkpoint_dir` (default AUDIT_CHECKPOINT_DIR) that is badly signed, beyond the chain's end,
    or whose MAC differs from the chain's at its sequence.
    """
    try:
        anchors = checkpoints_load(Path(checkpoint_dir or settings.AUDIT_CHECKPOINT_DIR))
    except CheckpointError as error:
        return ChainReport(0, None, str(error).rstrip("."))
    trigger_problems = triggers.problems(using=using)
    if trigger_problems:
        return ChainReport(0, None, "; ".join(trigger_problems))
    with snapshot(using) as connection:
        head = head_get(using)
        with _rows(connection, chunk_size) as rows:
            last_sequence, last_mac, first_bad, problem = _walk(rows, anchors)
    if first_bad is not None:
        return ChainReport(last_sequence, first_bad, problem, len(anchors))
    report = _check_head(head, last_sequence, last_mac, last_sequence)
    if report.intact:
        report = _check_anchors_reached(last_sequence, anchors) or report
    return ChainReport(report.verified, report.first_bad_sequence, report.problem, len(anchors))
