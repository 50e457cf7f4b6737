"""Part of the base settings (star-imported by base.py): the deadlines and grant windows of MASH and Channel
casework. Split from base.py only to keep each settings module short; README's configuration table explains
each one."""

from __future__ import annotations

from config.settings.environment import env

# MASH (mash.calendar): the screening decision is due this many working days after submission.
SCREENING_DUE_WORKING_DAYS = env.int("SCREENING_DUE_WORKING_DAYS", default=5)
# A partner's access to an information request ends this many days after its due date (ACCESS.md "per-request").
INFORMATION_REQUEST_GRANT_TAIL_DAYS = env.int("INFORMATION_REQUEST_GRANT_TAIL_DAYS", default=5)
# A panel member reads the cases on a meeting's agenda from this many days before the meeting to this many after.
PANEL_GRANT_DAYS_BEFORE = env.int("PANEL_GRANT_DAYS_BEFORE", default=5)
PANEL_GRANT_DAYS_AFTER = env.int("PANEL_GRANT_DAYS_AFTER", default=2)
# Channel support (channel/support): a provider keeps their intervention this many days after the case leaves
# support (to log the last sessions); post-exit review reminders go this many working days before the due day.
INTERVENTION_GRANT_TAIL_DAYS = env.int("INTERVENTION_GRANT_TAIL_DAYS", default=7)
POST_EXIT_REVIEW_REMINDER_WORKING_DAYS = env.int("POST_EXIT_REVIEW_REMINDER_WORKING_DAYS", default=10)
# A post-exit review can be recorded from this many calendar days before its due day (a panel may hold it at
# the meeting nearest the due date), never earlier: the 12-month one completes the case and starts its closure.
POST_EXIT_REVIEW_EARLY_DAYS = env.int("POST_EXIT_REVIEW_EARLY_DAYS", default=28)
# Home Office statistics (benchmarking.disclosure): counts from 1 to this many are withheld, with the cells that
# would give them away (docs/benchmarking.md).
BENCHMARKING_SUPPRESSION_THRESHOLD = env.int("BENCHMARKING_SUPPRESSION_THRESHOLD", default=5)
# Statistics (benchmarking.activity): an intervention of a support plan counts as started on time if it started
# within this many working days of the later of the day it was added to the plan and its planned start.
INTERVENTION_START_WORKING_DAYS = env.int("INTERVENTION_START_WORKING_DAYS", default=10)
