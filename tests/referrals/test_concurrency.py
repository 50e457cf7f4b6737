"""Reference allocation under concurrent submission, on PostgreSQL in real transactions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import Referral
from tests.concurrency import run_concurrently

from .factories import adult_answers

SUBMITTERS = 8
EACH = 4


@pytest.mark.postgresql
def test_concurrent_submissions_get_unique_consecutive_references(transactional_db, referrer):
    def submit(number: int) -> None:
        for i in range(EACH):
            services.referral_create_submitted(
                actor=referrer, answers=adult_answers(), idempotency_key=f"t{number}-{i}"
            )
            # The same key again at once (a client retry): never a second referral.
            services.referral_create_submitted(
                actor=referrer, answers=adult_answers(), idempotency_key=f"t{number}-{i}"
            )

    run_concurrently(submit, threads=SUBMITTERS)
    year = timezone.localdate().year
    references = sorted(Referral.objects.values_list("reference", flat=True))
    assert references == [f"PRV-{year}-{n:06d}" for n in range(1, SUBMITTERS * EACH + 1)]


@pytest.mark.postgresql
def test_two_simultaneous_submits_of_one_draft_give_one_reference(transactional_db, referrer):
    from .factories import draft_referral

    draft = draft_referral(user=referrer)

    # Both copies are loaded while still a draft, as two browser tabs would be.
    copies = [Referral.objects.get(pk=draft.pk) for _ in range(2)]

    def click(number: int) -> str:
        return services.referral_submit(referral=copies[number], actor=referrer).reference

    results = run_concurrently(click, threads=2, timeout=60)
    assert len(results) == 2
    assert results[0] == results[1]
    assert Referral.objects.filter(reference__isnull=False).count() == 1
