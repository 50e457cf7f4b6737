"""The outbox: work that must not be lost, recorded with the change that causes it, dispatched after commit.

A service calls `outbox_enqueue(topic=..., object_id=...)` inside its transaction; the relay
(`outbox_sweep`, on beat) dispatches what is due, with back-off, so an outage delays work and loses
none. Handlers are named in settings.OUTBOX_HANDLERS (topic -> dotted path of a function taking the
object's primary key as text), so this module imports no app above it. A handler raises to say "not
done, try again later"; it runs at least once, with no transaction open (the relay holds a lease, not a
row lock), so it must be safe to repeat. Why a polling relay, and the lease: docs/architecture.md.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import OutboxMessage

logger = logging.getLogger(__name__)


class UnknownTopic(ValueError):
    """An outbox topic with no handler in settings.OUTBOX_HANDLERS."""


def _handler_path(topic: str) -> str:
    try:
        return settings.OUTBOX_HANDLERS[topic]
    except KeyError:
        raise UnknownTopic(f"No outbox handler for topic {topic!r}: add it to OUTBOX_HANDLERS.") from None


def _handler(topic: str) -> Callable[[str], None]:
    return import_string(_handler_path(topic))


def _tasks_run_inline() -> bool:
    from celery import current_app

    return bool(current_app.conf.task_always_eager)


def outbox_enqueue(*, topic: str, object_id: object) -> OutboxMessage:
    """Record work about one object in the caller's transaction; it is dispatched once that commits."""
    _handler_path(topic)  # an unknown topic fails here, in the caller's transaction, not at dispatch
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_enqueue() must run inside the transaction of the change that causes it.")
    message = OutboxMessage.objects.create(topic=topic, object_id=str(object_id), next_attempt_at=timezone.now())
    if _tasks_run_inline():
        # robust: a failing handler must not turn a committed change into an error page; it is retried.
        transaction.on_commit(partial(outbox_dispatch, message_id=message.pk), robust=True)
    return message


def _backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4 ... minutes after each failure, at most OUTBOX_MAX_BACKOFF_MINUTES."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), settings.OUTBOX_MAX_BACKOFF_MINUTES))


def _claimable(now: datetime.datetime) -> models.Q:
    """Not sent, due, and claimed by no relay (or by one whose lease ran out: it crashed or hung)."""
    return models.Q(dispatched_at__isnull=True, next_attempt_at__lte=now) & (
        models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lte=now)
    )


def _claim(message_id: uuid.UUID | str) -> OutboxMessage | None:
    """Take a due message for OUTBOX_LEASE_SECONDS and count the attempt, in a short transaction of its own.

    durable: the caller must not be in a transaction, so the handler that follows runs with none
    open (no row lock or snapshot held while a mail server is slow). The update repeats the
    conditions, so two relays cannot both claim even where SELECT ... FOR UPDATE is a no-op (SQLite).
    """
    now = timezone.now()
    with transaction.atomic(durable=True):
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(_claimable(now), pk=message_id).first()
        )
        if message is None:  # sent already, not due, or another relay holds it
            return None
        message.attempts += 1
        message.claim_token = uuid.uuid4()
        # The message is due again exactly when the lease runs out, so the sweep's due index finds it.
        message.claimed_until = message.next_attempt_at = now + datetime.timedelta(
            seconds=settings.OUTBOX_LEASE_SECONDS
        )
        claimed = OutboxMessage.objects.filter(_claimable(now), pk=message.pk).update(
            attempts=models.F("attempts") + 1,
            claim_token=message.claim_token,
            claimed_until=message.claimed_until,
            next_attempt_at=message.next_attempt_at,
            updated_at=now,
        )
    return message if claimed else None


def _release(message: OutboxMessage, **fields: object) -> bool:
    """Record the outcome and drop the claim, only if the claim is still ours (one short statement)."""
    return bool(
        OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(
            claim_token=None, claimed_until=None, updated_at=timezone.now(), **fields
        )
    )


def outbox_dispatch(*, message_id: uuid.UUID | str) -> bool:
    """Run one message's handler once; True if it is done now. Safe to call twice or concurrently.

    Claim (a lease, committed), run the handler with no transaction open, then mark it sent or
    schedule the next attempt. A relay that dies in between leaves the claim to run out, and
    another relay sends the message again: at least once, never lost.
    """
    message = _claim(message_id)
    if message is None:
        return False
    try:
        _handler(message.topic)(message.object_id)
    except Exception as exc:  # any failure: count it, keep the work, try again later
        error = type(exc).__name__[:100]
        _release(message, last_error=error, next_attempt_at=timezone.now() + _backoff(message.attempts))
        log = logger.error if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS else logger.warning
        log("Outbox message %s (%s) failed, attempt %d: %s", message.pk, message.topic, message.attempts, error)
        return False
    if not _release(message, dispatched_at=timezone.now(), last_error=""):
        # The lease ran out before the handler returned: another relay has it and will run it again.
        logger.warning(
            "Outbox message %s (%s) took longer than OUTBOX_LEASE_SECONDS; it will run again.",
            message.pk,
            message.topic,
        )
    return True


def outbox_sweep(*, limit: int = 200) -> dict[str, int]:
    """Dispatch the messages that are due and have attempts left; forget those dispatched long ago.

    Returns counts: dispatched now, failed again, and removed.
    """
    now = timezone.now()
    due = list(
        OutboxMessage.objects.filter(_claimable(now), attempts__lt=settings.OUTBOX_MAX_ATTEMPTS)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    done = sum(outbox_dispatch(message_id=pk) for pk in due)
    cutoff = now - datetime.timedelta(days=settings.OUTBOX_KEEP_DISPATCHED_DAYS)
    removed, _ = OutboxMessage.objects.filter(dispatched_at__lt=cutoff).delete()
    return {"dispatched": done, "failed": len(due) - done, "removed": removed}


def _stuck() -> models.QuerySet[OutboxMessage]:
    """Used every attempt and not being tried right now (a last attempt still under its lease is not stuck)."""
    return OutboxMessage.objects.filter(
        models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lte=timezone.now()),
        dispatched_at__isnull=True,
        attempts__gte=settings.OUTBOX_MAX_ATTEMPTS,
    )


def outbox_stuck_count() -> int:
    """Messages that used every attempt and still wait: an operator must look (the handler's log says why)."""
    return _stuck().count()


def outbox_retry_stuck() -> int:
    """Give messages that used every attempt a fresh set, due now (the operator fixed the cause)."""
    now = timezone.now()
    return _stuck().update(attempts=0, next_attempt_at=now, updated_at=now)
