"""/healthz reports what an operator must act on: outbox messages that used every attempt, and audit events
that no signed checkpoint anchors; 503 beyond HEALTHZ_MAX_DEAD_OUTBOX_MESSAGES / HEALTHZ_MAX_CHECKPOINT_AGE_HOURS."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from core.models import OutboxMessage
from core.services import outbox_dispatch, outbox_enqueue

pytestmark = pytest.mark.django_db

REFERENCE = "PRV-2026-000901"


@pytest.fixture(autouse=True)
def _no_redis(settings):
    settings.REDIS_URL = ""


def _health(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, json.loads(response.content)


def _record(actor, count: int = 1) -> None:
    for number in range(count):
        audit.record(
            actor=actor,
            action=audit.AuditAction.REFERRAL_DRAFT_SAVED,
            case_reference=REFERENCE,
            details={"fields_changed": number},
        )


def _failing_message(settings, attempts: int) -> OutboxMessage:
    """A message whose handler always fails (as a refusing mail server does), tried `attempts` times by the relay."""
    settings.OUTBOX_HANDLERS = {"test.fail": "tests.testapp.outbox_handlers.always_fail"}
    with transaction.atomic():
        message = outbox_enqueue(topic="test.fail", object_id=987654)
    for _ in range(attempts):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        outbox_dispatch(message_id=message.pk)
    return OutboxMessage.objects.get(pk=message.pk)


def test_an_outbox_message_that_used_every_attempt_makes_healthz_503(client, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = _failing_message(settings, attempts=1)
    assert message.dispatched_at is None
    assert message.attempts == 1
    status, body = _health(client)
    assert status == 200
    assert (body["checks"]["outbox"], body["outbox_dead_messages"]) == ("ok", 0)

    _failing_message(settings, attempts=0)  # a second message, still with attempts left
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    outbox_dispatch(message_id=message.pk)  # the last attempt fails too
    status, body = _health(client)
    assert status == 503
    assert body["status"] == "down"
    assert (body["checks"]["outbox"], body["outbox_dead_messages"]) == ("stuck", 1)
    # Nothing about the message itself: no topic, object id or error.
    text = json.dumps(body)
    for private in ("987654", "test.fail", message.last_error):
        assert private not in text


def test_dead_outbox_messages_up_to_the_setting_are_tolerated(client, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    settings.HEALTHZ_MAX_DEAD_OUTBOX_MESSAGES = 1
    _failing_message(settings, attempts=1)
    assert _health(client)[0] == 200
    _failing_message(settings, attempts=1)
    status, body = _health(client)
    assert (status, body["outbox_dead_messages"]) == (503, 2)


def test_events_left_unanchored_beyond_the_limit_make_healthz_503(client, settings, triage_officer):
    _record(triage_officer, 3)
    status, body = _health(client)
    assert status == 200  # just written: well inside the default limit
    assert body["audit_checkpoint_age_hours"] is None

    settings.HEALTHZ_MAX_CHECKPOINT_AGE_HOURS = 0  # any event not yet anchored is now late
    status, body = _health(client)
    assert status == 503
    assert body["checks"]["audit_checkpoint"] == "late"

    audit.audit_checkpoint_create()
    status, body = _health(client)
    assert status == 200, body
    assert body["checks"]["audit_checkpoint"] == "ok"
    assert body["audit_unanchored_hours"] == 0.0
    assert 0 <= body["audit_checkpoint_age_hours"] < 0.1

    _record(triage_officer)  # an event after the checkpoint: late again at a zero limit
    assert _health(client)[0] == 503


def test_an_old_checkpoint_is_not_an_alarm_when_no_event_followed_it(client, settings, triage_officer):
    """A quiet night writes no checkpoint (nothing new to anchor): the checkpoint's own age is reported, not judged."""
    _record(triage_officer, 2)
    checkpoint = audit.audit_checkpoint_create()
    folder = Path(settings.AUDIT_CHECKPOINT_DIR)
    # Re-sign the same checkpoint as written two days ago (the signing key is the test key).
    from audit import checkpoints

    old = checkpoints.checkpoint_sign(
        sequence=checkpoint.sequence,
        mac=checkpoint.mac,
        created_at=(timezone.now() - dt.timedelta(days=2)).isoformat(timespec="seconds"),
    )
    path = folder / checkpoint.file_name
    path.chmod(0o644)
    path.write_text(old.to_json())
    settings.HEALTHZ_MAX_CHECKPOINT_AGE_HOURS = 3
    status, body = _health(client)
    assert status == 200
    assert 47.9 < body["audit_checkpoint_age_hours"] < 48.1
    assert body["audit_unanchored_hours"] == 0.0


def test_a_tampered_newest_checkpoint_makes_healthz_503(client, settings, triage_officer):
    _record(triage_officer, 2)
    checkpoint = audit.audit_checkpoint_create()
    path = Path(settings.AUDIT_CHECKPOINT_DIR) / checkpoint.file_name
    path.chmod(0o644)
    path.write_text(path.read_text().replace(checkpoint.mac, "0" * 64))
    status, body = _health(client)
    assert status == 503
    assert body["checks"]["audit_checkpoint"] == "invalid"
