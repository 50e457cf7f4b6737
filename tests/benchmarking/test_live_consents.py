"""Live cases with Channel: their last consent decision counts, read by a subquery (no list of ids, whatever
the number of cases: PostgreSQL takes at most 65,535 parameters, and a large council's year is 100,000)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benchmarking.statistics import Period, compute
from channel.choices import ChannelStage
from channel.models import ChannelCase
from referrals import services
from referrals.models import Referral
from tests.channel.steps import bring_to
from tests.channel.support.reference import channel_reference_seed
from tests.referrals.factories import information_gathering_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel_cases(referrer, triage_officer, channel_chair, prevent_lead):
    channel_reference_seed()
    users = {"triage_officer": triage_officer, "channel_chair": channel_chair, "prevent_lead": prevent_lead}
    for stage in (ChannelStage.SUPPORTED, ChannelStage.CONSENT_REFUSED, ChannelStage.LISTED):
        referral = information_gathering_referral(user=referrer, screener=triage_officer)
        referral = services.referral_refer_to_channel(referral=referral, actor=triage_officer)
        bring_to(ChannelCase.objects.get(referral=referral), stage, users)


def test_a_live_cases_last_consent_decision_counts_and_no_query_lists_the_cases(channel_cases, local_authority):
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        stats = compute(local_authority, Period.between(today, today))
    outcomes = {code: count for code, _, count in stats.table("outcome").rows}
    assert stats.live == 3
    assert outcomes["discussed_at_panel"] == 3
    assert outcomes["adopted"] == 2  # consent given, consent refused; the listed case was not asked
    assert outcomes["consent_refused"] == 1
    ids = [str(pk) for pk in Referral.objects.values_list("pk", flat=True)]
    for query in queries.captured_queries:  # the cases are a subquery, never listed one by one
        assert not any(pk in query["sql"] or pk.replace("-", "") in query["sql"] for pk in ids), query["sql"]
