"""Working days: Monday to Friday, less the bank holidays of the council's nation (the `holidays` package).

Shared by mash (screening and request deadlines), channel (post-exit reviews), closure and benchmarking (days
between stages): all sit above accounts, which holds the councils and their nations (accounts.Nation's values)."""

from __future__ import annotations

import datetime
from bisect import bisect_right
from functools import lru_cache

import holidays

# The `holidays` package's subdivisions of the United Kingdom, by the nation a council belongs to.
SUBDIVISIONS = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern_ireland": "NIR",
}


SATURDAY = 5  # date.weekday(): Monday is 0


@lru_cache(maxsize=64)
def _bank_holidays(nation: str, year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv=SUBDIVISIONS[str(nation)], years=year))


def is_working_day(day: datetime.date, nation: str) -> bool:
    return day.weekday() < SATURDAY and day not in _bank_holidays(nation, day.year)


# Cached: a pure function of its arguments (the bank holidays are the `holidays` package's, fixed for the
# process), asked with the same few (day, days, nation) over and over, on every submission among others,
# where walking ten working days cost about 60 us.
@lru_cache(maxsize=1024)
def working_days_after(start: datetime.date, days: int, nation: str) -> datetime.date:
    """The day `days` working days after `start` (start itself is not counted, whatever day it is)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    for _ in range(days):
        day += datetime.timedelta(days=1)
        while not is_working_day(day, nation):
            day += datetime.timedelta(days=1)
    return day


def working_day_before(day: datetime.date, nation: str) -> datetime.date:
    """The last working day before `day`."""
    day -= datetime.timedelta(days=1)
    while not is_working_day(day, nation):
        day -= datetime.timedelta(days=1)
    return day


def working_day_on_or_after(day: datetime.date, nation: str) -> datetime.date:
    """`day` itself if it is a working day, else the next working day."""
    while not is_working_day(day, nation):
        day += datetime.timedelta(days=1)
    return day


@lru_cache(maxsize=64)
def _sorted_bank_holidays(nation: str, first_year: int, last_year: int) -> tuple[datetime.date, ...]:
    days: set[datetime.date] = set()
    for year in range(first_year, last_year + 1):
        days |= _bank_holidays(nation, year)
    return tuple(sorted(day for day in days if day.weekday() < SATURDAY))


def _weekdays_up_to(day: datetime.date) -> int:
    """Monday-to-Friday days from an arbitrary Monday (day 1 of the ordinal calendar) up to `day`, inclusive."""
    weeks, extra = divmod(day.toordinal(), 7)  # date(1, 1, 1) is a Monday, ordinal 1
    return weeks * 5 + min(extra, 5)


def working_days_between(first: datetime.date, last: datetime.date, nation: str) -> int:
    """Working days after `first` up to and including `last` (0 if `last` is not after `first`).

    Counted without walking the days (the statistics call it for every case of a year): weekdays by
    arithmetic, less the nation's bank holidays that fall on a weekday in between.
    """
    if last <= first:
        return 0
    weekdays = _weekdays_up_to(last) - _weekdays_up_to(first)
    holidays_between = _sorted_bank_holidays(str(nation), first.year, last.year)
    return weekdays - (bisect_right(holidays_between, last) - bisect_right(holidays_between, first))


class WorkingDayCounter:
    """`working_days_between` for many pairs of days (the statistics count a year of cases): each day of
    `first` to `last` numbered once by the working days up to it, so a pair is one subtraction. A day outside
    that span falls back to `working_days_between`: the same count, whatever the days."""

    def __init__(self, first: datetime.date, last: datetime.date, nation: str) -> None:
        self.nation = str(nation)
        self._numbers: dict[datetime.date, int] = {}
        number, day = 0, first
        while day <= last:
            number += is_working_day(day, self.nation)
            self._numbers[day] = number
            day += datetime.timedelta(days=1)

    def between(self, first: datetime.date, last: datetime.date) -> int:
        if last <= first:
            return 0
        start, end = self._numbers.get(first), self._numbers.get(last)
        if start is None or end is None:
            return working_days_between(first, last, self.nation)
        return end - start
