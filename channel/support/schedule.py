"""When the post-exit reviews fall due: 6 and 12 months after the exit date, moved on to the next working
day of the council's nation when that day is a weekend or a bank holiday (accounts.calendar, as mash counts)."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings

from accounts.calendar import working_day_on_or_after

from .choices import PostExitReviewKind

MONTHS = {PostExitReviewKind.SIX_MONTHS: 6, PostExitReviewKind.TWELVE_MONTHS: 12}


def post_exit_review_due(exited_on: datetime.date, kind: str, nation: str) -> datetime.date:
    """The working day a post-exit review is due (31 August + 6 months is 28 February)."""
    return working_day_on_or_after(exited_on + relativedelta(months=MONTHS[PostExitReviewKind(kind)]), nation)


def post_exit_review_opens(due_on: datetime.date) -> datetime.date:
    """The first day a review due on `due_on` can be recorded: POST_EXIT_REVIEW_EARLY_DAYS calendar days before
    (a panel may hold it at the meeting nearest the due date); never earlier."""
    return due_on - datetime.timedelta(days=settings.POST_EXIT_REVIEW_EARLY_DAYS)
