"""What of a case could outlive its rows: stored files, files named after it, and cache or Redis keys.

Used by the purge (to remove them after the commit) and by verify_purge (to prove none is left).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from encryption.storage import encrypted_file_delete, encrypted_file_path

# Values larger than this are not read when looking for a case's ids in Redis.
REDIS_VALUE_LIMIT = 256 * 1024
REDIS_LIST_LIMIT = 10_000


def stored_files_left(file_refs: Iterable[str]) -> list[str]:
    return [ref for ref in file_refs if encrypted_file_path(ref).exists()]


def stored_files_delete(file_refs: Iterable[str]) -> int:
    """Unlink the case's stored files (idempotent: a file already gone is fine); returns how many existed."""
    removed = 0
    for ref in file_refs:
        if encrypted_file_path(ref).exists():
            removed += 1
        encrypted_file_delete(ref=ref)
    return removed


def media_files_naming(needles: Iterable[str]) -> list[Path]:
    """Files under MEDIA_ROOT whose path names one of the case's ids or its reference (exports, scratch files)."""
    root = Path(settings.MEDIA_ROOT)
    terms = [n for n in needles if n]
    if not root.exists() or not terms:
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and any(t in str(p.relative_to(root)) for t in terms))


def _redis():  # noqa: ANN202 - a redis client, or None without Redis
    if not settings.REDIS_URL:
        return None
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


def redis_keys_naming(needles: Iterable[str]) -> list[str]:
    """Keys of this service's Redis database (cache, broker, results) whose name or value holds a needle."""
    client = _redis()
    terms = [n.encode() for n in needles if n]
    if client is None or not terms:
        return []
    found = []
    for key in client.scan_iter(count=1000):
        hit = any(t in key for t in terms)
        if not hit:
            kind = client.type(key)
            if kind == b"string" and (client.strlen(key) or 0) <= REDIS_VALUE_LIMIT:
                value = client.get(key) or b""
                hit = any(t in value for t in terms)
            elif kind == b"list" and (client.llen(key) or 0) <= REDIS_LIST_LIMIT:
                values = client.lrange(key, 0, -1)
                hit = any(t in value for value in values for t in terms)
        if hit:
            found.append(key.decode("utf-8", "replace"))
    return found


def redis_keys_delete(needles: Iterable[str]) -> int:
    """Delete the cache and Redis keys (strings: a cached fragment, a task's result) that name the case.

    A queue (a list) is never deleted: other work waits in it; verify_purge reports one that names the case.
    """
    client = _redis()
    keys = [key for key in redis_keys_naming(needles) if client is not None and client.type(key) == b"string"]
    if client is not None and keys:
        client.delete(*keys)
    return len(keys)
