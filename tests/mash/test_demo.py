"""seed_demo_mash: the queue of the first demo council shows new, assigned, overdue and in-screening cases."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import demo_data_seed
from core.models import OutboxMessage
from mash.calendar import working_days_after

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo_mash", stdout=out)
    return out.getvalue()


def test_seed_demo_mash_needs_the_demo_users():
    with pytest.raises(CommandError, match="Run seed_demo first"):
        _seed()


def test_the_demo_queue_shows_each_kind_of_case_once(client):
    demo_data_seed(password="a-long-demo-password", totp_secret="DEMOPREVENTCHANNELTOTPKEY234567A")
    call_command("seed_demo_referrals", stdout=io.StringIO())
    output = _seed()
    for shows in ("new", "assigned", "overdue", "screening"):
        assert f"  {shows}" in output
    client.force_login(User.objects.get(email="triage@example.org"))
    queue = reverse("referrals:referral-queue")
    assert len(client.get(queue, {"tab": "overdue"}).context["page"].object_list) == 1
    # In screening: the assigned demo case and the screening demo's case with its gateway check.
    assert len(client.get(queue, {"tab": "screening"}).context["page"].object_list) == 2
    # Mine: those two, and the three information-gathering cases of the requests demo (their triage officer).
    assert len(client.get(queue, {"tab": "mine"}).context["page"].object_list) == 5
    body = client.get(queue).content.decode()
    assert "Under 18" in body
    assert "Immediate risk" in body
    assert "already exist" in _seed()


def test_the_demo_overdue_case_shows_its_assignees_reminder(client):
    from accounts.models import Nation
    from mash.calendar import working_day_before
    from mash.models import Assessment
    from mash.screening.reminders import REMIND, screening_decisions_remind_overdue

    demo_data_seed(password="a-long-demo-password", totp_secret="DEMOPREVENTCHANNELTOTPKEY234567A")
    assert "overdue, its assignee reminded" in _seed()
    overdue = Assessment.objects.select_related("referral").get(screening_reminded_for__isnull=False)
    assert OutboxMessage.objects.filter(topic=REMIND, object_id=str(overdue.pk)).count() == 1
    # The morning task after the seed, on the day the demo reminded as (the last working day): sent already.
    last_working_day = working_day_before(timezone.localdate() + datetime.timedelta(days=1), Nation.ENGLAND)
    assert screening_decisions_remind_overdue(today=last_working_day) == 0
    client.force_login(User.objects.get(email="triage@example.org"))
    history = client.get(reverse("referrals:referral-section", args=[overdue.referral.reference, "history"]))
    assert "Reminder sent: the screening decision is overdue" in history.content.decode()


def test_the_demo_shows_screening_in_each_of_its_states(client):
    from mash.models import Decision, GatewayCheck, ScreeningOutcome
    from referrals.choices import ReferralStatus
    from referrals.models import Referral

    demo_data_seed(password="a-long-demo-password", totp_secret="DEMOPREVENTCHANNELTOTPKEY234567A")
    output = _seed()
    assert "gateway check recorded" in output
    assert "closed at screening" in output
    assert "referred to the Channel panel" in output
    checked = GatewayCheck.objects.get(referral__status=ReferralStatus.SCREENING)
    closed = ScreeningOutcome.objects.get(referral__status=ReferralStatus.CLOSED)
    assert closed.reason.code == "SIGNPOSTED_CHILDRENS_SOCIAL_CARE"
    assert Decision.objects.get().referral.status == ReferralStatus.WITH_CHANNEL
    client.force_login(User.objects.get(email="triage@example.org"))
    section = client.get(reverse("referrals:referral-section", args=[checked.referral.reference, "screening"]))
    body = section.content.decode()
    assert section.status_code == 200
    assert "Record screening outcome" in body
    earlier = Referral.objects.get(pk=closed.referral_id)
    assert f'href="{reverse("referrals:referral-detail", args=[earlier.reference])}"' in body  # a possible repeat
    assert "already exist" in _seed()


def test_the_demo_shows_open_overdue_and_answered_requests_and_the_partner_can_answer(client):
    from mash.models import InformationRequest

    demo_data_seed(password="a-long-demo-password", totp_secret="DEMOPREVENTCHANNELTOTPKEY234567A")
    output = _seed()
    for shows in ("request open", "request overdue", "request answered"):
        assert shows in output
    assert "request open" not in _seed()  # idempotent
    requests = InformationRequest.objects.order_by("created_at")
    assert sorted(requests.values_list("status", flat=True)) == ["answered", "open", "open"]
    partner = User.objects.get(email="partner@example.org")
    client.force_login(partner)
    listed = client.get(reverse("requests:request-list")).context["requests"]
    assert len(listed) == 2
    today = timezone.localdate()
    overdue = [r for r in listed if r.due_on < today]
    assert len(overdue) == 1
    # Its dates come in the order they happened: submitted, screened, asked, then due (and not yet expired).
    late = InformationRequest.objects.select_related(
        "referral__screening_outcome", "referral__gateway_check", "referral__assessment"
    ).get(pk=overdue[0].pk)
    case = late.referral
    assert case.submitted_at <= case.screening_started_at <= case.gateway_check.created_at
    assert case.gateway_check.created_at <= case.screening_outcome.created_at <= case.information_gathering_started_at
    assert case.information_gathering_started_at <= late.created_at
    assert case.assessment.screening_due_on == working_days_after(
        timezone.localdate(case.submitted_at), settings.SCREENING_DUE_WORKING_DAYS, case.local_authority.nation
    )
    assert late.created_at.date() < late.due_on < today
    assert late.notified_at == late.created_at
    open_request = listed[0]
    response = client.post(reverse("requests:request-detail", args=[open_request.pk]), {"answer": "Not known."})
    assert response.status_code == 302
    client.force_login(User.objects.get(email="triage@example.org"))
    answered = InformationRequest.objects.filter(status="answered").select_related("referral").first()
    page = client.get(reverse("referrals:referral-section", args=[answered.referral.reference, "information-requests"]))
    assert "Community Health Trust" in page.content.decode()
