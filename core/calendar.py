"""Working days: Monday to Friday, less the bank holidays of the council's nation (the `holidays` package).

Shared by mash (screening and request deadlines) and channel (post-exit reviews): both sit above core and
neither may import the other. Nations are accounts.Nation's values (core sits below accounts)."""

from __future__ import annotations

import datetime
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
