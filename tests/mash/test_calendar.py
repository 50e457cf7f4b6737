"""Working days: weekends and each nation's bank holidays are skipped, across a year end too."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import Nation
from mash.calendar import is_working_day, working_days_after

D = datetime.date
ENG, WLS, SCT, NIR = Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND


@pytest.mark.parametrize(
    ("day", "nation", "working"),
    [
        (D(2026, 12, 24), ENG, True),  # Thursday
        (D(2026, 12, 25), ENG, False),  # Christmas Day
        (D(2026, 12, 28), ENG, False),  # Boxing Day (a Saturday) is observed on Monday
        (D(2027, 1, 1), WLS, False),  # New Year's Day
        (D(2027, 1, 4), ENG, True),
        (D(2027, 1, 4), SCT, False),  # 2 January (a Saturday) is observed on Monday in Scotland only
        (D(2026, 1, 2), SCT, False),  # 2 January, a Friday: a bank holiday in Scotland
        (D(2026, 1, 2), ENG, True),
        (D(2026, 3, 17), NIR, False),  # St Patrick's Day
        (D(2026, 3, 17), ENG, True),
        (D(2026, 4, 6), ENG, False),  # Easter Monday
        (D(2026, 4, 6), SCT, True),  # not a bank holiday in Scotland
        (D(2026, 7, 13), NIR, False),  # Battle of the Boyne (12 July, a Sunday), observed on Monday
        (D(2026, 8, 3), SCT, False),  # Summer bank holiday: first Monday of August in Scotland
        (D(2026, 8, 31), SCT, True),  # and the last Monday elsewhere
        (D(2026, 8, 31), WLS, False),
        (D(2026, 11, 28), ENG, False),  # a Saturday
    ],
)
def test_is_working_day(day, nation, working):
    assert is_working_day(day, nation) is working


@pytest.mark.parametrize(
    ("start", "days", "nation", "expected"),
    [
        # Wednesday 23 December 2026 + 5: 24, 29, 30, 31 December, then 1 January is a holiday -> 4 January.
        (D(2026, 12, 23), 5, ENG, D(2027, 1, 4)),
        (D(2026, 12, 23), 5, WLS, D(2027, 1, 4)),
        # Scotland also rests on Monday 4 January (2 January observed) -> Tuesday 5 January.
        (D(2026, 12, 23), 5, SCT, D(2027, 1, 5)),
        (D(2026, 12, 23), 5, NIR, D(2027, 1, 4)),
        # Across Easter 2026 (Good Friday 3 April, Easter Monday 6 April): Thursday 2 April + 2.
        (D(2026, 4, 2), 2, ENG, D(2026, 4, 8)),
        (D(2026, 4, 2), 2, SCT, D(2026, 4, 7)),  # Easter Monday is a working day in Scotland
        # Across St Patrick's Day (Tuesday 17 March 2026): Monday 16 March + 1.
        (D(2026, 3, 16), 1, NIR, D(2026, 3, 18)),
        (D(2026, 3, 16), 1, ENG, D(2026, 3, 17)),
        # From a Saturday: the first working day counts as one.
        (D(2026, 11, 28), 1, ENG, D(2026, 11, 30)),
        (D(2026, 11, 28), 1, SCT, D(2026, 12, 1)),  # St Andrew's Day (Monday 30 November) in Scotland
        (D(2026, 11, 27), 0, ENG, D(2026, 11, 27)),
    ],
)
def test_working_days_after(start, days, nation, expected):
    assert working_days_after(start, days, nation) == expected


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        working_days_after(D(2026, 1, 5), -1, ENG)
