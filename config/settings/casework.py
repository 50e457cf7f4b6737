"""Part of the base settings (star-imported by base.py): the deadlines and grant windows of MASH and Channel
casework, and their scheduled tasks and outbox handlers. Split from base.py only to keep each settings module
short; README's configuration table explains each one."""

from __future__ import annotations

from celery.schedules import crontab

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
# Merged into base.py's CELERY_BEAT_SCHEDULE and OUTBOX_HANDLERS.
CASEWORK_BEAT_SCHEDULE = {
    # Every day at 07:00: remind partners of requests due the next working day or overdue (once each; mash).
    "information-requests-chase-due": {
        "task": "mash.information_requests_chase_due",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every weekday at 07:05: remind the assignee (else the council's triage officers) of a screening decision
    # that is overdue, once per due date; none on the council's bank holidays (mash/screening/reminders.py).
    "screening-decisions-remind-overdue": {
        "task": "mash.screening_decisions_remind_overdue",
        "schedule": crontab(hour=7, minute=5, day_of_week="mon-fri"),
    },
    # Every quarter of an hour: end per-request grants past their expiry; their open requests expire.
    "information-requests-expire": {"task": "mash.information_requests_expire", "schedule": crontab(minute="*/15")},
    # Every night at 00:10: a case on two agendas: once one meeting's window closed, open the next one's.
    "panel-grants-sync": {"task": "channel.panel_grants_sync", "schedule": crontab(hour=0, minute=10)},
    # Every day at 07:10: Channel support reminders (re-assessment due, intervention not started, post-exit
    # review coming due), once each (channel/support/reminders.py).
    "channel-support-reminders-due": {
        "task": "channel.support_reminders_due",
        "schedule": crontab(hour=7, minute=10),
    },
}
CASEWORK_OUTBOX_HANDLERS = {
    "mash.information_request_notify": "mash.information_requests.notifications.information_request_notify",
    "mash.information_request_remind": "mash.information_requests.notifications.information_request_remind",
    "mash.screening_decision_remind": "mash.screening.reminders.screening_decision_remind",
    "channel.support_reminder_send": "channel.support.reminders.support_reminder_send",
}
