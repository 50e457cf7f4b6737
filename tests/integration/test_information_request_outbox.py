"""An information request's e-mail goes through the outbox: a broker that is down when the request commits
delays the e-mail and loses nothing; the relay on a real worker sends it once the broker is back."""

from __future__ import annotations

import pytest
from kombu.exceptions import OperationalError

from audit.models import AuditEvent
from config.celery_app import app as celery_app
from core.models import OutboxMessage
from core.tasks import outbox_sweep
from mash.information_requests.services import NOTIFY
from mash.models import InformationRequest
from tests.mash.factories import open_request, organisation_in, partner_in
from tests.referrals.factories import information_gathering_referral

pytestmark = pytest.mark.integration

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_a_request_committed_while_the_broker_is_down_is_emailed_once_it_is_back(
    celery_worker_process, referrer, triage_officer, local_authority
):
    partner = partner_in(local_authority, organisation_in(local_authority))
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    with celery_app.connection_for_write(DEAD_BROKER) as down:
        # The broker is down: nothing can be queued on it...
        with pytest.raises(OperationalError):
            outbox_sweep.apply_async(connection=down, retry=False)
        # ...and the request still commits, with its e-mail recorded as work to do (nothing sent on commit).
        information_request = open_request(referral=referral, triage=triage_officer, partner=partner)
    message = OutboxMessage.objects.get(topic=NOTIFY, object_id=str(information_request.pk))
    assert message.dispatched_at is None
    assert InformationRequest.objects.get(pk=information_request.pk).notified_at is None

    # The broker is back: beat's relay task runs on the worker and sends the e-mail.
    result = outbox_sweep.delay().get(timeout=60)
    assert result["dispatched"] >= 1
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert InformationRequest.objects.get(pk=information_request.pk).notified_at is not None
    sent = AuditEvent.objects.filter(
        action="INFORMATION_REQUEST_NOTIFIED", details__request_id=str(information_request.pk)
    )
    assert sent.count() == 1
    assert outbox_sweep.delay().get(timeout=60)["dispatched"] == 0  # delivered once
    assert sent.count() == 1
