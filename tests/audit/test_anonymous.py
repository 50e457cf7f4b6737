"""Counting refusals of visitors not signed in: no count lost to concurrency, the beat task writes closed minutes."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import override_settings

from audit import anonymous
from audit import services as audit
from audit.models import AuditEvent
from audit.tasks import anonymous_refusals_flush
from audit.writer import AuditUsageError

MINUTE = dt.datetime(2026, 11, 28, 10, 0, 30, tzinfo=dt.UTC)
LATER = MINUTE + dt.timedelta(minutes=2)


def test_concurrent_refusals_lose_no_count():
    def refuse(_: int) -> None:
        for _ in range(50):
            anonymous.count_add(status=404, moment=MINUTE)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(refuse, range(8)))
    ((minute, counts),) = anonymous.minutes_to_write(moment=LATER)
    assert (anonymous.minute_label(minute), counts) == ("2026-11-28 10:00", {403: 0, 404: 400})


@pytest.mark.django_db
def test_the_beat_task_writes_each_closed_minute_once(events, monkeypatch):
    monkeypatch.setattr(anonymous, "clock", lambda: LATER)
    for _ in range(3):
        audit.record_anonymous_refusal(status=403, now=MINUTE)
    assert anonymous_refusals_flush() == 1
    assert anonymous_refusals_flush() == 0
    (event,) = events(action="ANONYMOUS_REFUSALS_COUNTED")
    assert event.details == {"count": 3, "status_403": 3, "status_404": 0, "window_start": "2026-11-28 10:00"}


def test_the_beat_runs_the_flush_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["audit-anonymous-refusals-flush"]
    assert entry["task"] == "audit.anonymous_refusals_flush"
    assert entry["schedule"].minute == set(range(60))


@pytest.mark.django_db
def test_a_minute_whose_event_failed_is_written_by_the_next_flush(events, monkeypatch):
    audit.record_anonymous_refusal(status=404, now=MINUTE)

    def fail(**kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(audit, "record_refusal", fail)
    with pytest.raises(RuntimeError):
        audit.anonymous_refusals_flush(now=LATER)
    monkeypatch.undo()
    assert audit.anonymous_refusals_flush(now=LATER) == 1
    assert events(action="ANONYMOUS_REFUSALS_COUNTED")[0].details["count"] == 1


def test_only_the_refusals_the_middleware_records_are_counted():
    with pytest.raises(AuditUsageError):
        audit.record_anonymous_refusal(status=500, now=MINUTE)


@pytest.mark.django_db
def test_with_the_cache_down_an_anonymous_refusal_is_recorded_on_its_own_not_a_500(client):
    """A real Redis cache on a port where nothing listens: the count cannot be kept, the refusal still is."""
    down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}}
    with override_settings(CACHES=down):
        response = client.get("/cases/nothing-here/")
    assert response.status_code == 404
    (event,) = AuditEvent.objects.filter(action="ACCESS_REFUSED")
    assert (event.actor_id, event.outcome, event.details) == (None, "refused", {"status": 404})
