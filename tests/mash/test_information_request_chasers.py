"""The scheduled reminders: the working day before the due date and the working day after it, once each,
also when the task runs twice; each queued through the outbox in the transaction that records it."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Nation
from audit.models import AuditEvent
from core.models import OutboxMessage
from core.services import outbox_sweep
from mash.information_requests import services
from mash.information_requests.notifications import information_requests_chase_due
from mash.models import InformationRequest
from mash.tasks import information_requests_chase_due as chase_task

from .factories import open_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_request(gathering_case, triage_officer, partner):
    """An open request whose due date we then set by hand: the chaser runs on dates around it."""
    return open_request(referral=gathering_case, triage=triage_officer, partner=partner)


def _set_due(information_request, due_on):
    InformationRequest.objects.filter(pk=information_request.pk).update(due_on=due_on)


def _reminders(information_request):
    return OutboxMessage.objects.filter(topic=services.REMIND, object_id=str(information_request.pk)).count()


def test_reminders_go_the_working_day_before_and_after_the_due_date_once_each(due_request, gathering_case):
    gathering_case.local_authority.nation = Nation.ENGLAND
    gathering_case.local_authority.save()
    # Due Tuesday 5 January 2027 (England): the day before is Monday 4th, the day after Wednesday 6th.
    _set_due(due_request, datetime.date(2027, 1, 5))
    assert information_requests_chase_due(today=datetime.date(2027, 1, 1)) == 0  # New Year's Day: too early
    assert information_requests_chase_due(today=datetime.date(2027, 1, 4)) == 1
    assert information_requests_chase_due(today=datetime.date(2027, 1, 4)) == 0  # the task ran twice
    assert information_requests_chase_due(today=datetime.date(2027, 1, 5)) == 0  # the due date: sent already
    assert information_requests_chase_due(today=datetime.date(2027, 1, 6)) == 1
    assert information_requests_chase_due(today=datetime.date(2027, 1, 6)) == 0
    assert information_requests_chase_due(today=datetime.date(2027, 1, 7)) == 0
    assert _reminders(due_request) == 2
    whens = AuditEvent.objects.filter(action="INFORMATION_REQUEST_CHASED").values_list("details__when", flat=True)
    assert sorted(whens) == ["after_due", "before_due"]
    due_request.refresh_from_db()
    assert due_request.chase_count == 2


def test_the_working_days_are_the_councils_nations_across_the_year_end(due_request, gathering_case):
    """Due Tuesday 4 January 2028 in Scotland: 3 January is the 2 January substitute holiday, the 1st a
    Saturday, so the reminder before goes on Friday 31 December 2027."""
    gathering_case.local_authority.nation = Nation.SCOTLAND
    gathering_case.local_authority.save()
    _set_due(due_request, datetime.date(2028, 1, 4))
    assert information_requests_chase_due(today=datetime.date(2027, 12, 30)) == 0
    assert information_requests_chase_due(today=datetime.date(2027, 12, 31)) == 1
    assert _reminders(due_request) == 1


def test_the_celery_task_run_twice_queues_one_reminder(due_request):
    """Through the task itself, on today's date: a request due a week ago is reminded once, however often it runs."""
    _set_due(due_request, timezone.localdate() - datetime.timedelta(days=7))
    assert chase_task.apply().get() == 1
    assert chase_task.apply().get() == 0
    assert _reminders(due_request) == 1


def test_a_closed_request_is_not_chased(due_request, gathering_case, partner):
    _set_due(due_request, datetime.date(2027, 1, 5))
    due_request.refresh_from_db()
    services.information_request_answer(information_request=due_request, actor=partner, answer="Done.")
    assert information_requests_chase_due(today=datetime.date(2027, 1, 4)) == 0


def test_the_reminder_email_goes_out_from_the_outbox(due_request, settings):
    _set_due(due_request, datetime.date(2027, 1, 5))
    mail.outbox.clear()
    information_requests_chase_due(today=datetime.date(2027, 1, 4))
    outbox_sweep()
    subjects = [message.subject for message in mail.outbox]
    assert any(subject.startswith("Reminder:") for subject in subjects)
