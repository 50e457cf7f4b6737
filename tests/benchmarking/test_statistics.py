"""Figures of a hand-checked year (tests/benchmarking/conftest.py year_of_cases), live cases and tombstones."""

from __future__ import annotations

import datetime

import pytest

from benchmarking.statistics import Period, PeriodError, compute, percentile
from tests.benchmarking.conftest import YEAR

pytestmark = pytest.mark.django_db


def counts(stats, key):
    return {code: count for code, _, count in stats.table(key).rows if count}


def test_the_year_counts_live_cases_and_tombstones_of_the_council_only(year_of_cases):
    stats = compute(year_of_cases, Period.financial_year(YEAR))
    assert (stats.referrals, stats.live, stats.tombstones) == (7, 3, 4)
    assert counts(stats, "month") == {"2024-05": 2, "2024-06": 1, "2024-07": 1, "2025-02": 1, "2025-03": 2}
    assert counts(stats, "quarter") == {"q1": 3, "q2": 1, "q4": 3}
    assert counts(stats, "sector") == {"education": 2, "health": 2, "police": 2, "community": 1}
    # The live cases (30, female, "not sure") count by their statistical records; tombstones by their fields.
    assert counts(stats, "age") == {"18_20": 1, "21_30": 4, "10_or_under": 1, "": 1}
    assert counts(stats, "gender") == {"male": 2, "female": 4, "unknown": 1}
    assert counts(stats, "concern") == {"islamist": 2, "extreme_right_wing": 1, "unsure": 3, "": 1}
    assert counts(stats, "outcome") == {
        "no_further_action": 1,
        "signposted": 1,
        "police_led": 1,
        "discussed_at_panel": 2,
        "adopted": 2,
        "consent_refused": 1,
        "exited": 1,
    }
    assert all(table.total == 7 for table in stats.tables if table.unit == "Referrals")


def test_working_days_between_stages(year_of_cases):
    timings = {t.stage: t for t in compute(year_of_cases, Period.financial_year(YEAR)).timings}
    # Screening: live 1 and 2, tombstones 1, 3, 2, 4 -> 1 1 2 2 3 4: median 2, 90th percentile 4.
    assert (timings["days_to_screening"].cases, timings["days_to_screening"].median) == (6, 2)
    assert timings["days_to_screening"].p90 == 4
    assert (timings["days_to_channel"].cases, timings["days_to_channel"].median) == (2, 11)
    # Closure: live 5, tombstones 5, 40, 8, 200 -> 5 5 8 40 200.
    assert (timings["days_to_closure"].median, timings["days_to_closure"].p90) == (8, 200)
    assert timings["days_to_information_gathering"].cases == 0
    assert timings["days_to_information_gathering"].median is None


def test_a_date_range_is_widened_to_whole_months(year_of_cases):
    period = Period.between(datetime.date(2024, 5, 10), datetime.date(2024, 6, 2))
    assert (period.start, period.end) == (datetime.date(2024, 5, 1), datetime.date(2024, 6, 30))
    stats = compute(year_of_cases, period)
    assert stats.referrals == 3
    assert [code for code, _, _ in stats.table("quarter").rows] == ["q1"]


def test_a_period_with_no_cases_counts_nothing(local_authority):
    stats = compute(local_authority, Period.financial_year(2019))
    assert stats.referrals == 0
    assert all(count == 0 for table in stats.tables for _, _, count in table.rows)


def test_bad_periods_are_refused():
    with pytest.raises(PeriodError, match="before it starts"):
        Period.between(datetime.date(2025, 1, 1), datetime.date(2024, 1, 1))
    with pytest.raises(PeriodError, match="Unknown year"):
        Period.financial_year(99)


def test_percentile_is_the_nearest_rank():
    assert percentile([], 0.9) is None
    assert percentile([7], 0.9) == 7
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile(list(range(1, 12)), 0.9) == 10
