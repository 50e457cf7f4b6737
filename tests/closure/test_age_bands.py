"""The Home Office age bands (DOMAIN.md "Official statistics") at every edge, by date of birth and by approximate
age: the band a case's statistical record and tombstone carry."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from closure.models import StatisticalRecord
from closure.statistics import AGE_BANDS, OVER, age_band, case_statistics
from referrals.models import Referral
from tests.referrals.factories import child_answers, submitted_referral

SUBMITTED = datetime.datetime(2025, 3, 14, 10, tzinfo=datetime.UTC)
SUBMITTED_ON = timezone.localdate(SUBMITTED)
# (age, band) either side of every edge: 10/11, 15/16, 17/18, 20/21, 30/31, 40/41, and the two ends.
EDGES = [
    (0, "10_or_under"),
    (10, "10_or_under"),
    (11, "11_15"),
    (15, "11_15"),
    (16, "16_17"),
    (17, "16_17"),
    (18, "18_20"),
    (20, "18_20"),
    (21, "21_30"),
    (30, "21_30"),
    (31, "31_40"),
    (40, "31_40"),
    (41, "41_and_over"),
    (99, "41_and_over"),
]


def born(years: int, *, on: datetime.date = SUBMITTED_ON) -> datetime.date:
    """The date of birth of someone whose `years`th birthday is `on` (29 February: the 28th, a day older)."""
    try:
        return on.replace(year=on.year - years)
    except ValueError:
        return on.replace(year=on.year - years, day=28)


def case(date_of_birth: datetime.date | None = None, approximate_age: str = "") -> SimpleNamespace:
    """The three answers `age_band` reads, as a referral carries them once decrypted."""
    return SimpleNamespace(date_of_birth=date_of_birth, approximate_age=approximate_age, submitted_at=SUBMITTED)


def test_the_bands_are_the_releases_in_age_order():
    assert [code for _, code in AGE_BANDS] + [OVER] == [
        *("10_or_under", "11_15", "16_17", "18_20", "21_30", "31_40", "41_and_over"),
    ]
    uppers = [upper for upper, _ in AGE_BANDS]
    assert uppers == sorted(uppers)


@pytest.mark.parametrize(("age", "band"), EDGES)
def test_the_band_of_a_birthday_on_the_day_of_referral(age, band):
    assert age_band(case(date_of_birth=born(age))) == band


@pytest.mark.parametrize(
    ("first_age", "below", "band"),
    [
        (11, "10_or_under", "11_15"),
        (16, "11_15", "16_17"),
        (18, "16_17", "18_20"),
        (21, "18_20", "21_30"),
        (31, "21_30", "31_40"),
        (41, "31_40", "41_and_over"),
    ],
)
def test_a_band_starts_on_the_birthday_not_the_day_before(first_age, below, band):
    """Referred on the birthday: the new band; referred the day before it (born a day later): the band below."""
    assert age_band(case(date_of_birth=born(first_age))) == band
    assert age_band(case(date_of_birth=born(first_age) + datetime.timedelta(days=1))) == below


@pytest.mark.parametrize(("age", "band"), EDGES)
def test_the_band_of_an_approximate_age(age, band):
    assert age_band(case(approximate_age=str(age))) == band
    assert age_band(case(approximate_age=f" {age} ")) == band


@pytest.mark.parametrize("approximate_age", ["", "about 15", "-3"])
def test_no_age_is_no_band(approximate_age):
    assert age_band(case(approximate_age=approximate_age)) == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("years", "approximate_age", "band"),
    [
        (10, "", "10_or_under"),
        (11, "", "11_15"),
        (None, "17", "16_17"),
        (None, "18", "18_20"),
        (41, "", "41_and_over"),
    ],
)
def test_a_submitted_case_records_its_band_and_the_purge_keeps_it(referrer, years, approximate_age, band):
    """The statistical record written at submission carries the band (a birthday on the day of submission), and
    the tombstone's fields computed at the purge carry the same one."""
    date_of_birth = born(years, on=timezone.localdate()) if years is not None else None
    referral = submitted_referral(
        user=referrer, **child_answers(date_of_birth=date_of_birth, approximate_age=approximate_age)
    )
    referral = Referral.objects.get(pk=referral.pk)
    assert StatisticalRecord.objects.get(pk=referral.statistics_record).age_band == band
    assert case_statistics(referral)["age_band"] == band
