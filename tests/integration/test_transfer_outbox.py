"""A closed case's transfer package goes through the outbox to a real worker: the relay queues the delivery
task, the worker builds, signs and seals the package and drops it; CTP's key opens it (test settings' keys)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings

from closure.models import Transfer, TransferStage
from closure.package import open_package
from core.models import OutboxMessage
from core.tasks import outbox_sweep
from encryption.signing import ed25519_public_key
from mash.models import GatewayCheck
from referrals import services
from referrals.choices import ClosingReason, ReferralStatus
from tests.referrals.factories import screening_referral

pytestmark = pytest.mark.integration

# config/settings/test.py: TRANSFER_SIGNING_KEY is b"s" * 32; CTP_PUBLIC_KEY belongs to this X25519 private key.
CTP_PRIVATE_KEY = b"x" * 32
SENDER_PUBLIC_KEY = ed25519_public_key(b"s" * 32)


def test_the_worker_delivers_a_closed_case_s_package_through_the_outbox(
    celery_worker_process, canaries, referrer, triage_officer, police_prevent_officer
):
    referral = screening_referral(user=referrer, screener=triage_officer, given_name=canaries["first_name"])
    GatewayCheck.objects.create(
        referral=referral, recorded_by=police_prevent_officer, counter_terrorism=False, note="-"
    )
    services.referral_close(
        referral=referral, actor=triage_officer, reason_code=ClosingReason.NFA_NO_CONCERN, summary=canaries["narrative"]
    )
    transfer = Transfer.objects.get(referral=referral)
    message = OutboxMessage.objects.get(topic="closure.transfer_deliver", object_id=str(transfer.pk))

    assert outbox_sweep.delay().get(timeout=60)["dispatched"] >= 1  # the relay queued the delivery task
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        transfer.refresh_from_db()
        if transfer.stage == TransferStage.DELIVERED:
            break
        time.sleep(0.5)
    assert transfer.stage == TransferStage.DELIVERED
    message.refresh_from_db()
    assert message.dispatched_at is not None
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.TRANSFERRING
    dropped = Path(settings.TRANSFER_DROP_DIR) / f"{transfer.package_id}.prevent-transfer.json"
    opened = open_package(data=dropped.read_bytes(), private_key=CTP_PRIVATE_KEY, sender_public_key=SENDER_PUBLIC_KEY)
    assert opened.document["case"]["referrals"]["referral"]["given_name"] == canaries["first_name"]
    assert opened.document["case"]["referrals"]["referral"]["closing_summary"] == canaries["narrative"]
    dropped.unlink()
