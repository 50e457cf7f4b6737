"""A case counts the same before and after its purge, in every table; the statistics decrypt nothing; a live
case's statistical record cannot be linked to it from clear columns."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.utils import timezone

from benchmarking import disclosure
from benchmarking.statistics import Period, compute
from closure.models import StatisticalRecord
from closure.services.purge import case_purge
from encryption.fields import EncryptedFieldMixin
from referrals.models import Referral
from tests.benchmarking.conftest import YEAR, at, move
from tests.referrals.factories import submitted_referral

pytestmark = pytest.mark.django_db
ANSWER_TABLES = ("age", "gender", "concern")


def figures(authority):
    stats = disclosure.apply(compute(authority, Period.financial_year(YEAR)), limit=0)
    tables = {table.key: {code: count for code, _, count in table.rows if count} for table in stats.tables}
    timings = [(t.stage, t.cases, t.median, t.p90) for t in stats.timings]
    return stats, tables, timings


@pytest.fixture
def purgeable_in_the_year(year_of_cases, transferred_case):
    """The closure's transferred case (closed at screening, no concern), moved into the hand-checked year."""
    move(
        transferred_case,
        submitted_at=at(datetime.date(2024, 9, 2)),
        screening_started_at=at(datetime.date(2024, 9, 4)),
        closed_at=at(datetime.date(2024, 9, 9)),
    )
    return transferred_case


def test_the_figures_are_the_same_after_a_purge(year_of_cases, purgeable_in_the_year):
    before_stats, before, before_timings = figures(year_of_cases)
    assert StatisticalRecord.objects.count() == 6  # every submitted live case of the fixture has one
    case_purge(reference=purgeable_in_the_year.reference, actor=None, via="schedule")
    after_stats, after, after_timings = figures(year_of_cases)

    assert (before_stats.live, before_stats.tombstones) == (4, 4)
    assert (after_stats.live, after_stats.tombstones) == (3, 5)
    assert after_stats.referrals == before_stats.referrals == 8
    # Every table, age band, gender and type of concern included, and every timing: the same.
    assert after == before
    assert after_timings == before_timings
    assert before["sector"]["education"] == 3
    assert before["outcome"]["no_further_action"] == 2
    for key in ANSWER_TABLES:
        assert "held" not in before[key]
        assert sum(before[key].values()) == 8
    assert before["gender"]["female"] == after["gender"]["female"]
    # The purge swapped the case's record for its tombstone: not counted twice.
    assert StatisticalRecord.objects.count() == 5


def test_a_case_submitted_before_records_existed_is_held_until_its_purge(year_of_cases, purgeable_in_the_year):
    record_id = Referral.objects.get(pk=purgeable_in_the_year.pk).statistics_record
    StatisticalRecord.objects.filter(pk=record_id).delete()
    _, before, _ = figures(year_of_cases)
    assert [before[key]["held"] for key in ANSWER_TABLES] == [1, 1, 1]
    case_purge(reference=purgeable_in_the_year.reference, actor=None, via="schedule")
    _, after, _ = figures(year_of_cases)
    assert all("held" not in after[key] for key in ANSWER_TABLES)
    assert after["gender"]["female"] == before["gender"].get("female", 0) + 1


def test_a_record_cannot_be_linked_to_its_case_from_clear_columns(referrer):
    referral = submitted_referral(user=referrer)
    record = StatisticalRecord.objects.get()
    # The record: its own random id, the council, the month and three codes; no key, no time, no reference.
    fields = {field.name for field in StatisticalRecord._meta.get_fields()}
    assert fields == {"id", "local_authority", "referral_month", "age_band", "gender", "concern_type"}
    assert record.referral_month == timezone.localdate(referral.submitted_at).replace(day=1)
    assert record.id != referral.id
    # The case: the record's id is nowhere in its clear columns, nor in the clear bytes of its row.
    clear = [f.attname for f in Referral._meta.concrete_fields if not getattr(f, "encrypted", False)]
    values = Referral.objects.filter(pk=referral.pk).values_list(*clear).get()
    needles = (str(record.id), record.id.hex, record.id.bytes)
    assert not [value for value in values for needle in needles if needle == value or str(needle) in str(value)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statistics_record FROM referrals_referral WHERE id = %s", [referral.id.hex])
        stored = bytes(cursor.fetchone()[0])
    assert all(needle not in stored for needle in (str(record.id).encode(), record.id.bytes))
    # Only the case's own data key opens the link.
    assert Referral.objects.get(pk=referral.pk).statistics_record == str(record.id)


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


def test_the_backfill_writes_a_record_for_a_case_submitted_before_records(year_of_cases, purgeable_in_the_year):
    from django.core.management import call_command

    record_id = Referral.objects.get(pk=purgeable_in_the_year.pk).statistics_record
    StatisticalRecord.objects.filter(pk=record_id).delete()
    Referral.objects.filter(pk=purgeable_in_the_year.pk).update(statistics_record=None)
    _, before, _ = figures(year_of_cases)
    call_command("statistical_records_backfill", stdout=io.StringIO())
    record = StatisticalRecord.objects.get(pk=Referral.objects.get(pk=purgeable_in_the_year.pk).statistics_record)
    record.referral_month = datetime.date(2024, 9, 1)  # the fixture moved the case into the year
    record.save()
    _, after, _ = figures(year_of_cases)
    assert before["gender"]["held"] == 1
    assert "held" not in after["gender"]
    call_command("statistical_records_backfill", stdout=io.StringIO())
    assert StatisticalRecord.objects.count() == 6
