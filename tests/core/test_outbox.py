"""The outbox (core.services): work recorded with the change that causes it, never lost, never doubled."""

from __future__ import annotations

import datetime
import logging
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from config.celery_app import app as celery_app
from core.models import OutboxMessage
from core.services import (
    UnknownTopic,
    _claim,
    _release,
    outbox_dispatch,
    outbox_enqueue,
    outbox_stuck_count,
    outbox_sweep,
)
from referrals.choices import ReferralStatus
from referrals.models import Referral
from tests.concurrency import run_concurrently
from tests.conftest import CANARIES
from tests.referrals.factories import submitted_referral
from tests.testapp import outbox_handlers

TEST_HANDLERS = {
    "referrals.mash_notify": "referrals.services.notifications.referral_mash_notify",
    "test.record": "tests.testapp.outbox_handlers.record_call",
    "test.fail": "tests.testapp.outbox_handlers.always_fail",
    "test.transaction": "tests.testapp.outbox_handlers.record_transaction_state",
    "test.lock": "tests.testapp.outbox_handlers.probe_row_lock",
}


@pytest.fixture
def handlers(settings):
    settings.OUTBOX_HANDLERS = TEST_HANDLERS
    outbox_handlers.CALLS.clear()
    outbox_handlers.IN_TRANSACTION.clear()
    outbox_handlers.ROW_LOCKED.clear()
    return outbox_handlers.CALLS


@pytest.fixture
def mash_inbox(local_authority):
    local_authority.mash_email = "mash@testshire.example.org"
    local_authority.save()
    return local_authority.mash_email


@pytest.fixture
def broker_mode():
    """Tasks queued on a broker, as in production: nothing is dispatched inline after commit."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


def _due_now(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def test_a_submission_writes_its_mash_message_and_inline_dispatch_sends_it_once(
    referrer, mash_inbox, canaries, assert_audited, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = submitted_referral(user=referrer, given_name=canaries["first_name"])
    message = OutboxMessage.objects.get(object_id=referral.pk)
    assert message.topic == "referrals.mash_notify"
    assert message.dispatched_at is not None
    assert message.attempts == 1
    assert [m.to for m in mail.outbox] == [[mash_inbox]]
    assert referral.reference in mail.outbox[0].body
    assert canaries["first_name"] not in mail.outbox[0].body + mail.outbox[0].subject
    event = assert_audited("REFERRAL_MASH_NOTIFIED", referral, sent=True)
    assert event.actor_id is None
    assert event.case_reference == referral.reference
    # A later sweep finds nothing to do: the e-mail is not sent twice.
    assert outbox_sweep() == {"dispatched": 0, "failed": 0, "removed": 0}
    assert len(mail.outbox) == 1


def test_no_message_for_an_authority_without_a_mash_inbox(referrer, local_authority, assert_audited):
    referral = submitted_referral(user=referrer)
    assert not OutboxMessage.objects.filter(object_id=referral.pk).exists()
    assert_audited("REFERRAL_SUBMITTED", referral, mash_notified=False)


def test_with_a_broker_the_request_queues_nothing_and_the_relay_sends_it(
    referrer, mash_inbox, broker_mode, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = submitted_referral(user=referrer)
    # Nothing dispatched after the commit: the relay (beat, every OUTBOX_POLL_SECONDS) does the work.
    message = OutboxMessage.objects.get(object_id=referral.pk)
    assert message.dispatched_at is None
    assert mail.outbox == []
    assert outbox_sweep()["dispatched"] == 1
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.dispatched_at is not None


def test_a_mail_outage_keeps_the_referral_and_the_message_and_a_later_sweep_sends_it(
    referrer, mash_inbox, settings, caplog, django_capture_on_commit_callbacks
):
    canaries = CANARIES
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        referral = submitted_referral(user=referrer, given_name=canaries["first_name"])
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SUBMITTED
    message = OutboxMessage.objects.get(object_id=referral.pk)
    assert (message.dispatched_at, message.attempts, message.last_error) == (None, 1, "ConnectionRefusedError")
    assert message.next_attempt_at > timezone.now()
    assert canaries["first_name"] not in caplog.text
    assert f"Outbox message {message.pk} (referrals.mash_notify) failed, attempt 1" in caplog.text
    # Not yet due: the sweep leaves it alone.
    assert outbox_sweep()["dispatched"] == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _due_now(message)
    assert outbox_sweep() == {"dispatched": 1, "failed": 0, "removed": 0}
    assert [m.to for m in mail.outbox] == [[mash_inbox]]
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (2, "")


def test_a_rolled_back_change_leaves_no_message_and_dispatches_nothing(handlers, db):
    object_id = uuid.uuid4()

    def enqueue_then_fail() -> None:
        with transaction.atomic():
            outbox_enqueue(topic="test.record", object_id=object_id)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError, match="rolled back"):
        enqueue_then_fail()
    assert not OutboxMessage.objects.exists()
    assert outbox_sweep()["dispatched"] == 0
    assert handlers == []


def test_enqueue_refuses_an_unknown_topic_and_a_call_outside_a_transaction(handlers, transactional_db):
    with pytest.raises(UnknownTopic, match="No outbox handler for topic 'test.nothing'"), transaction.atomic():
        outbox_enqueue(topic="test.nothing", object_id=uuid.uuid4())
    with pytest.raises(RuntimeError, match="inside the transaction"):
        outbox_enqueue(topic="test.record", object_id=uuid.uuid4())
    assert not OutboxMessage.objects.exists()


def test_failures_back_off_then_stop_and_are_reported_without_the_error_text(
    handlers, settings, caplog, broker_mode, db
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with transaction.atomic():
        message = outbox_enqueue(topic="test.fail", object_id=uuid.uuid4())
    message.refresh_from_db()
    delays = []
    with caplog.at_level(logging.WARNING, logger="core.services"):
        for _ in range(3):
            before = timezone.now()
            _due_now(message)
            assert outbox_sweep()["failed"] == 1
            message.refresh_from_db()
            delays.append(round((message.next_attempt_at - before).total_seconds() / 60))
    assert delays == [1, 2, 4]
    assert (message.attempts, message.last_error, message.dispatched_at) == (3, "ConnectionError", None)
    assert (message.claimed_until, message.claim_token) == (None, None)  # each failure gave its claim back
    # Attempts used up: the sweep stops trying, and the count says an operator must look.
    _due_now(message)
    assert outbox_sweep() == {"dispatched": 0, "failed": 0, "removed": 0}
    assert outbox_stuck_count() == 1
    assert "Zephyrine-Canary" not in caplog.text
    assert [r.levelname for r in caplog.records][-1] == "ERROR"


def test_the_sweep_forgets_messages_dispatched_long_ago(handlers, settings, db):
    settings.OUTBOX_KEEP_DISPATCHED_DAYS = 7
    with transaction.atomic():
        old = outbox_enqueue(topic="test.record", object_id=uuid.uuid4())
        recent = outbox_enqueue(topic="test.record", object_id=uuid.uuid4())
    assert outbox_sweep()["dispatched"] == 2
    OutboxMessage.objects.filter(pk=old.pk).update(dispatched_at=timezone.now() - datetime.timedelta(days=8))
    assert outbox_sweep()["removed"] == 1
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.postgresql
def test_two_dispatchers_at_once_run_the_handler_once(handlers, broker_mode, transactional_db):
    with transaction.atomic():
        message = outbox_enqueue(topic="test.record", object_id=uuid.uuid4())
    results = run_concurrently(lambda _: outbox_dispatch(message_id=message.pk), threads=2, timeout=60)
    assert sorted(results) == [False, True]
    assert handlers == [message.object_id]


def test_the_operator_command_reports_stuck_messages_and_retries_them(handlers, settings, broker_mode, db):
    from io import StringIO

    from django.core.management import call_command

    settings.OUTBOX_MAX_ATTEMPTS = 1
    with transaction.atomic():
        message = outbox_enqueue(topic="test.fail", object_id=uuid.uuid4())
    out = StringIO()
    call_command("outbox_sweep", stdout=out)
    assert "0 dispatched, 1 failed again, 0 old dispatched messages removed." in out.getvalue()
    assert "1 messages used every attempt" in out.getvalue()
    # The cause is fixed (here: the topic now has a working handler); the operator retries.
    settings.OUTBOX_HANDLERS = {**TEST_HANDLERS, "test.fail": "tests.testapp.outbox_handlers.record_call"}
    out = StringIO()
    call_command("outbox_sweep", "--retry-stuck", stdout=out)
    assert out.getvalue().splitlines()[:2] == [
        "1 stuck messages made due again.",
        "1 dispatched, 0 failed again, 0 old dispatched messages removed.",
    ]
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert handlers == [message.object_id]


def _lease_runs_out(message: OutboxMessage) -> None:
    past = timezone.now() - datetime.timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=past, next_attempt_at=past)


def test_the_handler_runs_with_no_transaction_open(handlers, broker_mode, transactional_db):
    with transaction.atomic():
        message = outbox_enqueue(topic="test.transaction", object_id=uuid.uuid4())
    assert outbox_sweep()["dispatched"] == 1
    assert outbox_handlers.IN_TRANSACTION == [False]
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert (message.claimed_until, message.claim_token, message.attempts) == (None, None, 1)


def test_inline_dispatch_after_a_real_commit_runs_the_handler_with_no_transaction_open(handlers, transactional_db):
    with transaction.atomic():
        message = outbox_enqueue(topic="test.transaction", object_id=uuid.uuid4())
    assert outbox_handlers.IN_TRANSACTION == [False]
    message.refresh_from_db()
    assert message.dispatched_at is not None


def test_dispatch_refuses_to_run_inside_a_callers_transaction(handlers, broker_mode, transactional_db):
    with transaction.atomic():
        message = outbox_enqueue(topic="test.record", object_id=uuid.uuid4())
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        outbox_dispatch(message_id=message.pk)
    assert handlers == []


@pytest.mark.postgresql
def test_the_message_row_is_not_locked_while_its_handler_runs(handlers, broker_mode, transactional_db):
    with transaction.atomic():
        outbox_enqueue(topic="test.lock", object_id=uuid.uuid4())
    assert outbox_sweep()["dispatched"] == 1
    assert outbox_handlers.ROW_LOCKED == [False]


def test_a_relay_that_dies_mid_send_leaves_the_message_to_another_once_its_lease_runs_out(
    handlers, broker_mode, settings, db
):
    settings.OUTBOX_LEASE_SECONDS = 300
    with transaction.atomic():
        message = outbox_enqueue(topic="test.record", object_id=uuid.uuid4())
    before = timezone.now()
    crashed = _claim(message.pk)  # the first relay claims the message, then dies before it finishes
    assert crashed is not None
    message.refresh_from_db()
    assert message.attempts == 1
    assert round((message.claimed_until - before).total_seconds() / 60) == 5
    # While the lease lasts, no other relay takes it: neither the sweep nor a direct dispatch.
    assert outbox_sweep() == {"dispatched": 0, "failed": 0, "removed": 0}
    assert outbox_dispatch(message_id=message.pk) is False
    assert outbox_stuck_count() == 0
    assert handlers == []
    _lease_runs_out(message)
    assert outbox_sweep() == {"dispatched": 1, "failed": 0, "removed": 0}
    assert handlers == [message.object_id]
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert (message.attempts, message.claimed_until, message.claim_token) == (2, None, None)


def test_a_relay_whose_lease_ran_out_cannot_mark_the_message_another_relay_holds(handlers, broker_mode, db):
    with transaction.atomic():
        message = outbox_enqueue(topic="test.record", object_id=uuid.uuid4())
    slow = _claim(message.pk)
    _lease_runs_out(message)
    taken_over = _claim(message.pk)
    assert taken_over is not None
    assert taken_over.claim_token != slow.claim_token
    # The slow relay finishes late: its outcome is not recorded over the claim that replaced it.
    assert _release(slow, dispatched_at=timezone.now(), last_error="") is False
    message.refresh_from_db()
    assert (message.dispatched_at, message.claim_token, message.attempts) == (None, taken_over.claim_token, 2)
    assert _release(taken_over, dispatched_at=timezone.now(), last_error="") is True
    message.refresh_from_db()
    assert message.dispatched_at is not None


def test_the_lease_outlasts_a_send_that_times_out():
    assert settings.OUTBOX_LEASE_SECONDS >= 5 * settings.EMAIL_TIMEOUT
