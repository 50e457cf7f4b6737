"""Redis stopped while referrals come in through the pages and the API (issue 17, point 4).

Every referral accepted meanwhile is in the database, and each of its e-mails is sent exactly once after
Redis is back: the outbox row is written in the submission's transaction, and the relay (beat and worker,
which lose their broker and everything queued on it) sends it once they reconnect. The API keeps answering:
its rate limits fall back to a per-process count (accounts/throttling.py) instead of a 500.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from core.models import OutboxMessage
from referrals.choices import ReferralStatus
from referrals.models import Referral
from tests.referrals.factories import adult_answers
from tests.referrals.test_api import _json
from tests.referrals.test_journey import PAGES, _shown_version

from .conftest import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.integration]

MASH_INBOX = "mash@testshire.example.org"


def _submit_through_the_pages(client: Client, local_authority) -> str:
    assert client.post(reverse("referrals:start")).status_code == 302
    referral = Referral.objects.filter(status=ReferralStatus.DRAFT).latest("created_at")
    for slug, data in PAGES:
        answers = data if data is not None else {"local_authority": str(local_authority.pk)}
        url = reverse("referrals:draft-step", args=[referral.pk, slug])
        response = client.post(url, {**answers, "continue": "1"})
        assert response.status_code == 302, (slug, response.status_code)
    check = reverse("referrals:draft-check", args=[referral.pk])
    version = _shown_version(client.get(check).content.decode())
    response = client.post(check, {"declaration": "on", "answers_version": version})
    assert response.status_code == 302, response.status_code
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    return referral.reference


def _submit_through_the_api(api: APIClient, number: int) -> str:
    response = api.post(
        "/api/v1/referrals/",
        _json(adult_answers(given_name=f"Api{number}")),
        format="json",
        HTTP_IDEMPOTENCY_KEY=f"k{number}",
    )
    assert response.status_code == 201, (response.status_code, response.content[:300])
    return response.json()["reference"]


def test_referrals_sent_while_redis_is_down_are_kept_and_each_e_mailed_once(
    app_on_fault_redis, background, smtp_server, referrer, local_authority
):
    local_authority.mash_email = MASH_INBOX
    local_authority.save()
    smtp_server.start()
    pages = Client(raise_request_exception=False)
    pages.force_login(referrer)
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=referrer)[1]}")

    # Before the outage: one referral each way, e-mailed through the worker.
    before = [_submit_through_the_pages(pages, local_authority), _submit_through_the_api(api, 0)]
    wait_for(lambda: len(smtp_server.messages) >= len(before), timeout=60, what="the first e-mails")

    app_on_fault_redis.stop()
    assert not app_on_fault_redis.answers()
    during = [_submit_through_the_pages(pages, local_authority) for _ in range(2)]
    during += [_submit_through_the_api(api, number) for number in range(1, 4)]
    assert api.get("/api/schema/").status_code == 200
    assert api.post("/api/v1/referrals/", {}, format="json").status_code == 400  # its messages, not a 500
    assert pages.get(reverse("referrals:my-referrals")).status_code == 200
    # Everything accepted is in the database, each with its outbox row waiting: nothing reached the worker.
    assert set(Referral.objects.filter(reference__in=during).values_list("status", flat=True)) == {"submitted"}
    waiting = OutboxMessage.objects.filter(object_id__in=_ids(during), dispatched_at__isnull=True)
    assert waiting.count() == len(during)
    time.sleep(3)  # the relay's beat keeps failing meanwhile: still nothing sent
    assert _sent(smtp_server) == Counter(before)

    app_on_fault_redis.start()  # on the same port, empty: whatever was queued on it is gone
    everything = before + during
    wait_for(
        lambda: set(_sent(smtp_server)) == set(everything),
        timeout=120,
        what=f"an e-mail for every referral after Redis came back\n{background.logs()}",
    )
    time.sleep(4)  # four more sweeps: nothing is sent twice
    assert _sent(smtp_server) == Counter(everything), _sent(smtp_server)
    assert not OutboxMessage.objects.filter(object_id__in=_ids(everything), dispatched_at__isnull=True).exists()
    assert Referral.objects.filter(status=ReferralStatus.SUBMITTED).count() == len(everything)


def _ids(references: list[str]) -> list[str]:
    return [str(pk) for pk in Referral.objects.filter(reference__in=references).values_list("pk", flat=True)]


def _sent(smtp_server) -> Counter:
    """References e-mailed to the MASH inbox, with how many times each."""
    return Counter(
        subject.rsplit(" ", 1)[-1] for subject in smtp_server.subjects() if subject.startswith("New Prevent referral")
    )
