"""Appending to the chain: everything is prepared first, the head row is locked as the last step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F

from audit import chain
from audit.models import HEAD_ID, AuditEvent, ChainHead

# On PostgreSQL a side connection waits at most this long for the chain head, then fails loudly.
SIDE_LOCK_TIMEOUT = "10s"


class AuditUsageError(RuntimeError):
    """The audit API was called in a way that would lose or deadlock an event."""


def outer_atomic(connection: BaseDatabaseWrapper) -> object | None:
    """The outermost atomic block the application opened (pytest's per-test wrappers do not count)."""
    for block in connection.atomic_blocks:
        if not getattr(block, "_from_testcase", False):
            return block
    return None


def _holds_head(connection: BaseDatabaseWrapper) -> bool:
    blocks = connection.atomic_blocks
    return bool(blocks) and getattr(connection, "_audit_head_holder", None) is blocks[0]


def _lock_head(using: str) -> ChainHead:
    connection = connections[using]
    heads = ChainHead.objects.using(using)
    if connection.features.has_select_for_update:
        return heads.select_for_update().get(pk=HEAD_ID)
    # SQLite ignores FOR UPDATE: write to the head first so this transaction holds the write lock
    # before it reads, and a second writer waits rather than reading a head that is about to change.
    heads.filter(pk=HEAD_ID).update(sequence=F("sequence"))
    return heads.get(pk=HEAD_ID)


def append(event: AuditEvent, body: bytes, *, using: str) -> AuditEvent:
    """Chain and insert a prepared event in the current transaction (or its own), holding the head briefly.

    Everything that can be computed without the head is in `body` already; under the lock we only
    number the event, compute one HMAC, insert it and move the head.
    """
    key = chain.hmac_key()
    connection = connections[using]
    with transaction.atomic(using=using, savepoint=False):
        head = _lock_head(using)
        connection._audit_head_holder = connection.atomic_blocks[0]  # noqa: SLF001 - our own marker
        event.sequence = head.sequence + 1
        event.previous_mac = head.mac
        event.mac = chain.mac(key, event.sequence, head.mac, body)
        event.save(force_insert=True, using=using)
        ChainHead.objects.using(using).filter(pk=HEAD_ID).update(sequence=event.sequence, mac=event.mac)
    return event


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
    connection = connections[using]
    if outer_atomic(connection) is None:
        # Not inside the application's transaction: our own durable transaction commits on exit.
        with transaction.atomic(using=using, durable=True):
            return append(event, body, using=using)
    if _holds_head(connection):
        # The side connection would wait for a lock this very transaction holds.
        raise AuditUsageError(
            "record_refusal() after record() in one transaction: record the refusal before the transaction opens."
        )
    with _side_connection(using) as alias, transaction.atomic(using=alias, durable=True):
        return append(event, body, using=alias)
