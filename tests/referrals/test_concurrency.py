"""Reference allocation under concurrent submission, on PostgreSQL in real transactions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from referrals import services
from referrals.choices import CLOSED_STATUSES, ReferralStatus
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


@pytest.mark.postgresql
def test_two_officers_moving_one_case_at_once_one_wins_the_other_is_told(
    transactional_db, referrer, triage_officer, prevent_lead
):
    from referrals.exceptions import CaseChangedMeanwhile

    from .factories import screening_referral

    case = screening_referral(user=referrer, screener=triage_officer)
    # Both loaded while at screening, as two case pages open at once.
    copies = [Referral.objects.get(pk=case.pk) for _ in range(2)]

    def act(number: int) -> str:
        try:
            if number == 0:
                services.referral_start_information_gathering(referral=copies[0], actor=triage_officer)
            else:
                services.referral_close(
                    referral=copies[1], actor=prevent_lead, reason_code="NFA_SIGNPOSTED", summary="Signposted."
                )
        except CaseChangedMeanwhile:
            return "told"
        return "done"

    results = run_concurrently(act, threads=2, timeout=60)
    assert sorted(results) == ["done", "told"]
    stored = Referral.objects.get(pk=case.pk)
    # Closed: once the closing commits, its transfer package may already be built (closed -> transferring).
    assert stored.status in {ReferralStatus.INFORMATION_GATHERING, *CLOSED_STATUSES}
    if stored.status == ReferralStatus.INFORMATION_GATHERING:
        assert (stored.closing_reason, stored.closing_summary, stored.closed_at) == ("", "", None)
    assert AuditEvent.objects.filter(action="REFERRAL_TRANSITION_CONFLICTED", outcome="refused").count() == 1


@pytest.mark.postgresql
def test_an_answer_saved_while_the_draft_is_sent_is_never_lost_nor_sent_unseen(transactional_db, referrer):
    from referrals.exceptions import CaseChangedMeanwhile

    from .factories import draft_referral

    draft = draft_referral(user=referrer)
    checked, other_tab = Referral.objects.get(pk=draft.pk), Referral.objects.get(pk=draft.pk)
    shown = checked.answers_version

    def act(number: int) -> str:
        try:
            if number == 0:
                services.referral_submit(referral=checked, actor=referrer, answers_version=shown)
            else:
                services.referral_draft_save(referral=other_tab, actor=referrer, answers={"given_name": "Robin"})
        except CaseChangedMeanwhile:
            return "told"
        return "done"

    results = run_concurrently(act, threads=2, timeout=60)
    assert sorted(results) == ["done", "told"]
    stored = Referral.objects.get(pk=draft.pk)
    if stored.status == ReferralStatus.DRAFT:
        assert stored.given_name == "Robin"  # the save won: nothing was sent
        assert stored.answers_version == shown + 1
    else:
        assert stored.given_name == "Alex"  # the send won: exactly what was checked was sent
        assert stored.answers_version == shown
