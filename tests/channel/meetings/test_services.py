"""Panel meetings: dates, the agenda, attendance, quorum, the s.37 rule and the decisions it drives."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from channel.choices import ChannelStage, NotAdoptedReason
from channel.exceptions import ChannelInvalid
from channel.meetings import services
from channel.meetings.choices import DecisionRule, MemberView
from channel.meetings.exceptions import PanelActionRefused, QuorumNotMet
from channel.meetings.models import AgendaMinutes, PanelDecision
from channel.models import AgendaItem, ChannelCase, Meeting
from referrals.choices import ReferralStatus
from tests.channel.steps import bring_to

pytestmark = pytest.mark.django_db
S = ChannelStage


def _attend(meeting, chair, members, **statuses):
    services.attendance_record(
        meeting=meeting,
        actor=chair,
        statuses={member.pk: statuses.get(key, "present") for key, member in members.items()},
    )


def _views(item, chair, members, **views):
    services.views_record(item=item, actor=chair, views={members[key].pk: view for key, view in views.items()})


def test_a_meeting_in_the_past_is_refused_with_a_message_and_audited(panel, channel_chair):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ChannelInvalid) as caught:
        services.meeting_create(panel=panel, actor=channel_chair, date=yesterday)
    assert caught.value.errors["date"] == ["The date of the meeting must be today or in the future"]
    assert not Meeting.objects.exists()
    assert AuditEvent.objects.filter(
        action="PANEL_MEETING_CREATED", outcome="refused", details__refused_because="date_in_past"
    ).exists()


def test_a_meeting_is_arranged_by_the_chair_and_audited(panel, channel_chair, assert_audited):
    date = timezone.localdate() + datetime.timedelta(days=14)
    meeting = services.meeting_create(panel=panel, actor=channel_chair, date=date)
    assert meeting.date == date
    assert_audited("PANEL_MEETING_CREATED", meeting)
    with pytest.raises(ChannelInvalid) as caught:
        services.meeting_create(panel=panel, actor=channel_chair, date=date)
    assert "already meets" in caught.value.errors["date"][0]


def test_a_panel_member_may_not_arrange_a_meeting(panel, panel_member):
    with pytest.raises(PanelActionRefused):
        services.meeting_create(panel=panel, actor=panel_member, date=timezone.localdate())
    assert AuditEvent.objects.filter(action="PANEL_MEETING_CREATED", outcome="refused").exists()


def test_the_agenda_is_added_to_ordered_and_removed_from(
    meeting, channel_chair, referrer, triage_officer, channel_case
):
    from referrals import services as referral_services
    from tests.referrals.factories import information_gathering_referral

    other = referral_services.referral_refer_to_channel(
        referral=information_gathering_referral(user=referrer, screener=triage_officer), actor=triage_officer
    )
    second = ChannelCase.objects.select_related("referral").get(referral=other)
    first_item = services.agenda_item_add(meeting=meeting, actor=channel_chair, channel_case=channel_case)
    second_item = services.agenda_item_add(meeting=meeting, actor=channel_chair, channel_case=second)
    assert [i.channel_case_id for i in AgendaItem.objects.filter(meeting=meeting)] == [channel_case.pk, second.pk]
    services.agenda_item_move(item=second_item, actor=channel_chair, direction="up")
    assert [i.channel_case_id for i in AgendaItem.objects.filter(meeting=meeting)] == [second.pk, channel_case.pk]
    with pytest.raises(ChannelInvalid):
        services.agenda_item_add(meeting=meeting, actor=channel_chair, channel_case=channel_case)
    services.agenda_item_remove(item=AgendaItem.objects.get(pk=first_item.pk), actor=channel_chair)
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("channel_case_id", flat=True)) == [second.pk]
    assert AuditEvent.objects.filter(action="PANEL_AGENDA_CHANGED").count() == 4


def test_a_closed_case_cannot_go_on_the_agenda(meeting, channel_chair, channel_case):
    channel_case = bring_to(channel_case, S.NOT_ADOPTED, users={"channel_chair": channel_chair})
    with pytest.raises(ChannelInvalid):
        services.agenda_item_add(meeting=meeting, actor=channel_chair, channel_case=channel_case)


def test_attendance_needs_every_member(meeting, channel_chair, members):
    with pytest.raises(ChannelInvalid):
        services.attendance_record(
            meeting=meeting, actor=channel_chair, statuses={members["channel_chair"].pk: "present"}
        )
    _attend(meeting, channel_chair, members, panel_member="apologies", second="absent")
    event = AuditEvent.objects.get(action="PANEL_ATTENDANCE_RECORDED")
    assert (event.details["present"], event.details["apologies"], event.details["absent"]) == (2, 1, 1)


def test_minutes_are_encrypted_and_audited_without_their_text(item, channel_chair):
    services.minutes_record(item=item, actor=channel_chair, text="Canary minutes about the person")
    minutes = AgendaMinutes.objects.get(agenda_item=item)
    assert AgendaMinutes.objects.get(pk=minutes.pk).text == "Canary minutes about the person"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM {AgendaMinutes._meta.db_table}")  # noqa: S608 - a model table name
        stored = bytes(cursor.fetchone()[0])
    assert b"Canary" not in stored
    event = AuditEvent.objects.get(action="PANEL_MINUTES_RECORDED")
    assert "Canary" not in str(event.details)


@pytest.mark.parametrize(
    ("absent", "missing"),
    [
        ("channel_chair", ["the chair"]),
        ("police_prevent_officer", ["a police officer for the person's area"]),
    ],
)
def test_a_decision_without_quorum_is_refused_naming_who_is_missing(item, channel_chair, members, absent, missing):
    _attend(item.meeting, channel_chair, members, **{absent: "apologies"})
    with pytest.raises(QuorumNotMet) as caught:
        services.decision_record(item=item, actor=channel_chair, note="Reasons")
    assert caught.value.missing == missing
    assert missing[0] in caught.value.message
    assert not PanelDecision.objects.exists()
    assert ChannelCase.objects.get(pk=item.channel_case_id).state == S.LISTED
    assert AuditEvent.objects.filter(
        action="PANEL_DECISION_RECORDED", outcome="refused", details__refused_because="no_quorum"
    ).exists()


def test_a_unanimous_view_adopts_the_case(item, channel_chair, members, assert_audited):
    _attend(item.meeting, channel_chair, members)
    _views(item, channel_chair, members, channel_chair="adopt", police_prevent_officer="adopt", panel_member="adopt")
    decision = services.decision_record(item=item, actor=channel_chair, note="The panel found vulnerability.")
    assert (decision.view, decision.rule, decision.views_for, decision.views_total) == (
        "adopt",
        DecisionRule.UNANIMOUS,
        3,
        3,
    )
    assert ChannelCase.objects.get(pk=item.channel_case_id).state == S.AWAITING_CONSENT
    assert decision.channel_decision.transition == "adopt"
    assert_audited("PANEL_DECISION_RECORDED", item.channel_case)


def test_a_majority_not_adopting_closes_the_referral(item, channel_chair, members):
    _attend(item.meeting, channel_chair, members)
    _views(
        item,
        channel_chair,
        members,
        channel_chair="adopt",
        police_prevent_officer="not_adopt",
        panel_member="not_adopt",
        second="not_adopt",
    )
    decision = services.decision_record(
        item=item, actor=channel_chair, reason_code=NotAdoptedReason.SIGNPOSTED_HEALTH, note="Signposted to the GP."
    )
    assert (decision.view, decision.rule, decision.views_for) == ("not_adopt", DecisionRule.MAJORITY, 3)
    channel_case = ChannelCase.objects.select_related("referral").get(pk=item.channel_case_id)
    assert channel_case.state == S.NOT_ADOPTED
    assert channel_case.referral.status == ReferralStatus.CLOSED


def test_a_split_panel_is_decided_by_the_chair(item, channel_chair, members):
    _attend(item.meeting, channel_chair, members)
    _views(
        item,
        channel_chair,
        members,
        channel_chair="adopt",
        police_prevent_officer="not_adopt",
        panel_member="adopt",
        second="not_adopt",
    )
    decision = services.decision_record(item=item, actor=channel_chair, note="The chair decided.")
    assert (decision.view, decision.rule) == ("adopt", DecisionRule.CHAIR)


def test_a_split_without_the_chair_s_view_is_refused(item, channel_chair, members):
    _attend(item.meeting, channel_chair, members)
    _views(item, channel_chair, members, police_prevent_officer="not_adopt", panel_member="adopt")
    with pytest.raises(ChannelInvalid) as caught:
        services.decision_record(item=item, actor=channel_chair, note="x")
    assert "chair" in caught.value.errors["__all__"][0]


def test_the_s37_rule():
    assert services.s37_decide(["adopt", "adopt"], None) == ("adopt", DecisionRule.UNANIMOUS)
    assert services.s37_decide(["adopt", "exit", "adopt"], "exit") == ("adopt", DecisionRule.MAJORITY)
    assert services.s37_decide(["adopt", "exit"], "exit") == ("exit", DecisionRule.CHAIR)
    assert services.s37_decide([], None) == (None, "")


def test_not_adopting_needs_its_reason_and_nothing_is_written_without_it(item, channel_chair, members):
    _attend(item.meeting, channel_chair, members)
    _views(item, channel_chair, members, channel_chair="not_adopt", police_prevent_officer="not_adopt")
    with pytest.raises(ChannelInvalid) as caught:
        services.decision_record(item=item, actor=channel_chair, note="Signposted.")
    assert caught.value.errors["reason_code"] == ["Select a reason"]
    assert not PanelDecision.objects.exists()
    assert ChannelCase.objects.get(pk=item.channel_case_id).state == S.LISTED


def test_views_only_from_present_members_and_views_possible_at_the_stage(item, channel_chair, members):
    _attend(item.meeting, channel_chair, members, second="absent")
    with pytest.raises(ChannelInvalid):
        _views(item, channel_chair, members, second="adopt")
    with pytest.raises(ChannelInvalid):
        _views(item, channel_chair, members, panel_member=MemberView.EXIT)


def test_only_the_chair_records_others_views_and_decisions(item, channel_chair, members, panel_member, prevent_lead):
    _attend(item.meeting, channel_chair, members)
    for user in (panel_member, prevent_lead):
        with pytest.raises(PanelActionRefused):
            services.views_record(item=item, actor=user, views={members["channel_chair"].pk: "adopt"})
        with pytest.raises(PanelActionRefused):
            services.decision_record(item=item, actor=user, note="x")
    assert AuditEvent.objects.filter(action="PANEL_VIEWS_RECORDED", outcome="refused").count() == 2


def test_a_present_member_records_their_own_view(item, channel_chair, members, panel_member, police_prevent_officer):
    _attend(item.meeting, channel_chair, members)
    services.views_record(item=item, actor=panel_member, views={members["panel_member"].pk: "adopt"})
    services.views_record(
        item=item, actor=police_prevent_officer, views={members["police_prevent_officer"].pk: "adopt"}
    )
    assert dict(item.views.values_list("member_id", "view")) == {
        members["panel_member"].pk: "adopt",
        members["police_prevent_officer"].pk: "adopt",
    }


def test_a_case_decided_stays_on_the_record(item, channel_chair, members):
    _attend(item.meeting, channel_chair, members)
    _views(item, channel_chair, members, channel_chair="adopt", police_prevent_officer="adopt")
    services.decision_record(item=item, actor=channel_chair, note="Adopted.")
    with pytest.raises(ChannelInvalid):
        services.agenda_item_remove(item=item, actor=channel_chair)
    with pytest.raises(ChannelInvalid):
        services.decision_record(item=item, actor=channel_chair, note="Again.")
    assert PanelDecision.objects.count() == 1


def test_a_case_whose_consent_was_refused_is_re_listed_at_a_meeting(meeting, channel_chair, channel_case, members):
    channel_case = bring_to(channel_case, S.CONSENT_REFUSED, users={"channel_chair": channel_chair})
    item = services.agenda_item_add(meeting=meeting, actor=channel_chair, channel_case=channel_case)
    _attend(meeting, channel_chair, members)
    _views(item, channel_chair, members, channel_chair="relist", police_prevent_officer="exit", panel_member="relist")
    decision = services.decision_record(
        item=item, actor=channel_chair, reason_code="REASSESSED_AFTER_REFUSAL", note="Re-assessed: listed again."
    )
    assert (decision.view, decision.rule) == ("relist", DecisionRule.MAJORITY)
    assert ChannelCase.objects.get(pk=channel_case.pk).state == S.LISTED


def test_views_before_the_meeting_day_are_refused(panel, channel_chair, channel_case, members):
    meeting = services.meeting_create(
        panel=panel, actor=channel_chair, date=timezone.localdate() + datetime.timedelta(days=3)
    )
    item = services.agenda_item_add(meeting=meeting, actor=channel_chair, channel_case=channel_case)
    _attend(meeting, channel_chair, members)
    with pytest.raises(ChannelInvalid) as caught:
        _views(item, channel_chair, members, channel_chair="adopt")
    assert "not happened yet" in caught.value.errors["__all__"][0]
