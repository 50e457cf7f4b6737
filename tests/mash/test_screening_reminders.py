"""The scheduled reminder of an overdue screening decision: once per due date, also when the task runs twice or
two workers race, on a working day of the council's nation; to the assignee, else the council's triage officers;
queued through the outbox in the transaction that records it; the e-mail holds the reference and a link only."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Nation, Role, User
from accounts.services import user_create_with_membership
from audit.models import AuditEvent
from core.models import OutboxMessage
from core.services import outbox_sweep
from mash.calendar import is_working_day
from mash.models import Assessment
from mash.screening import services as screening
from mash.screening.reminders import REMIND, screening_decisions_remind_overdue
from mash.services import referral_assign
from mash.tasks import screening_decisions_remind_overdue as remind_task
from referrals.models import Referral
from referrals.selectors import referral_timeline
from tests.concurrency import run_concurrently
from tests.conftest import TEST_PASSWORD
from tests.mash.reasons import screening_reasons_seed
from tests.referrals.factories import screening_referral, submitted_referral

pytestmark = pytest.mark.django_db

# Due Tuesday 5 January 2027 (England): overdue from Wednesday 6th.
DUE = datetime.date(2027, 1, 5)
DAY_AFTER = datetime.date(2027, 1, 6)


@pytest.fixture
def case(referrer, canaries):
    """A submitted case holding the canary values in its answers."""
    return submitted_referral(
        user=referrer,
        given_name=canaries["first_name"],
        family_name=canaries["last_name"],
        concern_description=canaries["narrative"],
    )


def _set_due(referral, due_on):
    Assessment.objects.filter(referral=referral).update(screening_due_on=due_on)


def _reminders(referral):
    assessment = Assessment.objects.get(referral=referral)
    return OutboxMessage.objects.filter(topic=REMIND, object_id=str(assessment.pk)).count()


def _emails_after_sweep() -> list:
    mail.outbox.clear()
    outbox_sweep()
    return list(mail.outbox)


def test_an_overdue_decision_is_reminded_once_per_due_date_and_audited(case, assert_audited):
    _set_due(case, DUE)
    assert screening_decisions_remind_overdue(today=datetime.date(2027, 1, 4)) == 0  # before the due date
    assert screening_decisions_remind_overdue(today=DUE) == 0  # on it: not overdue yet
    assert screening_decisions_remind_overdue(today=DAY_AFTER) == 1
    assert screening_decisions_remind_overdue(today=DAY_AFTER) == 0  # the task ran twice
    assert screening_decisions_remind_overdue(today=datetime.date(2027, 1, 7)) == 0  # still overdue: sent already
    assert _reminders(case) == 1
    assert AuditEvent.objects.filter(action="SCREENING_DECISION_CHASED").count() == 1
    assert_audited("SCREENING_DECISION_CHASED", case, due_on="2027-01-05")
    assert Assessment.objects.get(referral=case).screening_reminded_for == DUE


def test_a_changed_due_date_is_reminded_again_once(case):
    _set_due(case, DUE)
    assert screening_decisions_remind_overdue(today=DAY_AFTER) == 1
    _set_due(case, datetime.date(2027, 1, 12))
    assert screening_decisions_remind_overdue(today=datetime.date(2027, 1, 12)) == 0  # the new date: not yet
    assert screening_decisions_remind_overdue(today=datetime.date(2027, 1, 13)) == 1
    assert screening_decisions_remind_overdue(today=datetime.date(2027, 1, 13)) == 0
    assert _reminders(case) == 2
    dues = AuditEvent.objects.filter(action="SCREENING_DECISION_CHASED").values_list("details__due_on", flat=True)
    assert sorted(dues) == ["2027-01-05", "2027-01-12"]


@pytest.mark.parametrize(
    ("nation", "first_reminded_on"),
    [
        # Due Thursday 25 March 2027; Good Friday 26th, then the weekend. England: Easter Monday 29th is a bank
        # holiday, so the reminder waits for Tuesday 30th; Scotland has no Easter Monday holiday.
        (Nation.ENGLAND, datetime.date(2027, 3, 30)),
        (Nation.SCOTLAND, datetime.date(2027, 3, 29)),
    ],
)
def test_no_reminder_on_a_day_that_is_not_a_working_day_of_the_councils_nation(case, nation, first_reminded_on):
    case.local_authority.nation = nation
    case.local_authority.save()
    _set_due(case, datetime.date(2027, 3, 25))
    day = datetime.date(2027, 3, 26)
    while day < first_reminded_on:
        assert screening_decisions_remind_overdue(today=day) == 0, day
        day += datetime.timedelta(days=1)
    assert screening_decisions_remind_overdue(today=first_reminded_on) == 1


def test_no_reminder_once_the_screening_outcome_is_recorded(referrer, triage_officer, police_prevent_officer):
    screening_reasons_seed()
    case = screening_referral(user=referrer, screener=triage_officer)
    _set_due(case, DUE)
    screening.gateway_check_record(referral=case, actor=police_prevent_officer, counter_terrorism=False, note="x")
    screening.screening_outcome_record(
        referral=Referral.objects.get(pk=case.pk), actor=triage_officer, reason_code="PROCEED", rationale="y"
    )
    assert screening_decisions_remind_overdue(today=DAY_AFTER) == 0
    assert _reminders(case) == 0


def test_a_reminder_queued_before_the_decision_sends_no_email_after_it(
    referrer, triage_officer, police_prevent_officer
):
    screening_reasons_seed()
    case = screening_referral(user=referrer, screener=triage_officer)
    Assessment.objects.filter(referral=case).update(screening_due_on=timezone.localdate() - datetime.timedelta(days=3))
    assert screening_decisions_remind_overdue(today=DAY_AFTER) == 1
    screening.gateway_check_record(referral=case, actor=police_prevent_officer, counter_terrorism=False, note="x")
    screening.screening_outcome_record(
        referral=Referral.objects.get(pk=case.pk), actor=triage_officer, reason_code="PROCEED", rationale="y"
    )
    assert _emails_after_sweep() == []
    assert OutboxMessage.objects.get(topic=REMIND).dispatched_at is not None  # done: nothing left to say


def test_the_email_goes_to_the_assignee_with_the_reference_and_a_link_and_no_personal_data(
    case, triage_officer, police_prevent_officer, canaries
):
    referral_assign(referral=case, actor=triage_officer, assignee=police_prevent_officer)
    # Overdue today, so the outbox handler (which asks again, on today's date) still finds it overdue.
    _set_due(case, timezone.localdate() - datetime.timedelta(days=3))
    assert screening_decisions_remind_overdue(today=DAY_AFTER) == 1
    [message] = _emails_after_sweep()
    assert message.to == [police_prevent_officer.email]
    text = message.subject + message.body
    assert case.reference in message.subject
    assert f"/referrals/{case.reference}/" in message.body
    for canary in canaries.values():
        assert canary not in text
    assert "Alex" not in text  # nor any other answer of the case
    assert "Example" not in text
    events = AuditEvent.objects.filter(action="SCREENING_DECISION_CHASED")
    assert [event.details["assignee_id"] for event in events] == [police_prevent_officer.pk]


@pytest.mark.usefixtures("police_prevent_officer", "other_triage_officer", "prevent_lead")  # none of them told
def test_an_unassigned_case_reminds_the_councils_triage_officers_only(case, local_authority, triage_officer):
    second = user_create_with_membership(
        email="second-triage@test.example.org",
        password=TEST_PASSWORD,
        local_authority=local_authority,
        role=Role.TRIAGE_OFFICER,
    )
    _set_due(case, timezone.localdate() - datetime.timedelta(days=3))
    assert screening_decisions_remind_overdue(today=DAY_AFTER) == 1
    [message] = _emails_after_sweep()
    assert sorted(message.to) == sorted([triage_officer.email, second.email])
    assert "assignee_id" not in AuditEvent.objects.get(action="SCREENING_DECISION_CHASED").details


def test_an_assignee_no_longer_active_falls_back_to_the_triage_officers(case, triage_officer, police_prevent_officer):
    referral_assign(referral=case, actor=triage_officer, assignee=police_prevent_officer)
    User.objects.filter(pk=police_prevent_officer.pk).update(is_active=False)
    _set_due(case, timezone.localdate() - datetime.timedelta(days=3))
    screening_decisions_remind_overdue(today=DAY_AFTER)
    [message] = _emails_after_sweep()
    assert message.to == [triage_officer.email]


def test_the_history_says_who_was_reminded(case, triage_officer, police_prevent_officer):
    _set_due(case, DUE)
    screening_decisions_remind_overdue(today=DAY_AFTER)
    referral_assign(referral=case, actor=triage_officer, assignee=police_prevent_officer)
    _set_due(case, datetime.date(2027, 1, 12))
    screening_decisions_remind_overdue(today=datetime.date(2027, 1, 13))
    entries = [
        (entry["title"], entry["description"])
        for entry in referral_timeline(referral=case)
        if entry["title"].startswith("Reminder sent")
    ]
    title = "Reminder sent: the screening decision is overdue"
    assert entries == [
        (title, f"Sent to {police_prevent_officer.display_name or police_prevent_officer.email}."),
        (title, "Sent to the council's triage officers: not assigned."),
    ]


def test_the_celery_task_run_twice_queues_at_most_one_reminder(case):
    """Through the task itself, on today's date: due a week ago, reminded once however often it runs (none at all
    if today is not a working day in England, the test council's nation)."""
    _set_due(case, timezone.localdate() - datetime.timedelta(days=7))
    expected = 1 if is_working_day(timezone.localdate(), Nation.ENGLAND) else 0
    assert remind_task.apply().get() == expected
    assert remind_task.apply().get() == 0
    assert _reminders(case) == expected


@pytest.mark.postgresql
def test_two_workers_at_once_queue_one_reminder(transactional_db, referrer):
    case = submitted_referral(user=referrer)
    _set_due(case, DUE)
    results = run_concurrently(lambda _: screening_decisions_remind_overdue(today=DAY_AFTER), threads=2, timeout=60)
    assert sorted(results) == [0, 1]
    assert _reminders(case) == 1
    assert AuditEvent.objects.filter(action="SCREENING_DECISION_CHASED").count() == 1


def test_the_reminder_runs_every_weekday_from_beat_and_its_email_from_the_outbox(settings):
    from config.celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["screening-decisions-remind-overdue"]
    assert entry["task"] == remind_task.name
    assert entry["schedule"].day_of_week == {1, 2, 3, 4, 5}
    app.loader.import_default_modules()
    assert remind_task.name in app.tasks
    assert settings.OUTBOX_HANDLERS[REMIND] == "mash.screening.reminders.screening_decision_remind"
