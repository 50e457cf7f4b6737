"""The outbox relay on a real worker: a submission's MASH e-mail is dispatched by the beat task."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from core.models import OutboxMessage
from core.services import _claim
from core.tasks import outbox_sweep
from tests.referrals.factories import submitted_referral

pytestmark = pytest.mark.integration


def test_the_worker_dispatches_a_submitted_referrals_mash_message(celery_worker_process, referrer, local_authority):
    local_authority.mash_email = "mash@testshire.example.org"
    local_authority.save()
    referral = submitted_referral(user=referrer)
    message = OutboxMessage.objects.get(object_id=referral.pk)
    assert message.dispatched_at is None  # the request queued nothing: the relay does it
    result = outbox_sweep.delay().get(timeout=60)
    assert result["dispatched"] == 1
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert AuditEvent.objects.filter(action="REFERRAL_MASH_NOTIFIED", target_id=str(referral.pk)).count() == 1


def test_the_worker_sends_a_message_whose_relay_died_once_the_lease_runs_out(
    celery_worker_process, referrer, local_authority
):
    local_authority.mash_email = "mash@testshire.example.org"
    local_authority.save()
    referral = submitted_referral(user=referrer)
    message = OutboxMessage.objects.get(object_id=referral.pk)
    assert _claim(message.pk) is not None  # a relay claims it and dies before sending
    assert outbox_sweep.delay().get(timeout=60)["dispatched"] == 0  # its lease still holds
    past = timezone.now() - datetime.timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=past, next_attempt_at=past)
    assert outbox_sweep.delay().get(timeout=60)["dispatched"] == 1
    message.refresh_from_db()
    assert (message.attempts, message.claim_token) == (2, None)
    assert message.dispatched_at is not None
    assert AuditEvent.objects.filter(action="REFERRAL_MASH_NOTIFIED", target_id=str(referral.pk)).count() == 1
