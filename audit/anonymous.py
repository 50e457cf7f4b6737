"""Refusals of visitors not signed in, counted per UTC minute in the cache (Redis in production).

Anyone on the internet can make the service refuse them (a guessed URL under /api/). One chained
event each would let a stranger fill the log and queue every writer behind the chain head, so
they are counted instead and the services write at most one event per minute with the counts.
Counters use `cache.add` then `cache.incr`, atomic on Redis and on the local-memory cache, so
concurrent requests lose no count; claiming a minute with `cache.add` lets one process only
write its event. Counts live for two hours: a minute not written by then is lost with its keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.core.cache import cache
from django.utils import timezone

WINDOW_SECONDS = 60
# A minute is written only this long after it ended, so a request that read the clock just before
# the minute ended has added itself before the counts are read.
GRACE_SECONDS = 5
# How many past minutes each flush looks at: an hour without traffic or beat loses nothing.
LOOKBACK_MINUTES = 60
COUNTED_STATUSES = (403, 404)
_TTL = 2 * LOOKBACK_MINUTES * WINDOW_SECONDS
_PREFIX = "audit:anonymous-refusals"


def clock() -> dt.datetime:
    """The time refusals are counted at (one place, so tests can fix it)."""
    return timezone.now()


def _minute(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // WINDOW_SECONDS


def _count_key(minute: int, status: int) -> str:
    return f"{_PREFIX}:{minute}:{status}"


def _written_key(minute: int) -> str:
    return f"{_PREFIX}:{minute}:written"


def minute_label(minute: int) -> str:
    """The minute as stored in the event, in UTC: 2026-11-28 06:45."""
    return dt.datetime.fromtimestamp(minute * WINDOW_SECONDS, tz=dt.UTC).strftime("%Y-%m-%d %H:%M")


def count_add(*, status: int, moment: dt.datetime) -> bool:
    """Count one refusal in its minute; True for the first refusal of that minute (time to flush the past)."""
    minute = _minute(moment)
    key = _count_key(minute, status)
    cache.add(key, 0, timeout=_TTL)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr: start the count again
        cache.add(key, 1, timeout=_TTL)
    return cache.add(f"{_PREFIX}:{minute}:flush-tried", True, timeout=_TTL)


def minutes_to_write(*, moment: dt.datetime) -> Iterator[tuple[int, dict[int, int]]]:
    """Closed minutes with refusals and no event yet, oldest first, with their counts per status."""
    last = _minute(moment - dt.timedelta(seconds=GRACE_SECONDS)) - 1
    minutes = range(last - LOOKBACK_MINUTES + 1, last + 1)
    keys = [_count_key(m, s) for m in minutes for s in COUNTED_STATUSES] + [_written_key(m) for m in minutes]
    found = cache.get_many(keys)
    for minute in minutes:
        counts = {status: int(found.get(_count_key(minute, status), 0)) for status in COUNTED_STATUSES}
        if any(counts.values()) and _written_key(minute) not in found:
            yield minute, counts


def minute_claim(minute: int) -> bool:
    """Claim the writing of a minute's event; False if another process has it."""
    return cache.add(_written_key(minute), True, timeout=_TTL)


def minute_release(minute: int) -> None:
    """Give a claimed minute back (its event failed to commit), so the next flush writes it."""
    cache.delete(_written_key(minute))
