from __future__ import annotations

import pytest

from audit.models import AuditEvent

from .factories import submitted_referral


@pytest.fixture
def submitted(referrer):
    return submitted_referral(user=referrer)


@pytest.fixture
def assert_audited():
    def check(action: str, target, *, outcome: str = "done", **details):
        events = AuditEvent.objects.filter(action=action, target_id=str(target.pk), outcome=outcome)
        assert events.exists(), f"no {outcome} {action} event for {target.pk}"
        event = events.order_by("-sequence").first()
        for key, value in details.items():
            assert event.details.get(key) == value, (key, event.details)
        return event

    return check


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """API rate limits count in the cache; each test (and each fuzz example) starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
