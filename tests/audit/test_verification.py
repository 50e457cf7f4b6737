"""verify_audit finds every kind of tampering done behind the triggers' back, naming the first bad event."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit import services as audit
from audit import tasks
from audit.chain import event_body, mac
from audit.models import AuditEvent
from audit.verification import chain_check
from tests.audit_testing import triggers_suspended

pytestmark = pytest.mark.django_db

REFERENCE = "PRV-2026-000777"


@pytest.fixture
def five_events(triage_officer):
    for number in range(5):
        audit.record(
            actor=triage_officer,
            action=audit.AuditAction.REFERRAL_DRAFT_SAVED,
            case_reference=REFERENCE,
            details={"fields_changed": number},
        )


def _verify() -> tuple[int, str]:
    try:
        out = _Out()
        call_command("verify_audit", stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.text


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


@pytest.mark.usefixtures("five_events")
def test_an_intact_chain_verifies_with_exit_0():
    code, text = _verify()
    assert code == 0
    assert "5 events verified, chain intact" in text


def test_an_empty_chain_verifies():
    assert _verify()[0] == 0


@pytest.mark.usefixtures("five_events")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason_code = 'EDITED' WHERE sequence = 3",
        "UPDATE audit_auditevent SET occurred_at = occurred_at WHERE sequence = 3 AND 1 = 0",
        "UPDATE audit_auditevent SET actor_id = actor_id + 1 WHERE sequence = 3",
        "UPDATE audit_auditevent SET mac = previous_mac WHERE sequence = 3",
    ],
    ids=["reason_code", "noop_control", "actor", "mac"],
)
def test_an_edited_field_is_found(tamper, sql):
    tamper(sql)
    code, text = _verify()
    if "1 = 0" in sql:  # control: a statement that changes nothing leaves the chain intact
        assert code == 0
        return
    assert code == 1
    assert "sequence 3" in text


@pytest.mark.usefixtures("five_events")
def test_edited_details_are_found(tamper):
    tamper("UPDATE audit_auditevent SET details = %s WHERE sequence = 2", ['{"fields_changed": 9}'])
    assert chain_check().first_bad_sequence == 2


@pytest.mark.usefixtures("five_events")
def test_a_deleted_row_is_found(tamper):
    tamper("DELETE FROM audit_auditevent WHERE sequence = 2")
    code, text = _verify()
    assert code == 1
    assert "sequence 2" in text


@pytest.mark.usefixtures("five_events")
def test_a_deleted_last_row_is_found_from_the_head(tamper):
    tamper("DELETE FROM audit_auditevent WHERE sequence = 5")
    assert chain_check().first_bad_sequence == 5


@pytest.mark.usefixtures("five_events")
def test_a_forged_row_is_found(tamper):
    last = AuditEvent.objects.get(sequence=5)
    tamper(
        "INSERT INTO audit_auditevent (sequence, occurred_at, actor_role, action, outcome, target_type, target_id, "
        "case_reference, reason_code, details, request_id, previous_mac, mac) "
        "VALUES (6, %s, '', 'USER_SIGNED_IN', 'done', '', '', '', '', '{}', '', %s, %s)",
        [last.occurred_at, last.mac, "f" * 64],
    )
    tamper("UPDATE audit_chainhead SET sequence = 6, mac = %s", ["f" * 64])
    assert chain_check().first_bad_sequence == 6


@pytest.mark.usefixtures("five_events")
def test_a_row_forged_with_the_wrong_key_is_found(tamper):
    last = AuditEvent.objects.get(sequence=5)
    forged = AuditEvent(
        sequence=6,
        occurred_at=last.occurred_at,
        action="USER_SIGNED_IN",
        outcome="done",
        details={},
        previous_mac=last.mac,
    )
    forged.mac = mac(b"x" * 32, 6, last.mac, event_body(forged))
    with triggers_suspended():
        forged.save(force_insert=True)
        connection.cursor().execute("UPDATE audit_chainhead SET sequence = 6, mac = %s", [forged.mac])
    assert chain_check().first_bad_sequence == 6


@pytest.mark.usefixtures("five_events")
def test_two_swapped_rows_are_found(tamper):
    tamper("UPDATE audit_auditevent SET sequence = -2 WHERE sequence = 2")
    tamper("UPDATE audit_auditevent SET sequence = 2 WHERE sequence = 4")
    tamper("UPDATE audit_auditevent SET sequence = 4 WHERE sequence = -2")
    code, text = _verify()
    assert code == 1
    assert "sequence 2" in text


@pytest.mark.usefixtures("five_events")
def test_missing_triggers_fail_the_check():
    from tests.audit_testing import drop_triggers

    drop_triggers()
    try:
        code, text = _verify()
    finally:
        from tests.audit_testing import create_triggers

        create_triggers()
    assert code == 1
    assert "triggers are missing" in text


@pytest.mark.usefixtures("five_events")
def test_the_nightly_task_records_success(events):
    result = tasks.audit_chain_verify()
    assert result == {"intact": True, "verified": 5, "first_bad_sequence": None}
    last = events()[-1]
    assert (last.action, last.details) == ("AUDIT_CHAIN_VERIFIED", {"count": 5})
    assert mail.outbox == []


@pytest.mark.usefixtures("five_events")
def test_the_nightly_task_records_a_break_and_emails_the_auditors(tamper, events, auditor, other_auditor, prevent_lead):
    tamper("UPDATE audit_auditevent SET reason_code = 'EDITED' WHERE sequence = 4")
    result = tasks.audit_chain_verify()
    assert result["first_bad_sequence"] == 4
    last = events()[-1]
    assert (last.action, last.outcome, last.details) == (
        "AUDIT_CHAIN_BROKEN",
        "refused",
        {"count": 3, "first_bad_sequence": 4},
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([auditor.email, other_auditor.email])
    assert "event 4" in message.body
    assert REFERENCE not in message.body + message.subject
    assert "@" not in message.body + message.subject


def test_events_at_a_whole_second_verify(monkeypatch, triage_officer):
    """SQLite stores a whole second without a fraction; the verifier's time arithmetic must agree."""
    import datetime as dt

    from audit import services

    monkeypatch.setattr(services.timezone, "now", lambda: dt.datetime(2026, 3, 27, 9, 30, 0, tzinfo=dt.UTC))
    audit.record(actor=triage_officer, action=audit.AuditAction.USER_SIGNED_IN)
    monkeypatch.setattr(services.timezone, "now", lambda: dt.datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=dt.UTC))
    audit.record(actor=triage_officer, action=audit.AuditAction.USER_SIGNED_OUT)
    assert chain_check().intact


@pytest.mark.parametrize("microsecond", [999_499, 999_500, 999_999, 500_000])
def test_events_late_in_a_second_verify(monkeypatch, triage_officer, microsecond):
    """SQLite rounds times to the millisecond: .9995 s and later must not count as the next second."""
    import datetime as dt

    from audit import services

    at = dt.datetime(2026, 3, 27, 9, 30, 59, microsecond, tzinfo=dt.UTC)
    monkeypatch.setattr(services.timezone, "now", lambda: at)
    audit.record(actor=triage_officer, action=audit.AuditAction.USER_SIGNED_IN)
    assert chain_check().intact
