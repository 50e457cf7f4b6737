"""Every write of a panel meeting: the meeting, its agenda, attendance, minutes, members' views and the
panel's decisions. Each is one transaction with its audit event; refusals are recorded (committed on their
own) before it opens. The panel members' grants follow the agenda (channel/meetings/grants.py)."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction
from channel.exceptions import ChannelInvalid
from channel.models import AgendaItem, Attendance, AttendanceStatus, ChannelCase, Meeting, Panel, PanelMember
from referrals.choices import ReferralStatus

from .choices import AGENDA_STAGES
from .decisions import decision_record, may_give_own_view, s37_decide, views_allowed, views_record
from .grants import panel_grants_sync_case
from .models import MINUTES_MAX_LENGTH, AgendaMinutes, PanelDecision, PanelMemberView
from .permissions import can_manage_panel
from .refusals import require


def _date_errors(*, panel: Panel, date: Any, meeting: Meeting | None = None) -> tuple[str, dict[str, list[str]]]:
    if not isinstance(date, datetime.date):
        return "no_date", {"date": ["Enter the date of the meeting"]}
    if date < timezone.localdate():
        return "date_in_past", {"date": ["The date of the meeting must be today or in the future"]}
    clash = Meeting.objects.filter(panel=panel, date=date)
    if meeting is not None:
        clash = clash.exclude(pk=meeting.pk)
    if clash.exists():
        return "date_taken", {"date": ["The panel already meets on that date: choose another date"]}
    return "", {}


def meeting_create(*, panel: Panel, actor: Any, date: Any) -> Meeting:
    """Arrange a meeting of the panel on a date that is not in the past (a refused date is audited)."""
    action = AuditAction.PANEL_MEETING_CREATED
    require(can_manage_panel(panel, actor), actor=actor, action=action, target=panel, details={"panel_id": panel.pk})
    because, errors = _date_errors(panel=panel, date=date)
    if errors:
        audit.record_refusal(actor=actor, action=action, target=panel, details={"refused_because": because})
        raise ChannelInvalid(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(panel=panel, date=date)
        audit.record(
            actor=actor,
            action=action,
            target=meeting,
            details={"panel_id": panel.pk, "meeting_id": meeting.pk, "meeting_date": date.isoformat()},
        )
    return meeting


def meeting_reschedule(*, meeting: Meeting, actor: Any, date: Any) -> Meeting:
    """Move a meeting to another date (not in the past); the members' grant windows move with it."""
    action = AuditAction.PANEL_MEETING_RESCHEDULED
    panel = meeting.panel
    require(can_manage_panel(panel, actor), actor=actor, action=action, target=meeting)
    because, errors = _date_errors(panel=panel, date=date, meeting=meeting)
    if not errors and meeting.date < timezone.localdate():
        because, errors = "meeting_held", {"date": ["This meeting has been held: it cannot be moved"]}
    if errors:
        audit.record_refusal(actor=actor, action=action, target=meeting, details={"refused_because": because})
        raise ChannelInvalid(errors)
    with transaction.atomic():
        meeting.date = date
        meeting.save(update_fields=["date"])
        for item in AgendaItem.objects.filter(meeting=meeting).select_related("channel_case__referral"):
            panel_grants_sync_case(channel_case=item.channel_case, actor=actor)
        audit.record(
            actor=actor,
            action=action,
            target=meeting,
            details={"meeting_id": meeting.pk, "meeting_date": date.isoformat()},
        )
    return meeting


def _agenda_audit(*, actor: Any, item: AgendaItem, change: str) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.PANEL_AGENDA_CHANGED,
        target=item.channel_case,
        details={"meeting_id": item.meeting_id, "change": change, "order": item.order},
    )


def agenda_item_add(*, meeting: Meeting, actor: Any, channel_case: ChannelCase) -> AgendaItem:
    """Put an open Channel case of the panel's council (listed, awaiting consent, supported; or consent
    refused or exited, to be exited or re-listed) at the end of the agenda, and
    open it to the panel's members for the meeting's grant window."""
    require(
        can_manage_panel(meeting.panel, actor), actor=actor, action=AuditAction.PANEL_AGENDA_CHANGED, target=meeting
    )
    if channel_case.referral.local_authority_id != meeting.panel.local_authority_id:
        raise ChannelInvalid({"case": ["Select a case of the panel's council"]})
    if channel_case.state not in AGENDA_STAGES or channel_case.referral.status != ReferralStatus.WITH_CHANNEL:
        raise ChannelInvalid({"case": ["Only a case open with Channel can go on the agenda"]})
    if AgendaItem.objects.filter(meeting=meeting, channel_case=channel_case).exists():
        raise ChannelInvalid({"case": ["That case is already on the agenda"]})
    with transaction.atomic():
        last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"] or 0
        item = AgendaItem.objects.create(meeting=meeting, channel_case=channel_case, order=last + 1)
        panel_grants_sync_case(channel_case=channel_case, actor=actor)
        _agenda_audit(actor=actor, item=item, change="added")
    return item


def agenda_item_move(*, item: AgendaItem, actor: Any, direction: str) -> AgendaItem:
    """Swap the item with its neighbour above ("up") or below ("down"); at either end nothing changes."""
    require(
        can_manage_panel(item.meeting.panel, actor),
        actor=actor,
        action=AuditAction.PANEL_AGENDA_CHANGED,
        target=item.channel_case,
    )
    if direction not in ("up", "down"):
        raise ChannelInvalid({"direction": ["Move the case up or down"]})
    siblings = AgendaItem.objects.filter(meeting_id=item.meeting_id)
    neighbour = (
        siblings.filter(order__lt=item.order).order_by("-order").first()
        if direction == "up"
        else siblings.filter(order__gt=item.order).order_by("order").first()
    )
    if neighbour is None:
        return item
    with transaction.atomic():
        mine, theirs = item.order, neighbour.order
        parked = (siblings.aggregate(last=Max("order"))["last"] or 0) + 1
        AgendaItem.objects.filter(pk=item.pk).update(order=parked)
        AgendaItem.objects.filter(pk=neighbour.pk).update(order=mine)
        AgendaItem.objects.filter(pk=item.pk).update(order=theirs)
        item.order = theirs
        _agenda_audit(actor=actor, item=item, change=f"moved_{direction}")
    return item


def agenda_item_remove(*, item: AgendaItem, actor: Any) -> None:
    """Take a case off the agenda (not once the panel decided on it); its members' grants follow."""
    channel_case = item.channel_case
    require(
        can_manage_panel(item.meeting.panel, actor),
        actor=actor,
        action=AuditAction.PANEL_AGENDA_CHANGED,
        target=channel_case,
    )
    if PanelDecision.objects.filter(agenda_item=item).exists():
        raise ChannelInvalid({"case": ["The panel has decided on this case: it stays on the meeting's record"]})
    with transaction.atomic():
        _agenda_audit(actor=actor, item=item, change="removed")
        PanelMemberView.objects.filter(agenda_item=item).delete()
        AgendaMinutes.objects.filter(agenda_item=item).delete()
        item.delete()
        panel_grants_sync_case(channel_case=channel_case, actor=actor)


def attendance_record(*, meeting: Meeting, actor: Any, statuses: dict[int, str]) -> None:
    """Record present, apologies or absent for every member of the panel (all of them, or nothing)."""
    action = AuditAction.PANEL_ATTENDANCE_RECORDED
    require(can_manage_panel(meeting.panel, actor), actor=actor, action=action, target=meeting)
    members = list(PanelMember.objects.filter(panel=meeting.panel).at_meeting(meeting))
    errors = {
        f"member_{member.pk}": ["Select whether the member was present, sent apologies or was absent"]
        for member in members
        if statuses.get(member.pk) not in AttendanceStatus.values
    }
    if errors:
        raise ChannelInvalid(errors)
    with transaction.atomic():
        for member in members:
            Attendance.objects.update_or_create(
                meeting=meeting, member=member, defaults={"status": statuses[member.pk]}
            )
        counts = Counter(statuses[member.pk] for member in members)
        audit.record(
            actor=actor,
            action=action,
            target=meeting,
            details={"meeting_id": meeting.pk, **{status: counts.get(status, 0) for status in AttendanceStatus.values}},
        )


def minutes_record(*, item: AgendaItem, actor: Any, text: str) -> AgendaMinutes:
    """The minutes of one agenda item, encrypted with the case's key; a second save replaces them."""
    action = AuditAction.PANEL_MINUTES_RECORDED
    require(can_manage_panel(item.meeting.panel, actor), actor=actor, action=action, target=item.channel_case)
    text = (text or "").strip()
    if not text:
        raise ChannelInvalid({"text": ["Enter the minutes for this case"]})
    if len(text) > MINUTES_MAX_LENGTH:
        raise ChannelInvalid({"text": [f"The minutes must be {MINUTES_MAX_LENGTH} characters or fewer"]})
    with transaction.atomic():
        minutes = AgendaMinutes.objects.filter(agenda_item=item).first() or AgendaMinutes(agenda_item=item)
        minutes.text = text
        minutes.recorded_by = actor
        minutes.save()
        audit.record(actor=actor, action=action, target=item.channel_case, details={"meeting_id": item.meeting_id})
    return minutes


__all__ = [
    "may_give_own_view",
    "agenda_item_add",
    "agenda_item_move",
    "agenda_item_remove",
    "attendance_record",
    "decision_record",
    "meeting_create",
    "meeting_reschedule",
    "minutes_record",
    "s37_decide",
    "views_allowed",
    "views_record",
]
