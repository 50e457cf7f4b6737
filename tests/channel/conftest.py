from __future__ import annotations

import pytest

from tests.referrals.factories import information_gathering_referral


@pytest.fixture
def handed_over(referrer, triage_officer):
    """A case handed to Channel through the referral's service: its Channel case is listed."""
    from referrals import services

    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    return services.referral_refer_to_channel(referral=referral, actor=triage_officer)


@pytest.fixture
def channel_case(handed_over):
    from channel.models import ChannelCase

    return ChannelCase.objects.select_related("referral").get(referral=handed_over)
