"""Test support: transactional tests flush every table, which the append-only triggers refuse.

`flush_allowing_audit` wraps Django's TransactionTestCase teardown: drop the triggers, flush
(DELETE on SQLite, TRUNCATE on PostgreSQL), then recreate the triggers and the chain head,
so the next test starts from an empty, protected, valid chain. Never used outside tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from audit import triggers
from audit.models import GENESIS_MAC, HEAD_ID, ChainHead


def drop_triggers(*, using: str = DEFAULT_DB_ALIAS) -> None:
    triggers.execute(triggers.drop_sql(connections[using]), using=using)


def create_triggers(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recreate the triggers (dropping first, so calling it twice is harmless)."""
    connection = connections[using]
    triggers.execute(triggers.drop_sql(connection) + triggers.create_sql(connection), using=using)


def chain_head_ensure(*, using: str = DEFAULT_DB_ALIAS) -> None:
    ChainHead.objects.using(using).get_or_create(pk=HEAD_ID, defaults={"sequence": 0, "mac": GENESIS_MAC})


@contextmanager
def triggers_suspended(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Drop the triggers for the block (tamper tests, flushes), and always put them back."""
    drop_triggers(using=using)
    try:
        yield
    finally:
        create_triggers(using=using)


def flush_allowing_audit(original: Callable[[Any], None]) -> Callable[[Any], None]:
    """Wrap TransactionTestCase._fixture_teardown so its flush gets past the triggers."""

    def _fixture_teardown(test_case: Any) -> None:
        aliases = [alias for alias in test_case._databases_names(include_mirrors=False)]  # noqa: SLF001
        for alias in aliases:
            drop_triggers(using=alias)
        try:
            original(test_case)
        finally:
            for alias in aliases:
                create_triggers(using=alias)
                chain_head_ensure(using=alias)

    _fixture_teardown.audit_wrapped = True
    return _fixture_teardown
