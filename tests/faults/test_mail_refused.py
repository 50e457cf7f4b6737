"""The mail server refusing connections (issue 17, point 4): the outbox retries with back-off, loses nothing, and
operators see the messages that used every attempt (/healthz answers 503 and says how many; `outbox_sweep` lists
them and, once the mail server is back, --retry-stuck sends each exactly once)."""

from __future__ import annotations

import datetime
import json
import time
from collections import Counter

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_create
from core.models import OutboxMessage
from referrals.models import Referral
from tests.referrals.factories import adult_answers
from tests.referrals.test_api import _json

from .conftest import FAULT_OUTBOX_MAX_ATTEMPTS, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.integration]


def _messages(ids: list[str]) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(object_id__in=ids).order_by("object_id"))


def _all_attempted(ids: list[str], attempts: int):
    def check() -> bool:
        messages = _messages(ids)
        return len(messages) == len(ids) and all(
            m.attempts == attempts and m.claimed_until is None and m.last_error for m in messages
        )

    return check


def _health() -> tuple[int, dict]:
    response = Client().get("/healthz")
    return response.status_code, json.loads(response.content)


@override_settings(OUTBOX_MAX_ATTEMPTS=FAULT_OUTBOX_MAX_ATTEMPTS)
def test_a_refusing_mail_server_delays_e_mails_and_loses_none(
    app_on_fault_redis, background, smtp_server, referrer, local_authority
):
    local_authority.mash_email = "mash@testshire.example.org"
    local_authority.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=referrer)[1]}")
    references = [
        api.post("/api/v1/referrals/", _json(adult_answers(given_name=f"M{n}")), format="json").json()["reference"]
        for n in range(2)
    ]
    ids = [str(pk) for pk in Referral.objects.filter(reference__in=references).values_list("pk", flat=True)]

    # Nothing listens on the mail port: each message fails once, and waits 1, then 2 minutes (back-off).
    for attempt, minutes in ((1, 1), (2, 2)):
        wait_for(_all_attempted(ids, attempt), timeout=60, what=f"attempt {attempt}\n{background.logs()}")
        for message in _messages(ids):
            assert message.dispatched_at is None
            assert message.last_error == "ConnectionRefusedError"
            wait = message.next_attempt_at - message.updated_at
            assert datetime.timedelta(minutes=minutes) - datetime.timedelta(seconds=2) < wait, wait
            assert wait <= datetime.timedelta(minutes=minutes, seconds=2), wait
        status, body = _health()
        assert (status, body["outbox_dead_messages"]) == (200, 0)
        # Time passes: the messages fall due (the relay runs every second in these tests).
        OutboxMessage.objects.filter(object_id__in=ids).update(next_attempt_at=timezone.now())

    wait_for(_all_attempted(ids, FAULT_OUTBOX_MAX_ATTEMPTS), timeout=60, what=f"the last attempt\n{background.logs()}")
    # Every attempt used: the relay leaves them alone, even when due, and operators are told.
    OutboxMessage.objects.filter(object_id__in=ids).update(next_attempt_at=timezone.now())
    time.sleep(3)
    assert {m.attempts for m in _messages(ids)} == {FAULT_OUTBOX_MAX_ATTEMPTS}
    status, body = _health()
    assert status == 503
    assert body["checks"]["outbox"] == "stuck"
    assert body["outbox_dead_messages"] == len(ids)
    report = background.manage("outbox_sweep")
    assert report.returncode == 0, report.stderr
    assert f"{len(ids)} messages used every attempt" in report.stdout
    assert smtp_server.messages == []

    # The mail server is back; the operator gives the messages a fresh set of attempts: each is sent once.
    smtp_server.start()
    retried = background.manage("outbox_sweep", "--retry-stuck")
    assert retried.returncode == 0, retried.stderr
    assert f"{len(ids)} stuck messages made due again." in retried.stdout
    wait_for(lambda: len(smtp_server.messages) >= len(ids), timeout=30, what="the e-mails")
    time.sleep(3)  # three more sweeps: nothing is sent twice
    sent = Counter(s.rsplit(" ", 1)[-1] for s in smtp_server.subjects() if s.startswith("New Prevent referral"))
    assert sent == Counter(references)
    assert all(m.dispatched_at is not None for m in _messages(ids))
    assert _health()[0] == 200
