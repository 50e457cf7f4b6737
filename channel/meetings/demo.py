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
from channel.models import ChannelCase, Meeting, Panel, PanelMember

from . import services

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
    """The meeting held a week ago: everyone present, the members' views, the panel adopting `decided`
    unanimously; then the next meeting, in a week, with `agenda` on it."""
    chair = users["chair"]
    today = timezone.localdate()
    held = services.meeting_create(panel=panel, actor=chair, date=today)
    item = services.agenda_item_add(meeting=held, actor=chair, channel_case=decided)
    members = list(panel.members.all())
    services.attendance_record(meeting=held, actor=chair, statuses={member.pk: "present" for member in members})
    services.views_record(item=item, actor=chair, views={member.pk: "adopt" for member in members})
    services.minutes_record(item=item, actor=chair, text="Demo: the panel discussed the case and agreed to adopt it.")
    services.decision_record(item=item, actor=chair, note="Demo: the panel found vulnerability and offered support.")
    # Demo only: the meeting is recorded today and shown as held a week ago (a new meeting cannot be in the past).
    Meeting.objects.filter(pk=held.pk).update(date=today - datetime.timedelta(days=7))
    upcoming = services.meeting_create(panel=panel, actor=chair, date=today + datetime.timedelta(days=7))
    for channel_case in agenda:
        services.agenda_item_add(meeting=upcoming, actor=chair, channel_case=channel_case)
