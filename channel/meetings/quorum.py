"""Quorum of a panel decision (ACCESS.md): the chair (the council, s.37) and a police officer for the
person's area recorded present at the meeting."""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from channel.models import Attendance, AttendanceStatus


def quorum_missing(*, meeting: Any, channel_case: Any) -> list[str]:
    """Who is missing for a decision on this case ("the chair", "a police officer for the person's area");
    empty when the panel is quorate."""
    present = [
        row.member.user
        for row in Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).select_related(
            "member__user"
        )
    ]
    area = channel_case.referral.local_authority_id
    chair = any(
        user.has_role(Role.CHANNEL_CHAIR) and user.local_authority_id == meeting.panel.local_authority_id
        for user in present
    )
    police = any(user.has_role(Role.POLICE_PREVENT_OFFICER) and user.local_authority_id == area for user in present)
    missing = []
    if not chair:
        missing.append("the chair")
    if not police:
        missing.append("a police officer for the person's area")
    return missing
