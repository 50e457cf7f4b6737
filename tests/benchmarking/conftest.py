"""Benchmarking fixtures: the closure's transferred case (for purging), and a hand-checked year of cases."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from closure.models import StatisticalRecord, Tombstone
from referrals import services
from referrals.choices import ClosingReason
from referrals.models import Referral
from tests.closure.conftest import closed_case, transfer_keys, transferred_case  # noqa: F401 - fixtures
from tests.referrals.factories import screening_referral, submitted_referral

YEAR = 2024  # April 2024 to March 2025


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def move(referral, **dates) -> None:
    """Set a case's dates; its statistical record follows the month of submission (the test opens the link)."""
    Referral.objects.filter(pk=referral.pk).update(**dates)
    if "submitted_at" in dates:
        record_id = Referral.objects.get(pk=referral.pk).statistics_record
        month = timezone.localdate(dates["submitted_at"]).replace(day=1)
        StatisticalRecord.objects.filter(pk=record_id).update(referral_month=month)


def tombstone(authority, month: datetime.date, **facts):
    values = {
        "referral_month": month,
        "local_authority": authority,
        "referrer_sector": "education",
        "age_band": "18_20",
        "gender": "male",
        "concern_type": "islamist",
        "route": "screening",
        "outcome": ClosingReason.NFA_NO_CONCERN,
        "days_to_screening": 1,
        "days_to_closure": 5,
    }
    values.update(facts)
    return Tombstone.objects.create(**values)


@pytest.fixture
def year_of_cases(local_authority, other_local_authority, referrer, triage_officer, make_user):
    """Live cases and tombstones of 2024/25, counted by hand in the tests.

    Live (3): education, submitted Mon 6 May 2024, screening Tue 7 May (1 working day), closed signposted
    Mon 13 May (5); health, submitted Mon 3 Feb 2025, still in screening from Wed 5 Feb (2); police, submitted
    Fri 14 Mar 2025 (not screened). Outside the year: a case of 31 March 2024 and one of another council.
    Tombstones (4): May 2024 education NFA (1 day to screening, 5 to closure); June 2024 police, Channel,
    consent refused (days 3, channel 10, closure 40); July 2024 health police-led (2, 8); March 2025
    community, completed Channel (consent given; 4, 12, 200). Outside: April 2025, and another council's.
    """
    first = submitted_referral(user=referrer)
    first = services.referral_start_screening(referral=first, actor=triage_officer)
    first = services.referral_close(
        referral=first, actor=triage_officer, reason_code=ClosingReason.NFA_SIGNPOSTED, summary="Signposted."
    )
    move(
        first,
        submitted_at=at(datetime.date(2024, 5, 6)),
        screening_started_at=at(datetime.date(2024, 5, 7)),
        closed_at=at(datetime.date(2024, 5, 13)),
    )
    second = screening_referral(user=referrer, screener=triage_officer, referrer_sector="health")
    move(second, submitted_at=at(datetime.date(2025, 2, 3)), screening_started_at=at(datetime.date(2025, 2, 5)))
    third = submitted_referral(user=referrer, referrer_sector="police")
    move(third, submitted_at=at(datetime.date(2025, 3, 14)))
    before = submitted_referral(user=referrer)
    move(before, submitted_at=at(datetime.date(2024, 3, 31)))
    other_referrer = make_user(other_local_authority, "referrer", "other-")
    elsewhere = submitted_referral(user=other_referrer)
    move(elsewhere, submitted_at=at(datetime.date(2024, 6, 3)))

    tombstone(local_authority, datetime.date(2024, 5, 1))
    tombstone(
        local_authority,
        datetime.date(2024, 6, 1),
        referrer_sector="police",
        age_band="21_30",
        gender="female",
        concern_type="extreme_right_wing",
        route="channel",
        outcome=ClosingReason.CHANNEL_WITHDRAWN,
        consent_given=False,
        days_to_screening=3,
        days_to_channel=10,
        days_to_closure=40,
    )
    tombstone(
        local_authority,
        datetime.date(2024, 7, 1),
        referrer_sector="health",
        age_band="",
        gender="unknown",
        concern_type="",
        outcome=ClosingReason.POLICE_LED,
        days_to_screening=2,
        days_to_closure=8,
    )
    tombstone(
        local_authority,
        datetime.date(2025, 3, 1),
        referrer_sector="community",
        age_band="10_or_under",
        route="channel",
        outcome=ClosingReason.CHANNEL_COMPLETED,
        consent_given=True,
        days_to_screening=4,
        days_to_channel=12,
        days_to_closure=200,
    )
    tombstone(local_authority, datetime.date(2025, 4, 1))
    tombstone(other_local_authority, datetime.date(2024, 5, 1))
    return local_authority


@pytest.fixture
def assurance_users(request):
    """One user per role the hand-checked year needs, in the council (the panel's police member under "police")."""
    names = ("referrer", "triage_officer", "channel_chair", "panel_member", "intervention_provider", "prevent_lead")
    users = {name: request.getfixturevalue(name) for name in names}
    return users | {"police": request.getfixturevalue("police_prevent_officer")}


@pytest.fixture
def assurance_year(local_authority, other_local_authority, assurance_users, make_user):
    """tests/benchmarking/assurance_data.py: a hand-checked year 2024 of meetings, requests and Channel cases."""
    from tests.benchmarking.assurance_data import assurance_year as build

    return build(local_authority, other_local_authority, assurance_users, make_user)
