"""Information request fixtures: a partner organisation of the council, its partner contributor, a case in
information gathering."""

from __future__ import annotations

import pytest

from tests.referrals.factories import information_gathering_referral

from .factories import organisation_in, partner_in


@pytest.fixture
def organisation(local_authority):
    return organisation_in(local_authority)


@pytest.fixture
def partner(local_authority, organisation):
    return partner_in(local_authority, organisation)


@pytest.fixture
def gathering_case(referrer, triage_officer):
    return information_gathering_referral(user=referrer, screener=triage_officer)
