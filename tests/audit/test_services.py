"""audit.record / record_refusal / record_read: what is stored, what is refused, which transaction it joins."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from audit import services as audit
from audit.details import AuditDetailsError
from audit.models import AuditEvent
from audit.verification import chain_check
from audit.writer import AuditUsageError
from core.middleware import request_id_var

pytestmark = pytest.mark.django_db

REFERENCE = "PRV-2026-000123"


def test_record_stores_actor_role_and_authority_at_the_time(triage_officer, local_authority, events):
    token = request_id_var.set("req-12345678")
    try:
        event = audit.record(
            actor=triage_officer,
            action=audit.AuditAction.REFERRAL_STATUS_CHANGED,
            case_reference=REFERENCE,
            reason_code="NFA_SIGNPOSTED",
            details={"source": "screening", "target_status": "closed"},
        )
    finally:
        request_id_var.reset(token)
    stored = events()[0]
    assert stored.sequence == event.sequence == 1
    assert (stored.actor_id, stored.actor_role, stored.local_authority_id) == (
        triage_officer.pk,
        "triage_officer",
        local_authority.pk,
    )
    assert stored.outcome == "done"
    assert stored.request_id == "req-12345678"
    assert stored.details == {"source": "screening", "target_status": "closed"}
    assert stored.previous_mac == "0" * 64
    assert len(stored.mac) == 64


def test_record_takes_target_type_id_and_reference_from_a_model(triage_officer, local_authority, events):
    local_authority.reference = REFERENCE  # duck-typed: any model with a `reference` names its case
    audit.record_read(actor=triage_officer, target=local_authority, details={"section": "narrative"})
    stored = events()[0]
    assert (stored.target_type, stored.target_id, stored.case_reference) == (
        "accounts.localauthority",
        str(local_authority.pk),
        REFERENCE,
    )
    assert stored.action == "CASE_CONTENT_READ"


def test_sequences_follow_the_chain_head_and_link_macs(triage_officer, events):
    for _ in range(5):
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED, case_reference=REFERENCE)
    stored = events()
    assert [event.sequence for event in stored] == [1, 2, 3, 4, 5]
    assert all(later.previous_mac == earlier.mac for earlier, later in zip(stored, stored[1:], strict=False))
    assert chain_check().intact


def test_an_action_outside_the_list_raises(triage_officer):
    with pytest.raises(AuditDetailsError):
        audit.record(actor=triage_officer, action="REFERRAL_TELEPORTED")
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "details",
    [
        {"note": "anything"},  # key outside the allow-list
        {"source": "Met the young person at school"},  # free text where a code belongs
        {"source": 3.5},
        {"transition": None},
    ],
)
def test_details_outside_the_allow_list_raise(triage_officer, details):
    with pytest.raises(AuditDetailsError) as raised:
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_STATUS_CHANGED, details=details)
    assert "school" not in str(raised.value)  # the message names the key, never the value


@pytest.mark.parametrize(
    ("field", "value"),
    [("reason_code", "because they said so"), ("case_reference", "Jane Smith"), ("target_id", "a b")],
)
def test_free_text_in_event_fields_is_rejected(triage_officer, field, value):
    with pytest.raises(AuditDetailsError):
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED, **{field: value})


def test_typed_values_pass_the_allow_list(triage_officer, events):
    attachment = uuid.uuid4()
    Action = audit.AuditAction
    audit.record(actor=triage_officer, action=Action.ATTACHMENT_DOWNLOADED, details={"attachment_id": attachment})
    audit.record(actor=triage_officer, action=Action.CASE_ACCESS_GRANTED, details={"grantee_id": 7, "hours": 4})
    assert events()[0].details == {"attachment_id": str(attachment)}
    with pytest.raises(AuditDetailsError):
        audit.record(actor=triage_officer, action=audit.AuditAction.CASE_ACCESS_GRANTED, details={"hours": True})


def test_record_joins_the_callers_transaction(triage_officer):
    def failing_service() -> None:
        with transaction.atomic():
            audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED)
            raise RuntimeError("the service failed")

    with pytest.raises(RuntimeError):
        failing_service()
    assert AuditEvent.objects.count() == 0
    audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED)
    assert AuditEvent.objects.get().sequence == 1  # the rolled-back head did not move
    assert chain_check().intact


def test_record_refusal_outside_a_transaction_commits_with_outcome_refused(triage_officer, events):
    audit.record_refusal(actor=triage_officer, case_reference=REFERENCE, details={"status": 403})
    stored = events()[0]
    assert (stored.action, stored.outcome) == ("ACCESS_REFUSED", "refused")


def test_record_refusal_after_record_in_one_transaction_raises_rather_than_deadlock(triage_officer):
    with transaction.atomic():
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED)
        with pytest.raises(AuditUsageError):
            audit.record_refusal(actor=triage_officer)


def test_anonymous_and_system_actors_are_recorded_without_an_id(events, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    audit.record_refusal(actor=AnonymousUser(), details={"status": 403})
    audit.record(actor=None, action=audit.AuditAction.AUDIT_CHAIN_VERIFIED, details={"count": 1})
    assert [(e.actor_id, e.actor_role, e.local_authority_id) for e in events()] == [(None, "", None)] * 2


def test_superuser_is_recorded_as_superuser(superuser, events):
    audit.record(actor=superuser, action=audit.AuditAction.USER_SIGNED_IN)
    assert events()[0].actor_role == "superuser"


def test_a_deleted_user_leaves_their_events_and_the_chain_intact(triage_officer, events):
    audit.record(actor=triage_officer, action=audit.AuditAction.USER_SIGNED_IN)
    user_id = triage_officer.pk
    triage_officer.delete()
    assert events()[0].actor_id == user_id
    assert chain_check().intact


@transaction.atomic
def _decorated_service(actor, *, refuse: bool) -> None:
    if refuse:
        audit.record_refusal(actor=actor, details={"status": 403})
    else:
        audit.record(actor=actor, action=audit.AuditAction.REFERRAL_SUBMITTED)


def test_the_head_marker_ends_with_the_transaction(transactional_db, triage_officer, events):
    """A decorated service reuses one Atomic object: an earlier call's record() must not block a later refusal."""
    _decorated_service(triage_officer, refuse=False)
    _decorated_service(triage_officer, refuse=True)
    assert [event.outcome for event in events()] == ["done", "refused"]
    assert chain_check().intact


def test_the_head_marker_ends_with_a_rolled_back_savepoint(triage_officer):
    with transaction.atomic():
        try:
            with transaction.atomic():
                audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED)
                raise RuntimeError("inner step failed")
        except RuntimeError:
            pass
        from django.db import connection

        from audit.writer import _holds_head

        assert not _holds_head(connection)


def test_audit_statements_are_visible_to_query_counting(triage_officer, django_assert_num_queries):
    from django.db import connection

    audit.record(actor=triage_officer, action=audit.AuditAction.USER_SIGNED_IN)  # warm caches
    # Take the head, then insert and move the head: one statement on PostgreSQL, two elsewhere.
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 3) as captured:
        audit.record(actor=triage_officer, action=audit.AuditAction.USER_SIGNED_IN)
    take = "SELECT sequence, mac" if connection.features.has_select_for_update else "UPDATE"
    assert captured.captured_queries[0]["sql"].startswith(take)


def test_the_writer_still_finds_its_pending_hook(triage_officer):
    """audit.writer._holds_head reads Django's pending on-commit hooks (`connection.run_on_commit`), the one
    private Django name the project keeps: this fails if a Django upgrade renames or reshapes it."""
    from django.db import connection

    from audit.writer import _holds_head

    with transaction.atomic():
        assert not _holds_head(connection)
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED)
        assert _holds_head(connection)
        hook = connection.run_on_commit[-1]
        assert callable(hook[1])  # Django's (savepoint ids, function, robust) entries
        with transaction.atomic():
            assert _holds_head(connection)  # a savepoint opened later does not hide it


def test_a_refusal_commits_on_its_own_only_outside_an_application_transaction(db):
    """Public behaviour the writer relies on: a durable block is refused inside an application's
    transaction but not inside the one pytest-django wraps each test in."""
    from audit.writer import _own_transaction

    own = _own_transaction("default")
    assert own is not None
    with own:
        assert transaction.get_connection().in_atomic_block
    with transaction.atomic():
        assert _own_transaction("default") is None
