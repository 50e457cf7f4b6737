"""Reads of panels and meetings, filtered by who may see them: a council's chair and Prevent lead see its
panels; a panel member sees their own panels; a case on an agenda opens only through the case's visibility
(referrals.selectors), so a member reads it only during their grant window."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from audit import services as audit
from channel.models import AgendaItem, Attendance, AttendanceStatus, ChannelCase, Meeting, Panel, PanelMember
from channel.selectors import channel_case_list_visible
from referrals.selectors import referral_list_visible

from .choices import AGENDA_STAGES
from .permissions import MANAGER_ROLES


def panel_list_visible(*, user: Any) -> QuerySet[Panel]:
    """The panels of the user's council for its managers; a member's own panels for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return Panel.objects.none()
    visible = Q(members__user=user, members__left_on__isnull=True)  # one join: a membership not ended
    if user.has_role(*MANAGER_ROLES) and user.local_authority_id is not None:
        visible |= Q(local_authority_id=user.local_authority_id)
    return Panel.objects.filter(visible).distinct().select_related("chair", "local_authority")


def panel_get(*, user: Any, panel_id: int) -> Panel:
    panel = panel_list_visible(user=user).filter(pk=panel_id).first()
    if panel is None:
        raise Http404
    return panel


def panel_members(*, panel: Panel, meeting: Meeting | None = None) -> list[PanelMember]:
    """The panel's current members; with a meeting, those who sat on the panel that day."""
    members = panel.members.at_meeting(meeting) if meeting is not None else panel.members.current()
    return list(members.select_related("user", "organisation").order_by("user__display_name", "pk"))


def panel_member_get(*, panel: Panel, member_id: int) -> PanelMember:
    """A member of a panel the caller has already opened (panel_get); 404 for a member of another panel."""
    member = panel.members.select_related("user", "panel").filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


def panel_former_members(*, panel: Panel) -> list[PanelMember]:
    members = panel.members.filter(left_on__isnull=False).select_related("user", "organisation")
    return list(members.order_by("-left_on", "user__display_name", "pk"))


def meeting_list_visible(*, user: Any) -> QuerySet[Meeting]:
    return Meeting.objects.filter(panel__in=panel_list_visible(user=user)).select_related("panel")


def meeting_get(*, user: Any, meeting_id: int) -> Meeting:
    meeting = meeting_list_visible(user=user).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_next(*, user: Any, today: datetime.date | None = None) -> Meeting | None:
    """The user's next meeting (today or later), for the home page."""
    today = today or timezone.localdate()
    return meeting_list_visible(user=user).filter(date__gte=today).order_by("date").first()


def meeting_list_upcoming(*, user: Any, today: datetime.date | None = None) -> list[Meeting]:
    today = today or timezone.localdate()
    return list(meeting_list_visible(user=user).filter(date__gte=today).order_by("date")[:10])


def agenda_items(*, meeting: Meeting) -> list[AgendaItem]:
    """The agenda in its order: references, stages and what was decided (nothing is decrypted)."""
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("channel_case__referral", "decision")
        .only(
            "id",
            "order",
            "meeting_id",
            "channel_case__state",
            "channel_case__listed_at",
            "channel_case__referral__reference",
            "channel_case__referral__local_authority_id",
            # Read by the referral's optimistic locking when it loads (ConcurrentTransitionMixin): deferred, it
            # would cost a query per agenda item.
            "channel_case__referral__status",
            "decision__view",
            "decision__rule",
        )
        .order_by("order")
    )


def agenda_candidates(*, meeting: Meeting, user: Any) -> list[ChannelCase]:
    """The council's Channel cases the chair may add: listed, awaiting consent or supported, not on it yet."""
    return list(
        channel_case_list_visible(user=user)
        .filter(state__in=AGENDA_STAGES, referral__local_authority_id=meeting.panel.local_authority_id)
        .exclude(agenda_items__meeting=meeting)
        .order_by("listed_at")
    )


def agenda_items_readable(*, user: Any, items: list[AgendaItem]) -> set[int]:
    """The ids of the items whose case the user may open now (a panel member: only in their grant window), so
    the agenda links those and names the others without a link that would answer 404."""
    referral_ids = {item.channel_case.referral_id: item.pk for item in items}
    readable = referral_list_visible(user=user).filter(pk__in=referral_ids).values_list("pk", flat=True)
    return {referral_ids[referral_id] for referral_id in readable}


def agenda_item_get(*, user: Any, meeting: Meeting, reference: str) -> AgendaItem:
    """The agenda item of a case the user may see (a panel member: during their grant window); 404 otherwise."""
    item = (
        AgendaItem.objects.filter(
            meeting=meeting,
            channel_case__referral__reference=reference,
            channel_case__referral__in=referral_list_visible(user=user),
        )
        .select_related("channel_case__referral__data_key", "meeting__panel")
        .first()
    )
    if item is None:
        raise Http404
    return item


def agenda_item_get_for_reading(*, user: Any, meeting: Meeting, reference: str) -> AgendaItem:
    """The item, and a CASE_CONTENT_READ event: opening a case's summary for a meeting is an audited read."""
    item = agenda_item_get(user=user, meeting=meeting, reference=reference)
    audit.record_read(actor=user, target=item.channel_case.referral, details={"section": "panel_summary"})
    return item


def attendance_for(*, meeting: Meeting) -> dict[int, str]:
    """member id -> attendance status (present, apologies, absent) as recorded."""
    return dict(Attendance.objects.filter(meeting=meeting).values_list("member_id", "status"))


def present_members(*, meeting: Meeting) -> list[PanelMember]:
    return [
        row.member
        for row in Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).select_related(
            "member__user", "member__organisation"
        )
    ]


def agenda_items_for_case(*, channel_case: ChannelCase, user: Any) -> list[AgendaItem]:
    """The meetings a case was or is on, newest first, for the case page's Panel section (the caller sees the
    case); the meeting link is shown only to those who may see the meeting."""
    return list(
        AgendaItem.objects.filter(channel_case=channel_case)
        .select_related("meeting__panel", "decision")
        .order_by("-meeting__date")
    )


def panel_chair_candidates(*, user: Any) -> list[Any]:
    """The Channel chairs of the user's council, to chair a new panel."""
    from accounts.models import Role, User

    return list(
        User.objects.filter(
            is_active=True,
            membership_record__local_authority_id=user.local_authority_id,
            membership_record__role=Role.CHANNEL_CHAIR,
        ).order_by("display_name", "email")
    )


def panel_member_candidates(*, panel: Panel) -> list[Any]:
    """The council's staff who may sit on the panel and are not on it yet."""
    from accounts.models import User

    from .panels import MEMBER_ROLES

    return list(
        User.objects.filter(
            is_active=True,
            membership_record__local_authority_id=panel.local_authority_id,
            membership_record__role__in=MEMBER_ROLES,
        )
        .exclude(pk__in=PanelMember.objects.filter(panel=panel).current().values("user_id"))
        .order_by("display_name", "email")
    )


def panel_organisations(*, panel: Panel) -> list[Any]:
    from accounts.models import Organisation

    return list(Organisation.objects.filter(Q(local_authority_id=panel.local_authority_id) | Q(local_authority=None)))


def agenda_item_records(*, item: AgendaItem) -> tuple[dict[int, str], Any, Any, Any]:
    """What the meeting recorded for a case the user was allowed to open (agenda_item_get_for_reading): the
    members' views by member id, the panel's decision, the minutes (decrypted when read), and the VAF assessed
    for this meeting (adoption or review), or None for each not yet recorded."""
    from channel.models import AgendaMinutes, PanelDecision, PanelMemberView, VAFAssessment

    views = {row.member_id: row.view for row in PanelMemberView.objects.filter(agenda_item=item)}
    decision = PanelDecision.objects.filter(agenda_item=item).first()
    minutes = (
        AgendaMinutes.objects.filter(agenda_item=item)
        .select_related("agenda_item__channel_case__referral__data_key")
        .first()
    )
    vaf = VAFAssessment.objects.filter(agenda_item=item).order_by("-assessed_on", "-created_at").first()
    return views, decision, minutes, vaf
