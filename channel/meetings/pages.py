"""What each meeting page shows, built from the selectors (kept out of the views so they stay thin)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from channel.case_sections import STEP_TITLES
from channel.models import AttendanceStatus
from channel.permissions import can_coordinate
from channel.selectors import channel_decisions

from . import selectors
from .choices import MemberView
from .forms import AgendaAddForm, DecisionForm, MinutesForm, ViewsForm
from .permissions import can_chair, can_manage_panel
from .quorum import quorum_missing
from .services import views_allowed

STATUS_LABELS = dict(AttendanceStatus.choices)
VIEW_LABELS = dict(MemberView.choices)


def _members(panel: Any, meeting: Any = None) -> list[dict[str, Any]]:
    attendance = selectors.attendance_for(meeting=meeting) if meeting is not None else {}
    return [
        {
            "member": member,
            "name": member.user.display_name or member.user.email,
            "organisation": member.organisation.name if member.organisation else "",
            "sector": member.get_sector_display(),
            "is_chair": member.user_id == panel.chair_id,
            "attendance": STATUS_LABELS.get(attendance.get(member.pk), "Not recorded"),
        }
        for member in selectors.panel_members(panel=panel, meeting=meeting)
    ]


def panel_context(panel: Any, user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    meetings = list(panel.meetings.order_by("-date"))
    return {
        "panel": panel,
        "members": _members(panel),
        "former_members": selectors.panel_former_members(panel=panel),
        "upcoming": [meeting for meeting in meetings if meeting.date >= today][::-1],
        "past": [meeting for meeting in meetings if meeting.date < today],
        "can_manage": can_manage_panel(panel, user),
    }


def meeting_context(meeting: Any, user: Any, add_form: Any = None) -> dict[str, Any]:
    manage = can_manage_panel(meeting.panel, user)
    candidates = selectors.agenda_candidates(meeting=meeting, user=user) if manage else []
    items = selectors.agenda_items(meeting=meeting)
    return {
        "meeting": meeting,
        "panel": meeting.panel,
        "items": items,
        "readable": selectors.agenda_items_readable(user=user, items=items),
        "members": _members(meeting.panel, meeting),
        "can_manage": manage,
        "is_past": meeting.date < timezone.localdate(),
        "add_form": add_form
        if add_form is not None
        else (AgendaAddForm(candidates=candidates) if candidates else None),
        "form": add_form,
    }


def _decisions_so_far(channel_case: Any) -> list[dict[str, Any]]:
    return [
        {"title": STEP_TITLES.get(decision.transition, "Channel step recorded"), "at": decision.created_at}
        for decision in channel_decisions(channel_case=channel_case)
    ]


def item_context(item: Any, user: Any, **forms: Any) -> dict[str, Any]:
    """A case at the meeting: references, stage and dates, its earlier decisions (titles only), the present
    members and their views, the decision and the minutes (readable by those the case is open to)."""
    meeting = item.meeting
    channel_case = item.channel_case
    present = selectors.present_members(meeting=meeting)
    views, decision, minutes, vaf = selectors.agenda_item_records(item=item)
    allowed = views_allowed(item)
    chair = can_chair(meeting.panel, user)
    initial_views = {f"member_{member_id}": view for member_id, view in views.items()}
    # A present member who is not the chair gives their own view only (ACCESS.md).
    own = [member for member in present if member.user_id == user.pk]
    form_members = present if chair else own
    return {
        "meeting": meeting,
        "item": item,
        "channel_case": channel_case,
        "referral": channel_case.referral,
        "earlier": _decisions_so_far(channel_case),
        "present": [
            {
                "name": m.user.display_name or m.user.email,
                "sector": m.get_sector_display(),
                "view": VIEW_LABELS.get(views.get(m.pk), ""),
            }
            for m in present
        ],
        "missing": quorum_missing(meeting=meeting, channel_case=channel_case),
        "decision": decision,
        "minutes": minutes.text if minutes else "",
        "vaf": vaf,
        "can_assess_vaf": vaf is None and channel_case.is_open and can_coordinate(channel_case, user),
        "can_chair": chair and decision is None and bool(allowed),
        "can_give_view": not chair and bool(own) and decision is None and bool(allowed),
        "can_manage": can_manage_panel(meeting.panel, user),
        "views_form": forms.get("views_form")
        or ViewsForm(initial=initial_views, members=form_members, allowed=allowed),
        "decision_form": forms.get("decision_form") or DecisionForm(allowed=allowed),
        "minutes_form": forms.get("minutes_form") or MinutesForm(initial={"text": minutes.text if minutes else ""}),
        "form": forms.get("views_form") or forms.get("decision_form") or forms.get("minutes_form"),
    }


def record_context(meeting: Any) -> dict[str, Any]:
    """The decision record: references, attendance, and for each case the decision, the rule and the counts."""
    items = selectors.agenda_items(meeting=meeting)
    return {
        "meeting": meeting,
        "panel": meeting.panel,
        "members": _members(meeting.panel, meeting),
        "items": items,  # each with its decision, joined by the selector
    }
