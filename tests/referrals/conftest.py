from __future__ import annotations

import pytest

from .factories import information_gathering_referral, submitted_referral


@pytest.fixture
def submitted(referrer):
    return submitted_referral(user=referrer)


@pytest.fixture
def with_channel(referrer, triage_officer):
    """A case handed to the Channel panel: the stage at which a panel member's grant opens it."""
    from referrals import services

    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    return services.referral_refer_to_channel(referral=referral, actor=triage_officer)
