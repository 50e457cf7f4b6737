"""The database itself refuses to change audit rows; transactional tests still flush past it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from audit import services as audit
from audit import triggers
from audit.models import AuditEvent, ChainHead
from audit.verification import chain_check
from tests.audit_testing import create_triggers

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
    assert triggers.problems() == []


# Transactional tests commit for real and flush every table afterwards: the conftest wrapper
# drops the triggers around that flush and recreates them and the chain head. Two tests in a
# row prove the second one starts from a fresh, protected, valid chain.
@pytest.mark.parametrize("run", [1, 2])
def test_transactional_tests_record_and_flush(transactional_db, triage_officer, run):
    assert AuditEvent.objects.count() == 0
    assert ChainHead.objects.get().sequence == 0
    assert triggers.problems() == []
    for _ in range(3):
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED, case_reference=REFERENCE)
    report = chain_check()
    assert (report.intact, report.verified) == (True, 3)
    _refused("DELETE FROM audit_auditevent")


# verify_audit checks that each trigger is still enabled and still runs the function body written in
# audit/triggers.py: a disabled trigger or a replaced function protects nothing, yet still "exists".
def _trigger_problems_after(statements: list[str]) -> str:
    try:
        triggers.execute(statements)
        report = chain_check()
    finally:
        create_triggers()  # drops and recreates the triggers and their functions as written
    assert triggers.problems() == []
    assert not report.intact
    return report.problem


@pytest.mark.django_db
def test_intact_triggers_show_no_problem():
    assert triggers.problems() == []


@pytest.mark.postgresql
@pytest.mark.django_db
@pytest.mark.parametrize(("name", "table"), sorted(triggers._PG_NAMES.items()))
def test_a_disabled_trigger_fails_verification_on_postgresql(name, table):
    problem = _trigger_problems_after([f"ALTER TABLE {table} DISABLE TRIGGER {name}"])
    assert problem == f"the append-only trigger {name} is disabled"


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_trigger_enabled_for_replicas_only_fails_verification_on_postgresql():
    problem = _trigger_problems_after(["ALTER TABLE audit_auditevent ENABLE REPLICA TRIGGER audit_event_no_truncate"])
    assert problem == "the append-only trigger audit_event_no_truncate is disabled"


_PERMISSIVE = """
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$
"""


@pytest.mark.postgresql
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("function", "trigger"),
    [("audit_refuse_change", "audit_event_no_update_delete"), ("audit_head_forward_only", "audit_head_forward_only")],
)
def test_a_replaced_trigger_function_fails_verification_on_postgresql(function, trigger):
    problem = _trigger_problems_after([_PERMISSIVE.format(name=function)])
    assert f"the function {function} behind trigger {trigger} has been replaced" in problem


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_trigger_pointed_at_another_function_fails_verification_on_postgresql():
    problem = _trigger_problems_after(
        [
            _PERMISSIVE.format(name="audit_allow_all"),
            "DROP TRIGGER audit_event_no_update_delete ON audit_auditevent",
            "CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_auditevent "
            "FOR EACH ROW EXECUTE FUNCTION audit_allow_all()",
        ]
    )
    assert problem == "the append-only trigger audit_event_no_update_delete has been altered"


_ALTERED = {
    # A WHEN clause that never holds: the trigger exists but refuses nothing.
    "sqlite": (
        "audit_event_no_delete",
        [
            "DROP TRIGGER audit_event_no_delete",
            "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent WHEN 0 "
            "BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END",
        ],
    ),
    # Once per statement instead of once per row: the same function, different firing.
    "postgresql": (
        "audit_event_no_update_delete",
        [
            "DROP TRIGGER audit_event_no_update_delete ON audit_auditevent",
            "CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_auditevent "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()",
        ],
    ),
}


@pytest.mark.django_db
def test_an_altered_trigger_fails_verification():
    name, statements = _ALTERED[connection.vendor]
    problem = _trigger_problems_after(statements)
    assert problem == f"the append-only trigger {name} has been altered"
