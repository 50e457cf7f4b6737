"""The API's rate limits while the shared cache (Redis) does not answer: counted per process, never a 500."""

from __future__ import annotations

import pytest
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts import throttling
from accounts.services import api_token_create

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every cache call is a real refused connection.
DOWN = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


@pytest.fixture
def api(referrer):
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=referrer)[1]}")
    return client


@pytest.fixture
def two_a_minute(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "referral_create": "2/min"}
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates  # the class keeps the rates it read at import
    throttling._local.clear()
    throttling._last_logged = 0.0  # the outage is logged once a minute: this test's is the first
    yield
    ScopedRateThrottle.THROTTLE_RATES = original
    throttling._local.clear()


def test_with_the_cache_down_the_api_answers_and_still_limits(api, two_a_minute, caplog):
    # override_settings, not the settings fixture: the cache must be back before the shared teardown clears it.
    with override_settings(CACHES=DOWN):
        assert api.get("/api/schema/").status_code == 200
        codes = [api.post("/api/v1/referrals/", {}, format="json").status_code for _ in range(3)]
    assert codes == [400, 400, 429]  # the form's messages twice, then the per-process limit
    assert "API rate limits counted per process" in caplog.text


def test_with_the_cache_up_the_shared_count_is_used(api, two_a_minute):
    codes = [api.post("/api/v1/referrals/", {}, format="json").status_code for _ in range(3)]
    assert codes == [400, 400, 429]
    assert not throttling._local._cache  # nothing counted in the fallback
