"""Case data keys: create, shred (crypto-shredding) and rewrap under the active KEK (rotation)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import scope, signals
from .datakeys import case_key_from, data_key_generate
from .exceptions import KeyInUse
from .keyring import keyring_file_path, keyring_file_remove_key, keyring_get
from .models import DataKey


def case_key_new() -> DataKey:
    """A case's new data key, wrapped under the active KEK, not yet saved. Only the wrapped form is ever stored."""
    data_key = DataKey()
    key = data_key_generate()
    data_key.kek_id, data_key.wrapped_key = keyring_get().wrap(data_key_id=data_key.pk, key=key)
    signals.case_key_created.send(sender=DataKey, data_key_id=data_key.pk)
    # Within a scope the new case's fields are sealed next: no need to unwrap what was just wrapped.
    scope.remember(data_key.pk, case_key_from(data_key.pk, key))
    return data_key


def case_key_create() -> DataKey:
    """Create and save a case's data key (in the caller's transaction, if any)."""
    data_key = case_key_new()
    # No savepoint: inside a caller's transaction the key lives and dies with it (two round trips fewer).
    with transaction.atomic(savepoint=False):
        data_key.save(force_insert=True)
    return data_key


def case_key_shred(*, data_key: DataKey) -> bool:
    """Destroy a case's data key for good; return False if it was already shredded.

    Afterwards every ciphertext of the case raises KeyShredded. Copies of the wrapped key
    in backups stay protected by its KEK: they die with that KEK's retirement (docs/encryption.md).
    """
    with transaction.atomic():
        locked = DataKey.objects.select_for_update().get(pk=data_key.pk)
        if locked.shredded_at is not None:
            return False
        DataKey.objects.filter(pk=locked.pk).update(wrapped_key=None, kek_id="", shredded_at=timezone.now())
        signals.case_key_shredded.send(sender=DataKey, data_key_id=locked.pk)
        scope.forget(data_key.pk)
        # Marked only once committed: a rolled-back purge must leave the case readable.
        transaction.on_commit(lambda: scope.forget(data_key.pk, shredded=True))
    data_key.refresh_from_db()
    return True


@dataclass(frozen=True)
class RewrapProgress:
    done: int
    total: int


def data_keys_remaining(*, kek_id: str | None = None) -> int:
    """Count live data keys not under the active KEK (or, given kek_id, under that KEK)."""
    live = DataKey.objects.filter(wrapped_key__isnull=False)
    if kek_id is not None:
        return live.filter(kek_id=kek_id).count()
    return live.exclude(kek_id=keyring_get().active_id).count()


def data_keys_rewrap(
    *, batch_size: int = 500, on_batch: Callable[[RewrapProgress], None] | None = None
) -> RewrapProgress:
    """Rewrap every live data key under the active KEK, one transaction per batch (resumable).

    The data keys themselves do not change, so every ciphertext stays readable throughout.
    """
    ring = keyring_get()
    progress = RewrapProgress(done=0, total=data_keys_remaining())
    while True:
        with transaction.atomic():
            batch = list(
                DataKey.objects.select_for_update()
                .filter(wrapped_key__isnull=False)
                .exclude(kek_id=ring.active_id)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            now = timezone.now()
            for data_key in batch:
                key = ring.unwrap(data_key_id=data_key.pk, kek_id=data_key.kek_id, wrapped=data_key.wrapped_key)
                data_key.kek_id, data_key.wrapped_key = ring.wrap(data_key_id=data_key.pk, key=key)
                data_key.updated_at = now
            DataKey.objects.bulk_update(batch, ["kek_id", "wrapped_key", "updated_at"])
            signals.data_keys_rewrapped.send(sender=DataKey, kek_id=ring.active_id, count=len(batch))
        progress = RewrapProgress(
            done=progress.done + len(batch), total=max(progress.total, progress.done + len(batch))
        )
        if on_batch is not None:
            on_batch(progress)
    signals.key_rotated.send(sender=DataKey, kek_id=ring.active_id, rewrapped=progress.done)
    return progress


def kek_retire(*, kek_id: str) -> bool:
    """Retire a KEK once no live data key uses it; return True if it was removed from a ring file.

    With a ring held in the environment the caller must tell the operator to remove it there.
    """
    ring = keyring_get()
    if kek_id == ring.active_id:
        raise KeyInUse(f"KEK {kek_id!r} is the active key; activate another key and run rotate_keys first.")
    in_use = data_keys_remaining(kek_id=kek_id)
    if in_use:
        raise KeyInUse(f"KEK {kek_id!r} still wraps {in_use} data key(s); run rotate_keys first.")
    if kek_id not in ring.key_ids:
        raise KeyInUse(f"KEK {kek_id!r} is not in the key ring: nothing to retire.")
    path = keyring_file_path()
    removed = False
    if path is not None:
        keyring_file_remove_key(path, key_id=kek_id)
        removed = True
    signals.kek_retired.send(sender=DataKey, kek_id=kek_id)
    return removed
