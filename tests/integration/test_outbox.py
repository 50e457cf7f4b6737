"""The outbox relay on a real worker: a submission's MASH e-mail is dispatched by the beat task."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from core.models import OutboxMessage
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
