from __future__ import annotations

import pytest

from .factories import submitted_referral


@pytest.fixture
def submitted(referrer):
    return submitted_referral(user=referrer)
