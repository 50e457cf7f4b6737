"""Outbox handlers for tests: one that records its calls, one that always fails."""

from __future__ import annotations

import threading
import time
import uuid

CALLS: list[uuid.UUID] = []
_LOCK = threading.Lock()


def record_call(object_id: uuid.UUID) -> None:
    time.sleep(0.2)  # long enough for a second dispatcher to arrive while this one holds the row
    with _LOCK:
        CALLS.append(object_id)


def always_fail(object_id: uuid.UUID) -> None:
    # The text quotes a canary, as a mail server's refusal might quote an address: it must not be logged.
    raise ConnectionError(f"refused for Zephyrine-Canary about {object_id}")


IN_TRANSACTION: list[bool] = []
ROW_LOCKED: list[bool] = []


def record_transaction_state(object_id: uuid.UUID) -> None:
    """Note whether the relay left a transaction open around the handler (it must not: a send can be slow)."""
    from django.db import transaction

    IN_TRANSACTION.append(transaction.get_connection().in_atomic_block)


def probe_row_lock(object_id: uuid.UUID) -> None:
    """From another connection, try to lock this message's row without waiting: it must be free while sending."""
    from django.db import DatabaseError, connection, transaction

    from core.models import OutboxMessage

    def probe() -> None:
        try:
            with transaction.atomic():
                OutboxMessage.objects.select_for_update(nowait=True).get(object_id=str(object_id))
            ROW_LOCKED.append(False)
        except DatabaseError:
            ROW_LOCKED.append(True)
        finally:
            connection.close()

    other = threading.Thread(target=probe)
    other.start()
    other.join(timeout=30)
