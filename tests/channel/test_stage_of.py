"""channel_stage_of: the Channel sections of one case page ask it once between them (channel/selectors.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from channel.selectors import channel_stage_of
from referrals.models import Referral
from tests.referrals.factories import information_gathering_referral

pytestmark = pytest.mark.django_db


def test_the_stage_is_read_once_per_loaded_referral(handed_over):
    referral = Referral.objects.get(pk=handed_over.pk)
    with CaptureQueriesContext(connection) as queries:
        assert channel_stage_of(referral) == "listed"
        assert channel_stage_of(referral) == "listed"
    assert len(queries) == 1
    # Another load of the case (the next request) reads it afresh.
    with CaptureQueriesContext(connection) as queries:
        assert channel_stage_of(Referral.objects.get(pk=handed_over.pk)) == "listed"
    assert len(queries) == 2


def test_a_case_not_with_channel_has_no_stage_and_asks_once_too(referrer, triage_officer):
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    with CaptureQueriesContext(connection) as queries:
        assert channel_stage_of(referral) is None
        assert channel_stage_of(referral) is None
    assert len(queries) == 1


def test_the_case_page_asks_about_channel_once(client, handed_over, triage_officer):
    client.force_login(triage_officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("referrals:referral-detail", args=[handed_over.reference]))
    assert response.status_code == 200
    channel_reads = [query["sql"] for query in queries.captured_queries if 'FROM "channel_channelcase"' in query["sql"]]
    assert len(channel_reads) == 1, channel_reads
