"""mash's deadlines count working days with the calendar of accounts (accounts/calendar.py), re-exported here."""

from __future__ import annotations

from accounts.calendar import is_working_day, working_day_before, working_days_after

__all__ = ["is_working_day", "working_day_before", "working_days_after"]
