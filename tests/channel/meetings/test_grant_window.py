"""A panel member reads the cases on a meeting's agenda from PANEL_GRANT_DAYS_BEFORE days before it to
PANEL_GRANT_DAYS_AFTER days after it, and no other case (ACCESS.md). Time moves by explicit datetimes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from channel.meetings import services
from channel.meetings.grants import panel_grants_sync
from referrals.models import ReferralUserObjectPermission
from referrals.selectors import referral_is_visible

pytestmark = pytest.mark.django_db


def _at(monkeypatch, moment: datetime.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _local(date: datetime.date, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(date, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def future_meeting(panel, channel_chair):
    return services.meeting_create(
        panel=panel, actor=channel_chair, date=timezone.localdate() + datetime.timedelta(days=10)
    )


def test_the_window_opens_five_days_before_and_closes_two_days_after(
    monkeypatch, *, future_meeting, channel_case, channel_chair, panel_member, second_member, settings
):
    assert (settings.PANEL_GRANT_DAYS_BEFORE, settings.PANEL_GRANT_DAYS_AFTER) == (5, 2)
    services.agenda_item_add(meeting=future_meeting, actor=channel_chair, channel_case=channel_case)
    reference = channel_case.referral.reference
    day = future_meeting.date
    opens = _local(day - datetime.timedelta(days=5))
    closes = _local(day + datetime.timedelta(days=3))
    for member in (panel_member, second_member):
        _at(monkeypatch, opens - datetime.timedelta(minutes=1))
        assert not referral_is_visible(user=member, reference=reference)
        _at(monkeypatch, opens)
        assert referral_is_visible(user=member, reference=reference)
        _at(monkeypatch, _local(day, 10))
        assert referral_is_visible(user=member, reference=reference)
        _at(monkeypatch, closes - datetime.timedelta(minutes=1))
        assert referral_is_visible(user=member, reference=reference)
        _at(monkeypatch, closes)
        assert not referral_is_visible(user=member, reference=reference)


def test_the_window_follows_the_settings(
    monkeypatch, *, future_meeting, channel_case, channel_chair, panel_member, settings
):
    settings.PANEL_GRANT_DAYS_BEFORE = 1
    settings.PANEL_GRANT_DAYS_AFTER = 0
    services.agenda_item_add(meeting=future_meeting, actor=channel_chair, channel_case=channel_case)
    reference = channel_case.referral.reference
    _at(monkeypatch, _local(future_meeting.date - datetime.timedelta(days=2), 12))
    assert not referral_is_visible(user=panel_member, reference=reference)
    _at(monkeypatch, _local(future_meeting.date - datetime.timedelta(days=1), 12))
    assert referral_is_visible(user=panel_member, reference=reference)
    _at(monkeypatch, _local(future_meeting.date + datetime.timedelta(days=1), 0))
    assert not referral_is_visible(user=panel_member, reference=reference)


def test_no_other_case_and_no_other_panel_member(
    monkeypatch,
    *,
    future_meeting,
    channel_case,
    channel_chair,
    panel_member,
    referrer,
    triage_officer,
    local_authority,
    make_user,
):
    from referrals import services as referral_services
    from tests.referrals.factories import information_gathering_referral

    services.agenda_item_add(meeting=future_meeting, actor=channel_chair, channel_case=channel_case)
    other = referral_services.referral_refer_to_channel(
        referral=information_gathering_referral(user=referrer, screener=triage_officer), actor=triage_officer
    )
    outsider = make_user(local_authority, Role.PANEL_MEMBER, prefix="outsider-")
    _at(monkeypatch, _local(future_meeting.date, 10))
    assert referral_is_visible(user=panel_member, reference=channel_case.referral.reference)
    assert not referral_is_visible(user=panel_member, reference=other.reference)
    assert not referral_is_visible(user=outsider, reference=channel_case.referral.reference)


def test_removing_the_case_ends_the_grant_and_moving_the_meeting_moves_the_window(
    monkeypatch, future_meeting, channel_case, channel_chair, panel_member
):
    item = services.agenda_item_add(meeting=future_meeting, actor=channel_chair, channel_case=channel_case)
    grant = ReferralUserObjectPermission.objects.get(user=panel_member)
    assert grant.reason_code == "PANEL_MEETING"
    later = future_meeting.date + datetime.timedelta(days=7)
    services.meeting_reschedule(meeting=future_meeting, actor=channel_chair, date=later)
    grant.refresh_from_db()
    assert grant.starts_at == _local(later - datetime.timedelta(days=5))
    assert grant.expires_at == _local(later + datetime.timedelta(days=3))
    services.agenda_item_remove(item=item, actor=channel_chair)
    assert not ReferralUserObjectPermission.objects.filter(user=panel_member).exists()


def test_a_case_on_two_agendas_opens_the_next_window_once_the_first_closed(
    monkeypatch, *, panel, future_meeting, channel_case, channel_chair, panel_member
):
    services.agenda_item_add(meeting=future_meeting, actor=channel_chair, channel_case=channel_case)
    next_one = services.meeting_create(
        panel=panel, actor=channel_chair, date=future_meeting.date + datetime.timedelta(days=28)
    )
    services.agenda_item_add(meeting=next_one, actor=channel_chair, channel_case=channel_case)
    reference = channel_case.referral.reference
    between = _local(future_meeting.date + datetime.timedelta(days=10))
    _at(monkeypatch, between)
    assert not referral_is_visible(user=panel_member, reference=reference)
    panel_grants_sync(now=between)  # the nightly sync
    _at(monkeypatch, _local(next_one.date - datetime.timedelta(days=5)))
    assert referral_is_visible(user=panel_member, reference=reference)
