"""Two officers record the screening outcome of one case at once (PostgreSQL, real transactions): one outcome
is recorded and moves the case, the other is told the case changed and leaves nothing behind."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from mash.models import ScreeningOutcome
from mash.screening import services
from referrals.choices import ReferralStatus
from referrals.exceptions import CaseChangedMeanwhile
from referrals.models import Referral
from tests.concurrency import run_concurrently
from tests.mash.reasons import screening_reasons_seed
from tests.referrals.factories import screening_referral


@pytest.mark.postgresql
def test_two_outcomes_at_once_one_is_recorded_the_other_is_told(
    transactional_db, referrer, triage_officer, police_prevent_officer
):
    screening_reasons_seed()
    case = screening_referral(user=referrer, screener=triage_officer)
    services.gateway_check_record(referral=case, actor=police_prevent_officer, counter_terrorism=False, note="x")
    copies = [Referral.objects.get(pk=case.pk) for _ in range(2)]  # two case pages open at once

    def act(number: int) -> str:
        try:
            services.screening_outcome_record(
                referral=copies[number],
                actor=(triage_officer, police_prevent_officer)[number],
                reason_code=("PROCEED", "NO_FURTHER_ACTION")[number],
                rationale=f"Rationale {number}.",
            )
        except CaseChangedMeanwhile:
            return "told"
        return "done"

    assert sorted(run_concurrently(act, threads=2, timeout=60)) == ["done", "told"]
    stored = Referral.objects.get(pk=case.pk)
    outcome = ScreeningOutcome.objects.get()  # one only
    # Closed: once the closing commits, its transfer package may already be built (closed -> transferring).
    closed = {ReferralStatus.CLOSED, ReferralStatus.TRANSFERRING}
    expected = {ReferralStatus.INFORMATION_GATHERING} if outcome.reason.code == "PROCEED" else closed
    assert stored.status in expected
    assert AuditEvent.objects.filter(action="SCREENING_OUTCOME_RECORDED", outcome="done").count() == 1
    assert AuditEvent.objects.filter(action="REFERRAL_TRANSITION_CONFLICTED", outcome="refused").count() == 1
