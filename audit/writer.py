"""Appending to the chain: everything is prepared first, the head row is locked as the last step."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import lru_cache

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from audit import chain
from audit.models import HEAD_ID, AuditEvent, ChainHead

# On PostgreSQL a side connection waits at most this long for the chain head, then fails loudly.
SIDE_LOCK_TIMEOUT = "10s"
INSERT_FIELDS = ("sequence", "previous_mac", "mac", *chain.BODY_FIELDS)
_DETAILS = chain.BODY_FIELDS.index("details")
_DETAILS_FIELD = AuditEvent._meta.get_field("details")
_ATTNAMES = [field.attname for field in AuditEvent._meta.concrete_fields]


class AuditUsageError(RuntimeError):
    """The audit API was called in a way that would lose or deadlock an event."""


def _own_transaction(using: str) -> ExitStack | None:
    """A durable transaction of our own, already open; None inside a transaction the application opened.

    Public behaviour only: `atomic(durable=True)` raises RuntimeError when nested in another atomic
    block, except in the transaction Django's TestCase (and so pytest-django's `db`) wraps each test
    in, which counts as no transaction, exactly as it must here.
    """
    stack = ExitStack()
    try:
        stack.enter_context(transaction.atomic(using=using, durable=True))
    except RuntimeError:
        return None
    return stack


class _HeadHeld:
    """An on-commit hook that does nothing: Django drops it at commit and at rollback (also of a
    savepoint), exactly when the database releases the head lock, so its presence means "held"."""

    def __call__(self) -> None:
        return None


def _holds_head(connection: BaseDatabaseWrapper) -> bool:
    """Whether this transaction holds the chain head (a record() in it took the head).

    The one private Django name this writer reads: `connection.run_on_commit`, the pending on-commit
    hooks, since Django has no public way to ask whether a hook is pending. Without it, a
    record_refusal() after record() in one transaction would wait SIDE_LOCK_TIMEOUT for a lock its
    own caller holds, then fail, instead of naming the mistake at once. If Django renames or
    reshapes it, test_the_writer_still_finds_its_pending_hook (tests/audit/test_services.py) fails.
    """
    return any(hook[1].__class__ is _HeadHeld for hook in connection.run_on_commit)


@lru_cache(maxsize=8)
def _statements(vendor: str, quote: Callable[[str], str], has_for_update: bool) -> tuple[str, str, str | None]:
    """(take the head, insert an event, move the head) in this database's SQL; built once per database.

    On PostgreSQL the insert also moves the head (a data-modifying WITH: one statement, not two),
    so the third is None; its parameters are then the head's new (sequence, mac), then the event's.
    """
    event_table, head_table = quote(AuditEvent._meta.db_table), quote(ChainHead._meta.db_table)
    columns = ", ".join(quote(AuditEvent._meta.get_field(name).column) for name in INSERT_FIELDS)
    placeholders = ", ".join(["%s"] * len(INSERT_FIELDS))
    if has_for_update:
        take = f"SELECT sequence, mac FROM {head_table} WHERE id = {HEAD_ID} FOR UPDATE"  # noqa: S608
    else:
        # SQLite has no FOR UPDATE: writing to the head first takes the database's write lock before
        # the read, so a second writer waits instead of reading a head that is about to move.
        take = f"UPDATE {head_table} SET sequence = sequence WHERE id = {HEAD_ID} RETURNING sequence, mac"  # noqa: S608
    insert = f"INSERT INTO {event_table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    move = f"UPDATE {head_table} SET sequence = %s, mac = %s WHERE id = {HEAD_ID}"  # noqa: S608
    if vendor == "postgresql":
        return take, f"WITH moved AS ({move}) {insert}", None
    return take, insert, move


def _db_values(event: AuditEvent, connection: BaseDatabaseWrapper) -> list[object]:
    """The body fields converted for this database, before the lock.

    Only the time and the JSON need converting; every other field is already a str, an int or None.
    """
    values = [getattr(event, name) for name in chain.BODY_FIELDS]
    values[0] = connection.ops.adapt_datetimefield_value(values[0])
    values[_DETAILS] = _DETAILS_FIELD.get_db_prep_save(values[_DETAILS], connection)
    return values


def append(event: AuditEvent, body: bytes, *, using: str) -> AuditEvent:
    """Chain and insert a prepared event in the current transaction (or its own), holding the head briefly.

    Everything that does not depend on the head is ready before the lock: the canonical body and
    the converted column values. Under the lock: read the head, one HMAC, insert, move the head.
    Hand-written SQL rather than the ORM, so no query is compiled while other writers wait.
    Returns the stored event, as a query would load it.
    """
    key = chain.hmac_key()
    connection = connections[using]
    take, insert, move = _statements(
        connection.vendor, connection.ops.quote_name, connection.features.has_select_for_update
    )
    values = _db_values(event, connection)
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        cursor.execute(take)
        sequence, previous = cursor.fetchone()
        if not _holds_head(connection):
            transaction.on_commit(_HeadHeld(), using=using)
        sequence += 1
        mac = chain.mac(key, sequence, previous, body)
        if move is None:
            cursor.execute(insert, [sequence, mac, sequence, previous, mac, *values])
        else:
            cursor.execute(insert, [sequence, previous, mac, *values])
            cursor.execute(move, [sequence, mac])
    event.sequence, event.previous_mac, event.mac = sequence, previous, mac
    return AuditEvent.from_db(using, _ATTNAMES, [getattr(event, name) for name in _ATTNAMES])


@contextmanager
def _side_connection(using: str) -> Iterator[str]:
    """A fresh connection to the same database, so its commit is independent of the caller's transaction."""
    alias = f"{using}__audit_side"
    wrapper = connections.create_connection(using)
    connections[alias] = wrapper
    try:
        if wrapper.vendor == "postgresql":
            with wrapper.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{SIDE_LOCK_TIMEOUT}'")
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


def append_committed(event: AuditEvent, body: bytes, *, using: str) -> AuditEvent:
    """Append the event and commit it now, whatever transaction the caller is in."""
    own = _own_transaction(using)
    if own is not None:
        # Not inside the application's transaction: our own durable transaction commits on exit.
        with own:
            return append(event, body, using=using)
    if _holds_head(connections[using]):
        # The side connection would wait for a lock this very transaction holds.
        raise AuditUsageError(
            "record_refusal() after record() in one transaction: record the refusal before the transaction opens."
        )
    with _side_connection(using) as alias, transaction.atomic(using=alias, durable=True):
        return append(event, body, using=alias)
