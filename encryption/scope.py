"""Where unwrapped data keys may live: a per-request or per-task cache held in a context variable.

Outside a scope nothing is cached: every use unwraps the data key again and drops it.
`DataKeyScopeMiddleware` opens a scope per request, the Celery handlers below one per task,
and `data_key_scope()` one for commands and scripts. Closing a scope empties the cache.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Keyed by the UUID's integer: its hash and equality run in C, unlike UUID's own (hot path).
_keys: contextvars.ContextVar[dict[int, Any] | None] = contextvars.ContextVar("encryption_data_keys", default=None)
_task_tokens: dict[str, contextvars.Token] = {}
# Ids shredded by this process: a DataKey instance loaded before the shred must not unwrap afterwards.
_shredded: set[uuid.UUID] = set()


@contextmanager
def data_key_scope() -> Iterator[None]:
    """Cache unwrapped data keys until the block ends, then drop them."""
    token = _keys.set({})
    try:
        yield
    finally:
        cache = _keys.get()
        if cache is not None:
            cache.clear()
        _keys.reset(token)


def cached(data_key_id: uuid.UUID) -> Any | None:
    """Return the cached key for a data key in the current scope, if any."""
    cache = _keys.get()
    return None if cache is None else cache.get(data_key_id.int)


# The current scope's cache (or None), keyed by UUID.int: the encrypted fields' hot path reads it directly.
current = _keys.get


def is_shredded(data_key_id: uuid.UUID) -> bool:
    """True if this process shredded the data key (whatever stale copies of it are still in memory)."""
    return data_key_id in _shredded


def remember(data_key_id: uuid.UUID, key: Any) -> None:
    """Keep an unwrapped key for the rest of the current scope (no-op outside a scope)."""
    cache = _keys.get()
    if cache is not None:
        cache[data_key_id.int] = key


def forget(data_key_id: uuid.UUID, *, shredded: bool = False) -> None:
    """Drop a data key from the current scope; after a shred, refuse it for the life of the process."""
    if shredded:
        _shredded.add(data_key_id)
    cache = _keys.get()
    if cache is not None:
        cache.pop(data_key_id.int, None)


def task_scope_open(task_id: str | None = None, **_: object) -> None:
    """Celery task_prerun: every task gets a fresh scope."""
    _task_tokens[task_id or ""] = _keys.set({})


def task_scope_close(task_id: str | None = None, **_: object) -> None:
    """Celery task_postrun: drop the task's keys."""
    token = _task_tokens.pop(task_id or "", None)
    cache = _keys.get()
    if cache is not None:
        cache.clear()
    if token is not None:
        try:
            _keys.reset(token)
        except ValueError:
            # Token from another context (eager task run inside a request): just leave it cleared.
            _keys.set(None)
