"""The API's rate limits (REST framework throttles) that keep working while the shared cache does not.

REST framework keeps each client's request history in Django's default cache: Redis in production, so
that every web process counts the same requests. When Redis stops answering, its throttles raise and
every API call, the schema included, would answer 500: no referral could come in through the API at
all. These subclasses catch the cache's error and count in a cache of this process's own until Redis
answers again: the same limits per process (a client may get up to one limit per web process in that
time), never an error. The outage is logged once a minute per process, with no client detail.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from rest_framework import throttling

logger = logging.getLogger(__name__)

# This process's own counts, used only while the shared cache fails.
_local = LocMemCache("api-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
_LOG_INTERVAL_SECONDS = 60
_last_logged = 0.0


def _note_outage(error: Exception) -> None:
    global _last_logged  # noqa: PLW0603 - one timestamp per process, to log an outage once a minute
    now = time.monotonic()
    if now - _last_logged >= _LOG_INTERVAL_SECONDS:
        _last_logged = now
        logger.warning(
            "API rate limits counted per process: the shared cache is unavailable (%s).",
            type(error).__name__,
        )


class _DegradingThrottle(throttling.SimpleRateThrottle):
    def allow_request(self, request, view) -> bool:
        self.cache = caches["default"]
        try:
            return super().allow_request(request, view)
        except Exception as error:  # noqa: BLE001 - whatever the cache backend raises when it is down
            _note_outage(error)
            self.cache = _local
            return super().allow_request(request, view)


class UserRateThrottle(_DegradingThrottle, throttling.UserRateThrottle):
    """Per token (user): API_RATE_USER."""


class AnonRateThrottle(_DegradingThrottle, throttling.AnonRateThrottle):
    """Per address, for calls without a token: API_RATE_ANON."""


class ScopedRateThrottle(_DegradingThrottle, throttling.ScopedRateThrottle):
    """Per view scope (referral_create): API_RATE_REFERRAL_CREATE."""
