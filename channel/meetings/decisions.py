"""The panel's decisions on the cases on its agenda (CTSA 2015 s.37): the present members' views, quorum, the
rule that decides, and the Channel step the decision takes (channel.services)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from audit import services as audit
from audit.actions import AuditAction
from channel import services as channel_services
from channel.exceptions import ChannelInvalid
from channel.models import AgendaItem, Attendance, AttendanceStatus, Panel, PanelMember

from .choices import VIEW_TRANSITIONS, VIEWS_BY_STAGE, DecisionRule
from .exceptions import QuorumNotMet
from .models import PanelDecision, PanelMemberView
from .permissions import can_chair
from .quorum import quorum_missing
from .refusals import require


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
    mine = PanelMember.objects.filter(panel=panel, user_id=getattr(actor, "pk", None)).current()
    own = set(mine.values_list("pk", flat=True))
    return bool(own) and member_ids <= own


def views_record(*, item: AgendaItem, actor: Any, views: dict[int, str]) -> int:
    """Present members' views on the case (s.37): the chair's record of anyone's, or a present member's own;
    returns how many were recorded."""
    action = AuditAction.PANEL_VIEWS_RECORDED
    given = {member_id: view for member_id, view in views.items() if view}
    allowed_here = can_chair(item.meeting.panel, actor) or may_give_own_view(item.meeting.panel, actor, set(given))
    require(allowed_here, actor=actor, action=action, target=item.channel_case)
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


def _present_views(item: AgendaItem) -> list[PanelMemberView]:
    present_ids = Attendance.objects.filter(meeting=item.meeting, status=AttendanceStatus.PRESENT).values("member_id")
    return list(
        PanelMemberView.objects.filter(agenda_item=item, member_id__in=present_ids).select_related("member__user")
    )


def _check_quorum(*, item: AgendaItem, actor: Any) -> None:
    """ACCESS.md: the chair and a police officer for the person's area recorded present, else refused (audited)."""
    missing = quorum_missing(meeting=item.meeting, channel_case=item.channel_case)
    if missing:
        police = "a police officer for the person's area"
        flags = {"chair_present": "the chair" not in missing, "police_present": police not in missing}
        _decision_refused(actor=actor, item=item, because="no_quorum", extra=flags)
        raise QuorumNotMet(missing)


def _decide(*, item: AgendaItem, actor: Any, rows: list[PanelMemberView]) -> tuple[str, str]:
    """The s.37 decision over the present members' views; refused (audited) with none, or split without the chair."""
    chair_view = next((row.view for row in rows if row.member.user.has_role(Role.CHANNEL_CHAIR)), None)
    view, rule = s37_decide([row.view for row in rows], chair_view)
    if view is None:
        _decision_refused(actor=actor, item=item, because="no_views" if not rows else "split_without_chair")
        message = (
            "Record the present members' views first"
            if not rows
            else "The members are split: record the chair's view, which decides (s.37)"
        )
        raise ChannelInvalid({"__all__": [message]})
    if view not in views_allowed(item):
        raise ChannelInvalid({"__all__": ["The decided view is not possible for the case at its stage now"]})
    return view, rule


def _check_step(*, item: AgendaItem, actor: Any, transition: str | None, reason_code: str, note: str) -> None:
    """The Channel step's own checks (permission, stage, reason and note) before anything is written."""
    if transition is None:
        return
    channel_services.channel_case_check(item.channel_case, transition, actor=actor)
    errors = channel_services.step_errors(
        transition,
        reason_code=reason_code if transition in channel_services.STEP_REASONS else "",
        note=(note or "").strip(),
        consent_date=None,
        reassess_on=None,
    )
    if errors:
        raise ChannelInvalid(errors)


def decision_record(*, item: AgendaItem, actor: Any, reason_code: str = "", note: str = "") -> PanelDecision:
    """Record the panel's decision on a case on the agenda: only with quorum (the chair and a police officer
    for the person's area present), decided by the s.37 rule over the present members' views, and taken on
    the Channel case through channel.services (adopt, not adopt, exit, re-list; "no change" takes no step),
    all in one transaction."""
    channel_case = item.channel_case
    action = AuditAction.PANEL_DECISION_RECORDED
    require(can_chair(item.meeting.panel, actor), actor=actor, action=action, target=channel_case)
    if errors := _meeting_open(item):
        raise ChannelInvalid(errors)
    _check_quorum(item=item, actor=actor)
    rows = _present_views(item)
    view, rule = _decide(item=item, actor=actor, rows=rows)
    transition = VIEW_TRANSITIONS.get(view)
    _check_step(item=item, actor=actor, transition=transition, reason_code=reason_code, note=note)
    count = sum(1 for row in rows if row.view == view)
    with transaction.atomic():
        # One decision per item: a second submission waits for the first and is then refused.
        AgendaItem.objects.select_for_update().filter(pk=item.pk).first()
        if PanelDecision.objects.filter(agenda_item=item).exists():
            raise ChannelInvalid({"__all__": ["The panel has already decided on this case at this meeting"]})
        channel_decision = None
        if transition is not None:
            channel_decision = channel_services.channel_case_transition(
                channel_case=channel_case, actor=actor, transition=transition, reason_code=reason_code, note=note
            )
        decision = PanelDecision.objects.create(
            agenda_item=item,
            view=view,
            rule=rule,
            views_for=count,
            views_total=len(rows),
            channel_decision=channel_decision,
            decided_by=actor,
        )
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
