"""Every write of a panel meeting: the meeting, its agenda, attendance, minutes, members' views and the
panel's decisions. Each is one transaction with its audit event; refusals are recorded (committed on their
own) before it opens. The panel members' grants follow the agenda (channel/meetings/grants.py)."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction
from channel import services as channel_services
from channel.exceptions import ChannelInvalid
from channel.models import AgendaItem, Attendance, AttendanceStatus, ChannelCase, Meeting, Panel, PanelMember
from referrals.choices import ReferralStatus

from .choices import AGENDA_STAGES, VIEW_TRANSITIONS, VIEWS_BY_STAGE, DecisionRule, MemberView
from .exceptions import PanelActionRefused, QuorumNotMet
from .grants import panel_grants_sync_case
from .models import MINUTES_MAX_LENGTH, AgendaMinutes, PanelDecision, PanelMemberView
from .permissions import can_chair, can_manage_panel
from .quorum import quorum_missing


def _require(allowed: bool, *, actor: Any, action: str, target: Any, details: dict | None = None) -> None:
    if not allowed:
        audit.record_refusal(actor=actor, action=action, target=target, details=details or {})
        raise PanelActionRefused(action)


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
    _require(can_manage_panel(panel, actor), actor=actor, action=action, target=panel, details={"panel_id": panel.pk})
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
    _require(can_manage_panel(panel, actor), actor=actor, action=action, target=meeting)
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
    _require(
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
    _require(
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
    _require(
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
    _require(can_manage_panel(meeting.panel, actor), actor=actor, action=action, target=meeting)
    members = list(PanelMember.objects.filter(panel=meeting.panel))
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
    _require(can_manage_panel(item.meeting.panel, actor), actor=actor, action=action, target=item.channel_case)
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


def views_allowed(item: AgendaItem) -> tuple[str, ...]:
    """The views a member may take on this case now (its stage's transitions, or no change)."""
    return VIEWS_BY_STAGE.get(item.channel_case.state, ())


def _meeting_open(item: AgendaItem) -> dict[str, list[str]]:
    if item.meeting.date > timezone.localdate():
        return {"__all__": ["The panel records views and decisions at the meeting: this meeting has not happened yet"]}
    if PanelDecision.objects.filter(agenda_item=item).exists():
        return {"__all__": ["The panel has already decided on this case at this meeting"]}
    return {}


def may_give_own_view(panel: Panel, actor: Any, member_ids: set[int]) -> bool:
    """ACCESS.md: each present member records their own view (the chair records anyone's, as the meeting's
    recorder): the actor is a member of the panel and gives no view but their own."""
    own = set(PanelMember.objects.filter(panel=panel, user_id=getattr(actor, "pk", None)).values_list("pk", flat=True))
    return bool(own) and member_ids <= own


def views_record(*, item: AgendaItem, actor: Any, views: dict[int, str]) -> int:
    """Present members' views on the case (s.37): the chair's record of anyone's, or a present member's own;
    returns how many were recorded."""
    action = AuditAction.PANEL_VIEWS_RECORDED
    given = {member_id: view for member_id, view in views.items() if view}
    allowed_here = can_chair(item.meeting.panel, actor) or may_give_own_view(item.meeting.panel, actor, set(given))
    _require(allowed_here, actor=actor, action=action, target=item.channel_case)
    errors = _meeting_open(item)
    present = {
        row.member_id: row.member
        for row in Attendance.objects.filter(meeting=item.meeting, status=AttendanceStatus.PRESENT).select_related(
            "member"
        )
    }
    allowed = views_allowed(item)
    for member_id, view in given.items():
        if member_id not in present:
            errors.setdefault("__all__", []).append("Only members recorded as present can give a view")
        elif view not in allowed:
            errors[f"member_{member_id}"] = ["Select a view the panel can take on this case now"]
    if not given and not errors:
        errors["__all__"] = ["Select at least one member's view"]
    if errors:
        raise ChannelInvalid(errors)
    with transaction.atomic():
        for member_id, view in given.items():
            PanelMemberView.objects.update_or_create(
                agenda_item=item, member=present[member_id], defaults={"view": view, "recorded_by": actor}
            )
        audit.record(
            actor=actor,
            action=action,
            target=item.channel_case,
            details={"meeting_id": item.meeting_id, "count": len(given)},
        )
    return len(given)


def s37_decide(views: list[str], chair_view: str | None) -> tuple[str | None, str]:
    """CTSA 2015 s.37: the members' unanimous view, else the majority view, else the chair's (None if the
    members are split and the chair gave no view)."""
    counts = Counter(views).most_common()
    if not counts:
        return None, ""
    if len(counts) == 1:
        return counts[0][0], DecisionRule.UNANIMOUS
    if counts[0][1] > counts[1][1]:
        return counts[0][0], DecisionRule.MAJORITY
    return chair_view, DecisionRule.CHAIR


def _decision_refused(*, actor: Any, item: AgendaItem, because: str, extra: dict | None = None) -> None:
    audit.record_refusal(
        actor=actor,
        action=AuditAction.PANEL_DECISION_RECORDED,
        target=item.channel_case,
        details={"meeting_id": item.meeting_id, "refused_because": because, **(extra or {})},
    )


def decision_record(*, item: AgendaItem, actor: Any, reason_code: str = "", note: str = "") -> PanelDecision:
    """Record the panel's decision on a case on the agenda: only with quorum (the chair and a police officer
    for the person's area present), decided by the s.37 rule over the present members' views, and taken on
    the Channel case through channel.services (adopt, not adopt, exit, re-list; "no change" takes no step)."""
    channel_case = item.channel_case
    action = AuditAction.PANEL_DECISION_RECORDED
    _require(can_chair(item.meeting.panel, actor), actor=actor, action=action, target=channel_case)
    if errors := _meeting_open(item):
        raise ChannelInvalid(errors)
    missing = quorum_missing(meeting=item.meeting, channel_case=channel_case)
    if missing:
        police = "a police officer for the person's area"
        flags = {"chair_present": "the chair" not in missing, "police_present": police not in missing}
        _decision_refused(actor=actor, item=item, because="no_quorum", extra=flags)
        raise QuorumNotMet(missing)
    present_ids = set(
        Attendance.objects.filter(meeting=item.meeting, status=AttendanceStatus.PRESENT).values_list(
            "member_id", flat=True
        )
    )
    rows = list(
        PanelMemberView.objects.filter(agenda_item=item, member_id__in=present_ids).select_related("member__user")
    )
    chair_view = next((row.view for row in rows if row.member.user.has_role("channel_chair")), None)
    view, rule = s37_decide([row.view for row in rows], chair_view)
    if view is None:
        because = "no_views" if not rows else "split_without_chair"
        _decision_refused(actor=actor, item=item, because=because)
        message = (
            "Record the present members' views first"
            if not rows
            else "The members are split: record the chair's view, which decides (s.37)"
        )
        raise ChannelInvalid({"__all__": [message]})
    if view not in views_allowed(item):
        raise ChannelInvalid({"__all__": ["The decided view is not possible for the case at its stage now"]})
    transition = VIEW_TRANSITIONS.get(view)
    if transition is not None:
        channel_services.channel_case_check(channel_case, transition, actor=actor)
        errors = channel_services.step_errors(
            transition,
            reason_code=reason_code if transition in channel_services.STEP_REASONS else "",
            note=(note or "").strip(),
            consent_date=None,
            reassess_on=None,
        )
        if errors:
            raise ChannelInvalid(errors)
    with transaction.atomic():
        channel_decision = None
        if transition is not None:
            channel_decision = channel_services.channel_case_transition(
                channel_case=channel_case, actor=actor, transition=transition, reason_code=reason_code, note=note
            )
        count = sum(1 for row in rows if row.view == view)
        try:
            decision = PanelDecision.objects.create(
                agenda_item=item,
                view=view,
                rule=rule,
                views_for=count,
                views_total=len(rows),
                channel_decision=channel_decision,
                decided_by=actor,
            )
        except IntegrityError as exc:
            raise ChannelInvalid({"__all__": ["The panel has already decided on this case at this meeting"]}) from exc
        audit.record(
            actor=actor,
            action=action,
            target=channel_case,
            details={
                "meeting_id": item.meeting_id,
                "view": view,
                "rule": rule,
                "views_for": count,
                "views_total": len(rows),
                "chair_present": True,
                "police_present": True,
            },
        )
    return decision


__all__ = [
    "MemberView",
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
