"""The demo panels (development only): a panel for each demo council with its chair, police officer and
panel member as members; for the first council a meeting held a week ago (attendance, views, a decision)
and the next meeting in a week with an agenda, all through the services."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services.users import DEMO_AUTHORITIES, demo_email
from channel.models import AgendaMinutes, ChannelCase, Meeting, Panel, PanelDecision, PanelMember, PanelMemberView

from . import services
from .grants import panel_grants_sync_case

# The demo's past meeting was held this many days before the demo is seeded; the next one is as many days after.
HELD_DAYS_AGO = 7

MEMBER_ROLES = (
    (Role.CHANNEL_CHAIR, "local_authority"),
    (Role.POLICE_PREVENT_OFFICER, "police"),
    (Role.PANEL_MEMBER, ""),
)


def _panel_for(prefix: str) -> Panel | None:
    emails = {role: demo_email(role, prefix) for role, _ in MEMBER_ROLES}
    users = {user.email: user for user in User.objects.filter(email__in=emails.values(), is_active=True)}
    chair = users.get(emails[Role.CHANNEL_CHAIR])
    if chair is None or chair.local_authority_id is None:
        return None
    panel, _ = Panel.objects.get_or_create(
        local_authority_id=chair.local_authority_id,
        name="Channel panel",
        defaults={"chair": chair, "police_force": "Demo Police Force"},
    )
    for role, sector in MEMBER_ROLES:
        user = users.get(emails[role])
        if user is None:
            continue
        organisation = user.membership.organisation
        PanelMember.objects.get_or_create(
            panel=panel,
            user=user,
            defaults={
                "organisation": organisation,
                "sector": sector or (organisation.sector if organisation else "other"),
            },
        )
    return panel


def demo_panels_seed() -> list[Panel]:
    """A panel for each demo council whose demo chair exists."""
    with transaction.atomic():
        return [panel for demo in DEMO_AUTHORITIES if (panel := _panel_for(demo.email_prefix)) is not None]


def demo_meetings_seed(*, panel: Panel, decided: ChannelCase, agenda: list[ChannelCase], users: dict[str, Any]) -> None:
    """The meeting held HELD_DAYS_AGO days ago: everyone present, the members' views, the panel adopting `decided`
    unanimously; then the next meeting, as many days ahead, with `agenda` on it."""
    chair = users["chair"]
    today = timezone.localdate()
    held = services.meeting_create(panel=panel, actor=chair, date=today)
    item = services.agenda_item_add(meeting=held, actor=chair, channel_case=decided)
    members = list(panel.members.all())
    services.attendance_record(meeting=held, actor=chair, statuses={member.pk: "present" for member in members})
    services.views_record(item=item, actor=chair, views={member.pk: "adopt" for member in members})
    services.minutes_record(item=item, actor=chair, text="Demo: the panel discussed the case and agreed to adopt it.")
    services.decision_record(item=item, actor=chair, note="Demo: the panel found vulnerability and offered support.")
    _held_days_ago(held, decided, actor=chair)
    upcoming = services.meeting_create(panel=panel, actor=chair, date=today + datetime.timedelta(days=HELD_DAYS_AGO))
    for channel_case in agenda:
        services.agenda_item_add(meeting=upcoming, actor=chair, channel_case=channel_case)


def _held_days_ago(meeting: Meeting, decided: ChannelCase, *, actor: Any) -> None:
    """Demo only: the meeting is recorded today and shown as held HELD_DAYS_AGO days ago (a new meeting cannot be
    in the past), its records dated that day too (the decision's Channel step is dated by channel/demo.py), and the
    panel members' grant windows moved with it (so they have closed, as the rule says)."""
    held_on = timezone.localdate() - datetime.timedelta(days=HELD_DAYS_AGO)
    at = datetime.datetime.combine(held_on, datetime.time(11), tzinfo=timezone.get_current_timezone())
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(date=held_on)
        PanelMemberView.objects.filter(agenda_item__meeting=meeting).update(recorded_at=at)
        AgendaMinutes.objects.filter(agenda_item__meeting=meeting).update(created_at=at, updated_at=at)
        PanelDecision.objects.filter(agenda_item__meeting=meeting).update(decided_at=at)
        panel_grants_sync_case(channel_case=decided, actor=actor)
