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
