"""The pages a chair runs a panel meeting from, and what the other roles get."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from channel.choices import ChannelStage
from channel.models import AgendaItem, ChannelCase, Meeting

pytestmark = pytest.mark.django_db


def _date(day: datetime.date) -> dict[str, str]:
    return {"date_day": str(day.day), "date_month": str(day.month), "date_year": str(day.year)}


def test_a_past_date_is_refused_with_an_error_summary(client, panel, channel_chair):
    client.force_login(channel_chair)
    url = reverse("channel:meeting-create", args=[panel.pk])
    response = client.post(url, _date(timezone.localdate() - datetime.timedelta(days=2)))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "The date of the meeting must be today or in the future" in body
    assert not Meeting.objects.exists()


def test_the_chair_runs_a_meeting_from_the_pages(client, panel, channel_chair, channel_case, members):
    client.force_login(channel_chair)
    home = client.get(reverse("home")).content.decode()
    assert reverse("channel:panel-list") in home
    response = client.post(reverse("channel:meeting-create", args=[panel.pk]), _date(timezone.localdate()))
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("channel:meeting-detail", args=[meeting.pk])
    reference = channel_case.referral.reference
    page = client.get(response["Location"]).content.decode()
    assert reference in page  # offered for the agenda
    client.post(reverse("channel:agenda-add", args=[meeting.pk]), {"case": reference})
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1
    item_url = reverse("channel:agenda-item", args=[meeting.pk, reference])
    # No attendance yet: the decision is refused, naming who is missing.
    refused = client.post(reverse("channel:agenda-decision", args=[meeting.pk, reference]), {"note": "x"})
    body = refused.content.decode()
    assert "There is a problem" in body
    assert "the chair and a police officer for the person&#x27;s area are not recorded as present" in body
    statuses = {f"member_{member.pk}": "present" for member in members.values()}
    assert client.post(reverse("channel:meeting-attendance", args=[meeting.pk]), statuses).status_code == 302
    views = {f"member_{members[key].pk}": "adopt" for key in ("channel_chair", "police_prevent_officer")}
    assert client.post(reverse("channel:agenda-views", args=[meeting.pk, reference]), views).status_code == 302
    done = client.post(
        reverse("channel:agenda-decision", args=[meeting.pk, reference]), {"note": "Adopted: canary-note"}
    )
    assert done.status_code == 302
    assert ChannelCase.objects.get(pk=channel_case.pk).state == ChannelStage.AWAITING_CONSENT
    client.post(reverse("channel:agenda-minutes", args=[meeting.pk, reference]), {"text": "canary-minutes"})
    item_page = client.get(item_url).content.decode()
    assert "Unanimous view of the members present" in item_page
    assert "canary-minutes" in item_page
    assert AuditEvent.objects.filter(action="CASE_CONTENT_READ", details__section="panel_summary").exists()
    record = client.get(reverse("channel:meeting-record", args=[meeting.pk])).content.decode()
    assert reference in record
    assert "Adopt the case" in record
    assert "canary" not in record  # references and decisions, no narratives
    section = client.get(reverse("referrals:referral-section", args=[reference, "panel"])).content.decode()
    assert "Adopt the case" in section


def test_a_panel_member_sees_their_meetings_and_the_agenda_in_the_window(client, meeting, item, panel_member):
    client.force_login(panel_member)
    home = client.get(reverse("home")).content.decode()
    assert reverse("channel:meeting-detail", args=[meeting.pk]) in home
    page = client.get(reverse("channel:meeting-detail", args=[meeting.pk])).content.decode()
    reference = item.channel_case.referral.reference
    assert reference in page
    assert "Record attendance" not in page
    assert client.get(reverse("channel:agenda-item", args=[meeting.pk, reference])).status_code == 200
    assert client.post(reverse("channel:agenda-remove", args=[meeting.pk, reference])).status_code == 403
    assert client.get(reverse("channel:meeting-attendance", args=[meeting.pk])).status_code == 403


def test_before_their_window_a_panel_member_sees_the_reference_without_a_link_that_would_404(
    client, panel, channel_chair, channel_case, panel_member
):
    from channel.meetings.services import agenda_item_add, meeting_create

    later = meeting_create(panel=panel, actor=channel_chair, date=timezone.localdate() + datetime.timedelta(days=10))
    agenda_item_add(meeting=later, actor=channel_chair, channel_case=channel_case)
    reference = channel_case.referral.reference
    item_url = reverse("channel:agenda-item", args=[later.pk, reference])
    client.force_login(panel_member)
    page = client.get(reverse("channel:meeting-detail", args=[later.pk])).content.decode()
    assert reference in page
    assert item_url not in page
    assert client.get(item_url).status_code == 404
    client.force_login(channel_chair)
    assert item_url in client.get(reverse("channel:meeting-detail", args=[later.pk])).content.decode()


def test_a_case_not_on_the_agenda_is_a_404(client, meeting, channel_chair, channel_case):
    client.force_login(channel_chair)
    reference = channel_case.referral.reference
    assert client.get(reverse("channel:agenda-item", args=[meeting.pk, reference])).status_code == 404
    assert client.post(reverse("channel:agenda-decision", args=[meeting.pk, reference]), {}).status_code == 404


def test_another_council_s_chair_gets_a_404(client, meeting, make_user, other_local_authority):
    from accounts.models import Role

    client.force_login(make_user(other_local_authority, Role.CHANNEL_CHAIR, prefix="far-"))
    assert client.get(reverse("channel:meeting-detail", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("channel:panel-detail", args=[meeting.panel_id])).status_code == 404


def test_a_present_panel_member_gives_their_own_view_and_no_one_else_s(
    client, item, all_present, panel_member, members
):
    meeting = item.meeting
    reference = item.channel_case.referral.reference
    client.force_login(panel_member)
    page = client.get(reverse("channel:agenda-item", args=[meeting.pk, reference])).content.decode()
    assert "Your view" in page
    assert "Record the panel&#x27;s decision" not in page
    url = reverse("channel:agenda-views", args=[meeting.pk, reference])
    assert client.post(url, {f"member_{members['panel_member'].pk}": "adopt"}).status_code == 302
    assert client.post(url, {f"member_{members['second'].pk}": "adopt"}).status_code == 403
    assert dict(item.views.values_list("member_id", "view")) == {members["panel_member"].pk: "adopt"}


def test_bad_input_on_the_meeting_pages_is_never_a_500(client, item, all_present, channel_chair):
    meeting = item.meeting
    reference = item.channel_case.referral.reference
    client.force_login(channel_chair)
    views = client.post(reverse("channel:agenda-views", args=[meeting.pk, reference]), {"member_x": "adopt"})
    assert views.status_code == 200
    assert "Select at least one member" in views.content.decode()
    bad_view = client.post(reverse("channel:agenda-views", args=[meeting.pk, reference]), {"member_999999": "adopt"})
    assert "Only members recorded as present can give a view" in bad_view.content.decode()
    move = client.post(reverse("channel:agenda-move", args=[meeting.pk, reference]), {"direction": "sideways"})
    assert move.status_code == 302
    add = client.post(reverse("channel:agenda-add", args=[meeting.pk]), {"case": "PRV-1999-000001"})
    assert "Select a case to add" in add.content.decode()
    date = client.post(reverse("channel:meeting-date", args=[meeting.pk]), {"date_day": "31", "date_month": "2"})
    assert date.status_code == 200
    assert "There is a problem" in date.content.decode()
    long_minutes = client.post(reverse("channel:agenda-minutes", args=[meeting.pk, reference]), {"text": "x" * 10001})
    assert "10000 characters or fewer" in long_minutes.content.decode()


def test_the_case_at_a_meeting_links_its_vaf_assessment_and_shows_it_once_recorded(
    client, item, channel_chair, panel_member, all_present
):
    from channel.support.selectors import vaf_catalogue_current
    from channel.support.vaf import vaf_assessment_create

    reference = item.channel_case.referral.reference
    item_url = reverse("channel:agenda-item", args=[item.meeting.pk, reference])
    client.force_login(channel_chair)
    page = client.get(item_url).content.decode()
    vaf_url = reverse("channel:vaf-assessment-create", args=[reference]) + f"?agenda_item={item.pk}"
    assert f'href="{vaf_url}"' in page
    assert "Assess the VAF for this meeting" in page
    catalogue = vaf_catalogue_current()
    vaf_assessment_create(
        channel_case=item.channel_case,
        actor=channel_chair,
        catalogue=catalogue,
        occasion="adoption",
        assessed_on=timezone.localdate(),
        ratings={str(factor.pk): (1, "") for factor in catalogue.factors.all()},
        agenda_item=item,
    )
    page = client.get(item_url).content.decode()
    assert "Assess the VAF for this meeting" not in page
    assert f"Recorded on {timezone.localdate():%-d %B %Y} (at adoption)." in page
    # A panel member reads the meeting's case but does not assess: no link for them.
    client.force_login(panel_member)
    member_page = client.get(item_url).content.decode()
    assert "Recorded on" in member_page
    assert vaf_url not in member_page
