"""The assurance figures of a hand-checked year (tests/benchmarking/assurance_data.py), from clear columns only."""

from __future__ import annotations

import pytest

from benchmarking.assurance_figures import figures_compute
from benchmarking.statistics import Period
from tests.benchmarking.assurance_data import TODAY

pytestmark = pytest.mark.django_db


def rows(figures, key):
    return dict(figures[key].rows)


def test_the_hand_checked_year(assurance_year, local_authority, settings):
    settings.SCREENING_DUE_WORKING_DAYS = 5
    figures = figures_compute(authority=local_authority, period=Period.financial_year(2024), today=TODAY)
    assert list(rows(figures, "screening").values()) == [3, 2, 1, 1, 1]
    assert "Screened within 5 working days (by the due date)" in rows(figures, "screening")
    assert list(rows(figures, "chaired").values()) == [3, 2, 2]
    assert list(rows(figures, "quorum").values()) == [3, 1, 1]
    assert list(rows(figures, "attendance").values()) == [6, 4, 1, 1]
    assert list(rows(figures, "information_sharing").values()) == [4, 2, 1, 1, 0, 1]
    assert list(rows(figures, "vaf").values()) == [3, 2, 1]
    assert list(rows(figures, "consent_and_plans").values()) == [2, 2, 1, 1]
    assert list(rows(figures, "providers").values()) == [3, 1, 2, 1, 1]
    assert list(rows(figures, "reviews").values()) == [1, 1, 1]
    assert list(rows(figures, "post_exit_reviews").values()) == [1, 1, 0, 1]


def test_another_council_sees_none_of_it(assurance_year, other_local_authority):
    figures = figures_compute(authority=other_local_authority, period=Period.financial_year(2024), today=TODAY)
    assert rows(figures, "chaired")["Panel meetings held"] == 1  # its own meeting only
    assert all(count == 0 for key in ("screening", "vaf", "providers") for count in rows(figures, key).values())


def test_the_figures_decrypt_nothing(assurance_year, local_authority, monkeypatch):
    from encryption.fields import EncryptedFieldMixin

    opened = []
    original = EncryptedFieldMixin.open_sealed

    def spy(self, instance, data):
        opened.append(self.name)
        return original(self, instance, data)

    monkeypatch.setattr(EncryptedFieldMixin, "open_sealed", spy)
    figures_compute(authority=local_authority, period=Period.financial_year(2024), today=TODAY)
    assert opened == []
