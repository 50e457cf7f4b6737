"""seed_demo_channel: the first demo council has Channel cases in several stages, once."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import demo_data_seed
from channel.choices import ChannelStage
from channel.meetings.demo import HELD_DAYS_AGO
from channel.models import (
    AgendaMinutes,
    ChannelCase,
    ChannelConsent,
    ChannelDecision,
    Intervention,
    Meeting,
    Panel,
    PanelDecision,
    PanelMemberView,
    VAFAssessment,
)
from closure.models import StatisticalRecord
from mash.models import Assessment

pytestmark = pytest.mark.django_db


def day(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo_channel", stdout=out)
    return out.getvalue()


def test_seed_demo_channel_needs_the_demo_users():
    with pytest.raises(CommandError, match="Run seed_demo first"):
        _seed()
    assert not ChannelCase.objects.exists()


def test_the_demo_shows_each_stage_once_and_runs_once(client):
    demo_data_seed(password="a-long-demo-password", totp_secret="DEMOPREVENTCHANNELTOTPKEY234567A")
    output = _seed()
    for shows in ("listed", "awaiting consent", "supported", "exited", "consent refused"):
        assert f"  {shows}" in output
    stages = sorted(ChannelCase.objects.values_list("state", flat=True))
    assert stages == sorted(
        [
            ChannelStage.LISTED,
            ChannelStage.AWAITING_CONSENT,
            ChannelStage.SUPPORTED,
            ChannelStage.EXITED,
            ChannelStage.CONSENT_REFUSED,
        ]
    )
    assert "already exist" in _seed()
    assert ChannelCase.objects.count() == len(stages)
    chair = User.objects.get(email="chair@example.org")
    assert Panel.objects.count() == 2  # noqa: PLR2004 - one for each demo council
    panel = Panel.objects.get(local_authority_id=chair.local_authority_id)
    assert panel.members.count() == 3  # noqa: PLR2004 - the chair, the panel member and the police officer
    assert panel.chair == chair
    held, upcoming = panel.meetings.order_by("date")
    decision = PanelDecision.objects.get(agenda_item__meeting=held)
    assert (decision.view, decision.rule) == ("adopt", "unanimous")
    assert held.attendance.filter(status="present").count() == 3  # noqa: PLR2004
    assert upcoming.agenda.count() == 2  # noqa: PLR2004 - the listed and the supported case
    client.force_login(chair)
    supported = ChannelCase.objects.select_related("referral").get(state=ChannelStage.SUPPORTED)
    page = client.get(reverse("referrals:referral-section", args=[supported.referral.reference, "channel"]))
    assert page.status_code == 200
    assert "Withdraw from Channel" in page.content.decode()
    assert "Exit the case" not in page.content.decode()  # a panel decision: at a meeting


def test_the_demo_s_dates_are_relative_to_today_and_in_the_order_a_case_goes():
    """A meeting's records are dated the day it was held; a VAF at adoption the day the panel adopted the case;
    each case's referral, listing, decision, consent, support and exit in that order, none in the future."""
    demo_data_seed(password="a-long-demo-password", totp_secret="DEMOPREVENTCHANNELTOTPKEY234567A")
    _seed()
    today = timezone.localdate()
    held = Meeting.objects.filter(date__lt=today).get()
    assert held.date == today - datetime.timedelta(days=HELD_DAYS_AGO)
    decision = PanelDecision.objects.select_related("channel_decision__channel_case").get(agenda_item__meeting=held)
    sam = decision.channel_decision.channel_case
    assert day(decision.decided_at) == day(decision.channel_decision.created_at) == day(sam.decided_at) == held.date
    assert {day(view.recorded_at) for view in PanelMemberView.objects.filter(agenda_item__meeting=held)} == {held.date}
    assert day(AgendaMinutes.objects.get(agenda_item__meeting=held).created_at) == held.date
    for channel_case in ChannelCase.objects.select_related("referral"):
        referral = channel_case.referral
        points = [referral.submitted_at, referral.referred_to_channel_at, channel_case.listed_at]
        decisions = list(ChannelDecision.objects.filter(channel_case=channel_case).order_by("created_at"))
        points += [step.created_at for step in decisions]
        assert points == sorted(points), referral.reference
        assert points[-1] <= timezone.now()
        # mash's assessment follows the submission (the case summary's screening due date, in working days).
        assessment = Assessment.objects.get(referral=referral)
        assert assessment.created_at == referral.submitted_at
        assert day(referral.submitted_at) < assessment.screening_due_on <= day(referral.referred_to_channel_at)
        # and closure's statistical record counts the case in the month it was submitted.
        record = StatisticalRecord.objects.get(pk=referral.statistics_record)
        assert record.referral_month == day(referral.submitted_at).replace(day=1)
        if channel_case.decided_at:
            assert decisions[0].transition == "adopt"
            assert day(channel_case.decided_at) == day(decisions[0].created_at)
        for vaf in VAFAssessment.objects.filter(channel_case=channel_case, occasion="adoption"):
            assert vaf.assessed_on == day(channel_case.decided_at), referral.reference
        for consent in ChannelConsent.objects.filter(channel_case=channel_case):
            assert day(channel_case.decided_at) < consent.decided_on <= today
            assert consent.decided_on in (channel_case.consent_given_on, channel_case.consent_refused_on)
        for intervention in Intervention.objects.filter(channel_case=channel_case):
            assert intervention.planned_start > channel_case.consent_given_on
            # added to the plan the day consent was given, not the seeding day (the statistics' late starts)
            assert day(intervention.created_at) == channel_case.consent_given_on
        if channel_case.exited_at:
            assert decisions[-1].transition == "exit"
            assert day(decisions[-1].created_at) == day(channel_case.exited_at)
            assert VAFAssessment.objects.filter(channel_case=channel_case).latest("assessed_on").assessed_on < day(
                channel_case.exited_at
            )
