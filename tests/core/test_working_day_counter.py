"""WorkingDayCounter (the statistics' working days for a year of cases) counts as working_days_between."""

from __future__ import annotations

import datetime

import pytest

from core.calendar import WorkingDayCounter, working_days_between

D = datetime.date


@pytest.mark.parametrize("nation", ["england", "wales", "scotland", "northern_ireland"])
def test_every_pair_of_days_counts_as_working_days_between(nation):
    counter = WorkingDayCounter(D(2024, 12, 1), D(2025, 1, 31), nation)
    # Inside the span, across its edges and wholly outside it (the fallback), over Christmas and New Year.
    days = [D(2024, 11, 20) + datetime.timedelta(days=n) for n in range(0, 90, 1)]
    for first in days[::3]:
        for last in days:
            assert counter.between(first, last) == working_days_between(first, last, nation), (first, last)


def test_a_known_span():
    counter = WorkingDayCounter(D(2024, 12, 1), D(2025, 1, 31), "england")
    # 10 weekdays after Friday 20 December to Friday 3 January, less Christmas, Boxing Day and New Year's Day.
    assert counter.between(D(2024, 12, 20), D(2025, 1, 3)) == 7
    assert counter.between(D(2025, 1, 3), D(2024, 12, 20)) == 0
