"""Working days in closed form (closure.statistics.weekdays_between) agree with counting the days one by one."""

from __future__ import annotations

import datetime

from closure.statistics import SATURDAY, weekdays_between


def counted(first: datetime.date, last: datetime.date) -> int:
    days, day = 0, first
    while day < last:
        day += datetime.timedelta(days=1)
        days += day.weekday() < SATURDAY
    return days


def test_weekdays_between_agrees_with_counting_every_day():
    monday = datetime.date(2024, 4, 1)
    for offset in range(14):
        first = monday + datetime.timedelta(days=offset)
        for span in range(-3, 400):
            last = first + datetime.timedelta(days=span)
            assert weekdays_between(first, last) == counted(first, last), (first, last)


def test_weekdays_between_a_missing_day_is_none():
    assert weekdays_between(None, datetime.date(2024, 4, 1)) is None
    assert weekdays_between(datetime.date(2024, 4, 1), None) is None
