"""Channel cases at the stages support works at, reached through the services."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Role
from channel.choices import ChannelStage

from ..steps import bring_to


@pytest.fixture
def users(channel_chair, triage_officer, prevent_lead):
    return {"channel_chair": channel_chair, "triage_officer": triage_officer, "prevent_lead": prevent_lead}


@pytest.fixture
def adopted(channel_case, users):
    return bring_to(channel_case, ChannelStage.AWAITING_CONSENT, users)


@pytest.fixture
def supported(adopted, triage_officer):
    """Consent given (an adult, through the consent service): the case is supported."""
    from channel.support.consent import consent_record

    consent_record(
        channel_case=adopted,
        actor=triage_officer,
        outcome="given",
        given_by="person",
        decided_on=timezone.localdate(),
        how_obtained="in_person",
        note="Agreed at a home visit.",
    )
    adopted.refresh_from_db()
    return adopted


@pytest.fixture
def provider(local_authority, make_user):
    return make_user(local_authority, Role.INTERVENTION_PROVIDER, prefix="ip-")


@pytest.fixture
def other_provider(local_authority, make_user):
    return make_user(local_authority, Role.INTERVENTION_PROVIDER, prefix="ip2-")


@pytest.fixture
def mentoring():
    from channel.models import InterventionType

    return InterventionType.objects.get(code="MENTORING")
