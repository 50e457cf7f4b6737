"""Eight concurrent writers on PostgreSQL, in real transactions: no lost event, no fork, the chain verifies."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from audit import services as audit
from audit.models import AuditEvent, ChainHead
from audit.verification import chain_check

WRITERS = 8
EVENTS_EACH = 30


def _writer(number: int, actor, barrier: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        barrier.wait(timeout=30)
        for i in range(EVENTS_EACH):
            if i % 3 == 0:
                # Inside an application transaction: record joins it and commits with it.
                with transaction.atomic():
                    audit.record(actor=actor, action=audit.AuditAction.REFERRAL_UPDATED, details={"fields_changed": i})
            elif i % 3 == 1:
                audit.record(actor=actor, action=audit.AuditAction.REFERRAL_ASSIGNED, details={"assignee_id": number})
            else:
                # A refusal inside a transaction goes through its own connection and commits at once.
                with transaction.atomic():
                    audit.record_refusal(actor=actor, details={"status": 403})
    except BaseException as error:  # noqa: BLE001 - reported to the test thread
        errors.append(error)
    finally:
        connection.close()


@pytest.mark.postgresql
def test_eight_concurrent_writers_never_lose_or_fork(transactional_db, triage_officer):
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_writer, args=(n, triage_officer, barrier, errors), daemon=True) for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)

    total = WRITERS * EVENTS_EACH
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert AuditEvent.objects.values("previous_mac").distinct().count() == total
    assert ChainHead.objects.get().sequence == total
    report = chain_check()
    assert (report.intact, report.verified) == (True, total)
    call_command("verify_audit")
