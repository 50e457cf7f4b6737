from __future__ import annotations

import pytest

from tests.referrals.factories import information_gathering_referral


@pytest.fixture(autouse=True)
def _channel_reference_data(request):
    """The VAF catalogue and intervention types, back after any transactional test emptied them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(marker and marker.kwargs.get("transaction"))
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from tests.channel.support.reference import channel_reference_seed

    channel_reference_seed()


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
