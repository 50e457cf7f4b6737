"""The case page's "Panel" section: the meetings a Channel case was or is on and what each decided,
registered from ChannelConfig.ready() into the registry `referrals` owns (referrals/sections.py)."""

from __future__ import annotations

from typing import Any

from channel.models import ChannelCase
from channel.selectors import channel_stage_of
from referrals import sections

from . import selectors


def _context(referral: Any, user: Any) -> dict[str, Any]:
    channel_case = ChannelCase.objects.filter(referral=referral).first()
    if channel_case is None:
        return {"panel_items": []}
    visible_meetings = set(selectors.meeting_list_visible(user=user).values_list("pk", flat=True))
    return {
        "panel_items": [
            {
                "meeting": item.meeting,
                "linked": item.meeting_id in visible_meetings,
                "decision": getattr(item, "decision", None),
            }
            for item in selectors.agenda_items_for_case(channel_case=channel_case, user=user)
        ]
    }


def _visible(referral: Any, user: Any) -> bool:
    return channel_stage_of(referral) is not None


def register_case_sections() -> None:
    sections.register(sections.CaseSection("panel", "Panel", 62, "channel/meetings/section.html", _context, _visible))
