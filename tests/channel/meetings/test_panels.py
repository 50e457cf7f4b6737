"""Setting up a panel and adding members (the chair and the Prevent lead of the council)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from channel.exceptions import ChannelInvalid
from channel.meetings import panels, services
from channel.meetings.exceptions import PanelActionRefused
from channel.models import Panel, PanelMember
from referrals.selectors import referral_is_visible

pytestmark = pytest.mark.django_db


def test_the_prevent_lead_sets_up_a_panel_chaired_by_the_council_s_chair(prevent_lead, channel_chair, assert_audited):
    panel = panels.panel_create(
        actor=prevent_lead, name="North panel", police_force="North Police", chair=channel_chair
    )
    assert panel.local_authority_id == prevent_lead.local_authority_id
    assert list(panel.members.values_list("user_id", flat=True)) == [channel_chair.pk]
    assert_audited("PANEL_CREATED", panel)


def test_a_panel_needs_a_name_a_force_and_a_chair_of_the_council(prevent_lead, triage_officer):
    with pytest.raises(ChannelInvalid) as caught:
        panels.panel_create(actor=prevent_lead, name=" ", police_force="", chair=triage_officer)
    assert set(caught.value.errors) == {"name", "police_force", "chair"}
    assert not Panel.objects.exists()


def test_a_panel_member_may_not_set_up_a_panel(panel_member, channel_chair):
    with pytest.raises(PanelActionRefused):
        panels.panel_create(actor=panel_member, name="Mine", police_force="Force", chair=channel_chair)
    assert AuditEvent.objects.filter(action="PANEL_CREATED", outcome="refused").exists()


def test_a_member_added_gets_the_window_of_the_cases_already_on_the_agenda(
    panel, *, channel_chair, channel_case, local_authority, make_user
):
    meeting = services.meeting_create(panel=panel, actor=channel_chair, date=timezone.localdate())
    services.agenda_item_add(meeting=meeting, actor=channel_chair, channel_case=channel_case)
    newcomer = make_user(local_authority, Role.PANEL_MEMBER, prefix="new-")
    reference = channel_case.referral.reference
    assert not referral_is_visible(user=newcomer, reference=reference)
    panels.panel_member_add(panel=panel, actor=channel_chair, user=newcomer, organisation=None, sector="health")
    assert referral_is_visible(user=newcomer, reference=reference)
    assert AuditEvent.objects.filter(action="PANEL_MEMBER_ADDED", outcome="done").exists()


def test_a_member_must_be_of_the_council_and_not_on_the_panel_already(
    panel, channel_chair, panel_member, make_user, other_local_authority
):
    far = make_user(other_local_authority, Role.PANEL_MEMBER, prefix="far-")
    for user in (far, panel_member):
        with pytest.raises(ChannelInvalid) as caught:
            panels.panel_member_add(panel=panel, actor=channel_chair, user=user, organisation=None, sector="health")
        assert "user" in caught.value.errors
    with pytest.raises(PanelActionRefused):
        panels.panel_member_add(panel=panel, actor=panel_member, user=far, organisation=None, sector="health")


def test_setting_up_a_panel_and_adding_a_member_through_the_pages(client, prevent_lead, channel_chair, panel_member):
    client.force_login(prevent_lead)
    listing = client.get(reverse("channel:panel-list")).content.decode()
    assert reverse("channel:panel-create") in listing
    empty = client.post(reverse("channel:panel-create"), {})
    assert "There is a problem" in empty.content.decode()
    done = client.post(
        reverse("channel:panel-create"),
        {"name": "North panel", "police_force": "North Police", "chair": channel_chair.pk},
    )
    panel = Panel.objects.get()
    assert done["Location"] == reverse("channel:panel-detail", args=[panel.pk])
    added = client.post(
        reverse("channel:panel-member-add", args=[panel.pk]), {"user": panel_member.pk, "sector": "health"}
    )
    assert added.status_code == 302
    assert PanelMember.objects.filter(panel=panel, user=panel_member, sector="health").exists()
    page = client.get(reverse("channel:panel-detail", args=[panel.pk])).content.decode()
    assert "Health" in page


def test_a_member_who_leaves_loses_the_panel_and_its_cases_at_once_and_may_come_back(
    item, channel_chair, panel_member, members, assert_audited
):
    from channel.meetings.selectors import panel_list_visible, panel_members

    panel, reference = item.meeting.panel, item.channel_case.referral.reference
    services.attendance_record(
        meeting=item.meeting, actor=channel_chair, statuses={m.pk: "present" for m in members.values()}
    )
    assert referral_is_visible(user=panel_member, reference=reference)
    panels.panel_member_remove(member=members["panel_member"], actor=channel_chair)
    assert_audited("PANEL_MEMBER_REMOVED", panel, user_id=panel_member.pk)
    assert not referral_is_visible(user=panel_member, reference=reference)
    assert not panel_list_visible(user=panel_member).exists()
    assert panel_member.pk not in {m.user_id for m in panel_members(panel=panel)}
    # Today's meeting keeps them: their attendance is on its record.
    assert panel_member.pk in {m.user_id for m in panel_members(panel=panel, meeting=item.meeting)}
    later = services.meeting_create(
        panel=panel, actor=channel_chair, date=timezone.localdate() + timezone.timedelta(days=14)
    )
    assert panel_member.pk not in {m.user_id for m in panel_members(panel=panel, meeting=later)}
    with pytest.raises(ChannelInvalid) as caught:
        panels.panel_member_remove(member=PanelMember.objects.get(user=panel_member), actor=channel_chair)
    assert caught.value.errors == {"__all__": ["This person has left the panel already"]}
    # Back again: the same row, the grant to the case on the agenda restored.
    panels.panel_member_add(panel=panel, actor=channel_chair, user=panel_member, organisation=None, sector="health")
    assert PanelMember.objects.get(user=panel_member).left_on is None
    assert referral_is_visible(user=panel_member, reference=reference)


def test_the_chair_cannot_leave_and_only_a_manager_removes(panel, members, channel_chair, panel_member, second_member):
    with pytest.raises(ChannelInvalid) as caught:
        panels.panel_member_remove(member=members["channel_chair"], actor=channel_chair)
    assert "The chair cannot leave the panel" in caught.value.errors["__all__"][0]
    with pytest.raises(PanelActionRefused):
        panels.panel_member_remove(member=members["second"], actor=panel_member)
    assert AuditEvent.objects.filter(action="PANEL_MEMBER_REMOVED", outcome="refused").exists()
    assert not PanelMember.objects.filter(left_on__isnull=False).exists()


def test_removing_a_member_through_the_pages(client, panel, members, channel_chair, second_member):
    client.force_login(channel_chair)
    detail = reverse("channel:panel-detail", args=[panel.pk])
    remove = reverse("channel:panel-member-remove", args=[panel.pk, members["second"].pk])
    page = client.get(detail).content.decode()
    assert f'href="{remove}"' in page
    assert reverse("channel:panel-member-remove", args=[panel.pk, members["channel_chair"].pk]) not in page
    confirm = client.get(remove).content.decode()
    assert "Remove from the panel" in confirm
    assert client.post(remove)["Location"] == detail
    page = client.get(detail).content.decode()
    assert f'href="{remove}"' not in page
    assert 'data-testid="former-members"' in page
    assert f"left on {timezone.localdate():%-d %B %Y}" in page
    again = client.post(remove)
    assert again.status_code == 400
    assert "This person has left the panel already" in again.content.decode()
    chair = client.get(reverse("channel:panel-member-remove", args=[panel.pk, members["channel_chair"].pk]))
    assert "The chair cannot leave the panel" in chair.content.decode()
    assert "Remove from the panel</button>" not in chair.content.decode()
