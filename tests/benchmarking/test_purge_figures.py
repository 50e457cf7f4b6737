"""A case counts the same before and after its purge; the statistics decrypt nothing."""

from __future__ import annotations

import datetime

import pytest

from benchmarking import disclosure
from benchmarking.statistics import Period, compute
from closure.services.purge import case_purge
from encryption.fields import EncryptedFieldMixin
from referrals.models import Referral
from tests.benchmarking.conftest import YEAR, at

pytestmark = pytest.mark.django_db
HELD_TABLES = ("age", "gender", "concern")


def figures(authority):
    stats = disclosure.apply(compute(authority, Period.financial_year(YEAR)), limit=0)
    tables = {table.key: {code: count for code, _, count in table.rows if count} for table in stats.tables}
    timings = [(t.stage, t.cases, t.median, t.p90) for t in stats.timings]
    return stats, tables, timings


@pytest.fixture
def purgeable_in_the_year(year_of_cases, transferred_case):
    """The closure's transferred case (closed at screening, no concern), moved into the hand-checked year."""
    Referral.objects.filter(pk=transferred_case.pk).update(
        submitted_at=at(datetime.date(2024, 9, 2)),
        screening_started_at=at(datetime.date(2024, 9, 4)),
        closed_at=at(datetime.date(2024, 9, 9)),
    )
    return transferred_case


def test_the_figures_are_the_same_after_a_purge(year_of_cases, purgeable_in_the_year):
    before_stats, before, before_timings = figures(year_of_cases)
    case_purge(reference=purgeable_in_the_year.reference, actor=None, via="schedule")
    after_stats, after, after_timings = figures(year_of_cases)

    assert (before_stats.live, before_stats.tombstones) == (4, 4)
    assert (after_stats.live, after_stats.tombstones) == (3, 5)
    assert after_stats.referrals == before_stats.referrals == 8
    for key in before:
        if key not in HELD_TABLES:
            assert after[key] == before[key], key
    assert after_timings == before_timings
    assert before["sector"]["education"] == 3
    assert before["outcome"]["no_further_action"] == 2
    # A live case's age, gender and concern are encrypted: held until the purge writes them to its tombstone.
    for key in HELD_TABLES:
        assert (before[key]["held"], after[key]["held"]) == (4, 3)
        assert sum(after[key].values()) == sum(before[key].values()) == 8
    assert after["gender"]["female"] == before["gender"].get("female", 0) + 1


def test_the_statistics_decrypt_nothing(year_of_cases, purgeable_in_the_year, monkeypatch):
    opened = []
    original = EncryptedFieldMixin.open_sealed

    def counting(self, instance, data):
        opened.append(self.name)
        return original(self, instance, data)

    monkeypatch.setattr(EncryptedFieldMixin, "open_sealed", counting)
    assert Referral.objects.get(pk=purgeable_in_the_year.pk).gender == "female"  # the spy sees a decryption
    opened.clear()
    stats, _, _ = figures(year_of_cases)
    assert stats.live == 4
    assert opened == []
