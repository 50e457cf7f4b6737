"""Delivery through the outbox and the Celery task (ids only), retries, and no personal data on the way."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from celery import current_app

from audit.models import AuditEvent
from closure.models import TransferStage
from closure.services import transfer_deliver
from closure.services.delivery import TransferDeliveryError
from closure.tasks import transfer_deliver as transfer_deliver_task
from core.models import OutboxMessage
from core.services import outbox_dispatch
from referrals.choices import ReferralStatus

from .conftest import GATEWAY_CANARY, SUMMARY_CANARY

pytestmark = pytest.mark.django_db


@pytest.fixture
def inline_tasks():
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = previous


def test_outbox_relay_delivers_through_the_task_to_the_drop_folder(closed_case, settings, inline_tasks, monkeypatch):
    sent = []
    original = transfer_deliver_task.delay
    monkeypatch.setattr(transfer_deliver_task, "delay", lambda *args, **kwargs: sent.append(args) or original(*args))
    message = OutboxMessage.objects.get(topic="closure.transfer_deliver")
    assert outbox_dispatch(message_id=message.pk) is True
    assert sent == [(str(closed_case.transfer.pk),)]  # the task takes the transfer's id, nothing else
    closed_case.transfer.refresh_from_db()
    closed_case.refresh_from_db()
    assert closed_case.transfer.stage == TransferStage.DELIVERED
    assert closed_case.status == ReferralStatus.TRANSFERRING
    drop = Path(settings.TRANSFER_DROP_DIR)
    assert (drop / f"{closed_case.transfer.package_id}.prevent-transfer.json").read_bytes() == bytes(
        closed_case.transfer.package
    )
    message.refresh_from_db()
    assert message.dispatched_at is not None


def test_a_failed_delivery_is_recorded_and_the_outbox_retries_later(closed_case, settings, inline_tasks, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the drop folder should be")
    settings.TRANSFER_DROP_DIR = blocker / "drop"
    message = OutboxMessage.objects.get(topic="closure.transfer_deliver")
    assert outbox_dispatch(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.dispatched_at is None
    assert message.next_attempt_at > message.created_at
    closed_case.transfer.refresh_from_db()
    assert closed_case.transfer.stage == TransferStage.BUILT
    assert closed_case.transfer.delivery_attempts == 1
    assert AuditEvent.objects.filter(action="TRANSFER_DELIVERY_FAILED").count() == 1
    settings.TRANSFER_DROP_DIR = tmp_path / "drop"  # the operator fixed the folder: the next attempt delivers
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    assert outbox_dispatch(message_id=message.pk) is True
    closed_case.transfer.refresh_from_db()
    assert closed_case.transfer.stage == TransferStage.DELIVERED
    assert closed_case.transfer.delivery_attempts == 2


def test_the_task_retries_with_back_off_on_a_worker(closed_case, settings, tmp_path, monkeypatch):
    """On a worker (not inline) a failure asks Celery to retry later, 60 s, then 120 s ..."""
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    settings.TRANSFER_DROP_DIR = blocker / "drop"
    asked = {}

    def retry(**kwargs):
        asked.update(kwargs)
        return RuntimeError("retry")

    monkeypatch.setattr(transfer_deliver_task, "retry", retry)
    transfer_deliver_task.push_request(retries=1, is_eager=False)
    try:
        with pytest.raises(RuntimeError, match="retry"):
            transfer_deliver_task.run(str(closed_case.transfer.pk))
    finally:
        transfer_deliver_task.pop_request()
    assert asked["countdown"] == 120
    assert isinstance(asked["exc"], TransferDeliveryError)


def test_no_personal_data_in_audit_events_outbox_or_logs(  # noqa: PLR0917 - pytest fixtures
    closed_case, transfer_keys, canaries, settings, caplog, tmp_path
):
    from closure.receipts import receipt_build
    from closure.services import transfer_receipt_accept

    caplog.set_level(logging.DEBUG)
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    settings.TRANSFER_DROP_DIR = blocker / "drop"
    with pytest.raises(TransferDeliveryError):
        transfer_deliver(transfer_id=closed_case.transfer.pk)
    settings.TRANSFER_DROP_DIR = tmp_path / "drop"
    transfer = transfer_deliver(transfer_id=closed_case.transfer.pk)
    receipt = receipt_build(
        signing_key=transfer_keys["raw"]["ctp_signing.key"],
        package_id=str(transfer.package_id),
        package_sha256=transfer.package_sha256,
        case_reference=closed_case.reference,
        received_at="2026-11-28T12:00:00+00:00",
    )
    transfer_receipt_accept(data=receipt, actor=None, via="command")
    events = json.dumps(
        list(AuditEvent.objects.values("action", "target_id", "case_reference", "reason_code", "details"))
    )
    outbox = json.dumps(list(OutboxMessage.objects.values("topic", "object_id", "last_error")))
    transfer.refresh_from_db()
    stored = json.dumps([transfer.receipt, transfer.last_error, transfer.transport])
    for value in (*canaries.values(), SUMMARY_CANARY, GATEWAY_CANARY, "canary-evidence.pdf"):
        for where, text in (("audit", events), ("outbox", outbox), ("logs", caplog.text), ("transfer", stored)):
            assert value not in text, (value, where)
    assert "TRANSFER_DELIVERY_FAILED" in events
