"""Concurrent writers on PostgreSQL, in real transactions: no lost event, no fork, no false alarm from the check."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from audit import chain, tasks, verification
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
                audit.record(actor=actor, action=audit.AuditAction.REFERRAL_DRAFT_SAVED, details={"fields_changed": i})
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


def _record_on_another_connection(actor) -> None:
    """One event written and committed by another thread, hence another connection, while we wait."""
    run_concurrently(
        lambda number: audit.record(
            actor=actor, action=audit.AuditAction.REFERRAL_ASSIGNED, details={"assignee_id": 1}
        ),
        threads=1,
        timeout=30,
    )


@pytest.mark.postgresql
@pytest.mark.parametrize("moment", ["between_head_and_events", "while_streaming"])
def test_a_write_committed_during_the_check_is_not_a_break(transactional_db, triage_officer, monkeypatch, moment):
    """The head and the events come from one snapshot: an event committed meanwhile is not seen at all."""
    for _ in range(5):
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_DRAFT_SAVED, details={"fields_changed": 1})
    written = []

    def write_once() -> None:
        if not written:
            _record_on_another_connection(triage_officer)
            written.append(moment)

    # Hooks only to pick the moment: the check itself runs unchanged.
    real_select_sql, real_mac = verification._select_sql, chain.mac

    def select_sql_after_a_write(conn):
        write_once()
        return real_select_sql(conn)

    def mac_after_a_write(key, sequence, previous, body):
        if sequence == 3:
            write_once()
        return real_mac(key, sequence, previous, body)

    if moment == "between_head_and_events":
        monkeypatch.setattr(verification, "_select_sql", select_sql_after_a_write)
    else:
        monkeypatch.setattr(chain, "mac", mac_after_a_write)
    report = chain_check(chunk_size=2)
    monkeypatch.undo()
    assert written == [moment]
    assert ChainHead.objects.get().sequence == 6
    assert (report.intact, report.verified, report.problem) == (True, 5, "")
    assert chain_check().verified == 6


CHECKS = 6
WRITES_EACH = 40


@pytest.mark.postgresql
def test_the_nightly_check_raises_no_false_alarm_under_concurrent_writers(transactional_db, triage_officer, auditor):
    """Two writers append while the nightly check runs again and again: every check passes, nobody is e-mailed."""
    for _ in range(20):
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_DRAFT_SAVED, details={"fields_changed": 1})

    def work(number: int) -> list[bool]:
        if number == 0:
            return [tasks.audit_chain_verify()["intact"] for _ in range(CHECKS)]
        for i in range(WRITES_EACH):
            audit.record(
                actor=triage_officer, action=audit.AuditAction.REFERRAL_DRAFT_SAVED, details={"fields_changed": i}
            )
        return []

    results = run_concurrently(work, threads=3, timeout=120)
    assert [r for r in results if r] == [[True] * CHECKS]
    assert len(mail.outbox) == CHECKS
    assert not [m.subject for m in mail.outbox if "failed" in m.subject]
    assert chain_check().verified == 20 + 2 * WRITES_EACH + CHECKS
