"""Eight concurrent writers on PostgreSQL, in real transactions: no lost event, no fork, the chain verifies."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from audit import services as audit
from audit.models import AuditEvent, ChainHead
from audit.verification import chain_check
from tests.concurrency import run_concurrently

WRITERS = 8
EVENTS_EACH = 30


def _writer(number: int, actor) -> None:
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


@pytest.mark.postgresql
def test_eight_concurrent_writers_never_lose_or_fork(transactional_db, triage_officer):
    run_concurrently(lambda number: _writer(number, triage_officer), threads=WRITERS, timeout=60)

    total = WRITERS * EVENTS_EACH
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert AuditEvent.objects.values("previous_mac").distinct().count() == total
    assert ChainHead.objects.get().sequence == total
    report = chain_check()
    assert (report.intact, report.verified) == (True, total)
    call_command("verify_audit")
