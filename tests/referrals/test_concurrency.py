"""Reference allocation under concurrent submission, on PostgreSQL in real transactions."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from referrals import services
from referrals.models import Referral

from .factories import adult_answers

SUBMITTERS = 8
EACH = 4


def _submitter(number: int, user, barrier: threading.Barrier, errors: list[BaseException]) -> None:
    try:
        barrier.wait(timeout=30)
        for i in range(EACH):
            services.referral_create_submitted(actor=user, answers=adult_answers(), idempotency_key=f"t{number}-{i}")
            # The same key again at once (a client retry): never a second referral.
            services.referral_create_submitted(actor=user, answers=adult_answers(), idempotency_key=f"t{number}-{i}")
    except BaseException as error:  # noqa: BLE001 - reported to the test thread
        errors.append(error)
    finally:
        connection.close()


@pytest.mark.postgresql
def test_concurrent_submissions_get_unique_consecutive_references(transactional_db, referrer):
    barrier = threading.Barrier(SUBMITTERS)
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_submitter, args=(n, referrer, barrier, errors), daemon=True) for n in range(SUBMITTERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    year = timezone.localdate().year
    references = sorted(Referral.objects.values_list("reference", flat=True))
    assert references == [f"PRV-{year}-{n:06d}" for n in range(1, SUBMITTERS * EACH + 1)]


@pytest.mark.postgresql
def test_two_simultaneous_submits_of_one_draft_give_one_reference(transactional_db, referrer):
    from .factories import draft_referral

    draft = draft_referral(user=referrer)
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            copy = Referral.objects.get(pk=draft.pk)
            barrier.wait(timeout=30)
            results.append(services.referral_submit(referral=copy, actor=referrer).reference)
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == 2
    assert results[0] == results[1]
    assert Referral.objects.filter(reference__isnull=False).count() == 1
