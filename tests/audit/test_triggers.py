"""The database itself refuses to change audit rows; transactional tests still flush past it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audit import services as audit
from audit import triggers
from audit.models import AuditEvent, ChainHead
from audit.verification import chain_check

REFERENCE = "PRV-2026-000321"


@pytest.fixture
def two_events(db, triage_officer):
    for _ in range(2):
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED, case_reference=REFERENCE)


def _refused(sql: str) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.usefixtures("two_events")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'USER_SIGNED_IN' WHERE sequence = 1",
        "UPDATE audit_auditevent SET mac = mac",
        "DELETE FROM audit_auditevent WHERE sequence = 2",
        "DELETE FROM audit_auditevent",
        "DELETE FROM audit_chainhead",
        "UPDATE audit_chainhead SET sequence = 0",
    ],
)
def test_raw_sql_changes_are_refused(sql):
    _refused(sql)
    assert AuditEvent.objects.count() == 2
    assert chain_check().intact


@pytest.mark.usefixtures("two_events")
def test_orm_update_delete_and_save_are_refused():
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(sequence=1).update(reason_code="EDITED")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    event = AuditEvent.objects.get(sequence=2)
    event.case_reference = "PRV-2026-000999"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    assert chain_check().intact


@pytest.mark.postgresql
@pytest.mark.usefixtures("two_events")
@pytest.mark.parametrize("table", ["audit_auditevent", "audit_chainhead"])
def test_truncate_is_refused_on_postgresql(table):
    _refused(f"TRUNCATE {table}")
    _refused(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db
def test_every_trigger_is_present_after_migrate():
    assert triggers.present()


# Transactional tests commit for real and flush every table afterwards: the conftest wrapper
# drops the triggers around that flush and recreates them and the chain head. Two tests in a
# row prove the second one starts from a fresh, protected, valid chain.
@pytest.mark.parametrize("run", [1, 2])
def test_transactional_tests_record_and_flush(transactional_db, triage_officer, run):
    assert AuditEvent.objects.count() == 0
    assert ChainHead.objects.get().sequence == 0
    assert triggers.present()
    for _ in range(3):
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED, case_reference=REFERENCE)
    report = chain_check()
    assert (report.intact, report.verified) == (True, 3)
    _refused("DELETE FROM audit_auditevent")
