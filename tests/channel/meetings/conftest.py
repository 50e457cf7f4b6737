from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Role


@pytest.fixture
def second_member(local_authority, make_user):
    return make_user(local_authority, Role.PANEL_MEMBER, prefix="second-")


@pytest.fixture
def panel(local_authority, channel_chair, panel_member, police_prevent_officer, second_member):
    """The council's panel: the chair, a police officer and two panel members, all members."""
    from channel.models import Panel, PanelMember

    panel = Panel.objects.create(
        local_authority=local_authority,
        name="Testshire Channel panel",
        chair=channel_chair,
        police_force="Testshire Police",
    )
    for user, sector in (
        (channel_chair, "local_authority"),
        (police_prevent_officer, "police"),
        (panel_member, "health"),
        (second_member, "education"),
    ):
        PanelMember.objects.create(panel=panel, user=user, sector=sector)
    return panel


@pytest.fixture
def members(panel, channel_chair, police_prevent_officer, panel_member, second_member):
    users = {
        "channel_chair": channel_chair,
        "police_prevent_officer": police_prevent_officer,
        "panel_member": panel_member,
        "second": second_member,
    }
    return {key: panel.members.get(user=user) for key, user in users.items()}


@pytest.fixture
def meeting(panel, channel_chair):
    from channel.meetings.services import meeting_create

    return meeting_create(panel=panel, actor=channel_chair, date=timezone.localdate())


@pytest.fixture
def item(meeting, channel_case, channel_chair):
    from channel.meetings.services import agenda_item_add

    return agenda_item_add(meeting=meeting, actor=channel_chair, channel_case=channel_case)


@pytest.fixture
def all_present(meeting, panel, channel_chair):
    from channel.meetings.services import attendance_record

    attendance_record(
        meeting=meeting, actor=channel_chair, statuses={member.pk: "present" for member in panel.members.all()}
    )
