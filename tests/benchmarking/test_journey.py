"""Adoption and exit (the panel's decisions), and working days less the council's bank holidays."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from benchmarking.statistics import Period, compute, outcomes_of
from channel.choices import ChannelStage
from closure.statistics import journey, working_days
from tests.benchmarking.conftest import YEAR, at, tombstone
from tests.channel.conftest import _channel_reference_data, channel_case, handed_over  # noqa: F401 - fixtures
from tests.channel.steps import bring_to, take

D = datetime.date


def test_adopted_then_withdrawn_counts_as_adopted():
    decisions = [("adopt", at(D(2024, 6, 3))), ("withdraw", at(D(2024, 6, 10)))]
    found = journey(at(D(2024, 5, 31)), decisions, "england")
    assert found == {"adopted": True, "consent_given": None, "days_to_adoption": 1, "days_to_exit": None}


def test_the_first_adoption_and_exit_count_and_the_last_consent():
    decisions = [
        ("adopt", at(D(2024, 6, 3))),
        ("record_consent_refused", at(D(2024, 6, 4))),
        ("relist", at(D(2024, 7, 1))),
        ("adopt", at(D(2024, 7, 8))),
        ("record_consent_given", at(D(2024, 7, 9))),
        ("exit", at(D(2024, 12, 2))),
    ]
    found = journey(at(D(2024, 5, 31)), decisions, "england")
    assert (found["days_to_adoption"], found["consent_given"]) == (1, True)
    assert found["days_to_exit"] == 130  # 131 weekdays to Monday 2 December, less the August bank holiday
    assert journey(at(D(2024, 5, 31)), [], "england")["adopted"] is False


@pytest.mark.parametrize(
    ("start", "end", "nation", "days"),
    [
        (D(2024, 5, 3), D(2024, 5, 7), "england", 1),  # Monday 6 May: early May bank holiday
        (D(2024, 11, 29), D(2024, 12, 3), "england", 2),
        (D(2024, 11, 29), D(2024, 12, 3), "scotland", 1),  # St Andrew's Day, Monday 2 December in lieu
        (D(2025, 3, 14), D(2025, 3, 18), "northern_ireland", 1),  # St Patrick's Day
        (D(2024, 12, 20), D(2025, 1, 3), "wales", 7),  # 10 weekdays less Christmas, Boxing Day, New Year's Day
        (D(2024, 5, 7), D(2024, 5, 7), "england", 0),
    ],
)
def test_working_days_skip_the_nations_bank_holidays(start, end, nation, days):
    assert working_days(at(start), at(end), nation) == days


@pytest.mark.django_db
def test_a_tombstone_adopted_then_withdrawn_counts_as_adopted(local_authority):
    tombstone(
        local_authority,
        D(2024, 6, 1),
        route="channel",
        outcome="CHANNEL_WITHDRAWN",
        adopted=True,
        days_to_channel=10,
        days_to_adoption=14,
    )
    tombstone(local_authority, D(2024, 7, 1), route="channel", outcome="CHANNEL_WITHDRAWN", adopted=False)
    stats = compute(local_authority, Period.financial_year(YEAR))
    outcomes = {code: count for code, _, count in stats.table("outcome").rows}
    assert (outcomes["discussed_at_panel"], outcomes["adopted"]) == (2, 1)
    timings = {t.stage: t for t in stats.timings}
    assert (timings["days_to_adoption"].cases, timings["days_to_adoption"].median) == (1, 14)
    # A tombstone written before adoption was recorded: adopted if the panel asked for consent.
    old = {"outcome": "CHANNEL_WITHDRAWN", "route": "channel", "consent_given": False, "adopted": None}
    assert "adopted" in outcomes_of(old)


@pytest.fixture
def users(channel_chair, triage_officer, prevent_lead):
    return {"channel_chair": channel_chair, "triage_officer": triage_officer, "prevent_lead": prevent_lead}


@pytest.mark.django_db
def test_a_live_case_adopted_then_withdrawn_counts_as_adopted(channel_case, users):  # noqa: F811
    adopted = bring_to(channel_case, ChannelStage.AWAITING_CONSENT, users)
    take(adopted, "withdraw", users["prevent_lead"])
    authority = adopted.referral.local_authority
    today = timezone.localdate()
    stats = compute(authority, Period.financial_year(today.year if today.month >= 4 else today.year - 1))
    outcomes = {code: count for code, _, count in stats.table("outcome").rows}
    assert (outcomes["discussed_at_panel"], outcomes["adopted"], outcomes["exited"]) == (1, 1, 0)
    timings = {t.stage: t for t in stats.timings}
    assert timings["days_to_adoption"].cases == 1
    assert timings["days_to_exit"].cases == 0
