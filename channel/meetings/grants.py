"""The panel members' grant window (ACCESS.md: a panel member reads only the cases on the agenda of a meeting
of their panel, from PANEL_GRANT_DAYS_BEFORE days before it to PANEL_GRANT_DAYS_AFTER days after it).

One grant row per member and case (referrals' grant rows): it holds the window of the case's next meeting
whose window has not closed; the nightly sync opens the following meeting's window once one has closed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from channel.models import AgendaItem, ChannelCase, PanelMember
from referrals import services as referral_services
from referrals.choices import GrantReason


def grant_window(date: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of the day PANEL_GRANT_DAYS_BEFORE days before the meeting to the end of the day
    PANEL_GRANT_DAYS_AFTER days after it, in the service's time zone."""
    start = date - datetime.timedelta(days=settings.PANEL_GRANT_DAYS_BEFORE)
    end = date + datetime.timedelta(days=settings.PANEL_GRANT_DAYS_AFTER + 1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=zone),
    )


def panel_grants_sync_case(*, channel_case: ChannelCase, actor: Any, now: datetime.datetime | None = None) -> None:
    """Make each panel member's grant on the case match the window of its next meeting on their panel, or end
    it when no meeting of theirs still has the case on its agenda; in the caller's transaction, audited."""
    now = now or timezone.now()
    referral = channel_case.referral
    items = AgendaItem.objects.filter(channel_case=channel_case).select_related("meeting__panel")
    windows_by_panel: dict[int, list[tuple[datetime.datetime, datetime.datetime, Any]]] = {}
    for item in items:
        start, end = grant_window(item.meeting.date)
        if end > now:
            windows_by_panel.setdefault(item.meeting.panel_id, []).append((start, end, item.meeting.panel))
    members = PanelMember.objects.filter(panel__local_authority_id=referral.local_authority_id).select_related("user")
    by_user: dict[int, list] = {}
    users = {}
    for member in members:
        users[member.user_id] = member.user
        windows = by_user.setdefault(member.user_id, [])
        if member.left_on is None:  # one who has left the panel gets no window: their grant ends here
            windows.extend(windows_by_panel.get(member.panel_id, []))
    for user_id, windows in by_user.items():
        grantee = users[user_id]
        if not windows:
            referral_services.case_grant_window_end(
                referral=referral, grantee=grantee, actor=actor, reason_code=GrantReason.PANEL_MEETING
            )
            continue
        start, end, panel = min(windows, key=lambda window: window[1])
        granted_by = actor if getattr(actor, "pk", None) else (panel.chair or grantee)
        referral_services.case_grant_window_set(
            referral=referral,
            grantee=grantee,
            actor=actor,
            granted_by=granted_by,
            reason_code=GrantReason.PANEL_MEETING,
            starts_at=start,
            expires_at=end,
        )


def panel_grants_sync(*, now: datetime.datetime | None = None) -> int:
    """Every case on an agenda whose window has not closed: its members' grants as the rule says (nightly;
    one transaction per case). Returns how many cases it looked at."""
    now = now or timezone.now()
    earliest = timezone.localdate(now) - datetime.timedelta(days=settings.PANEL_GRANT_DAYS_AFTER + 1)
    case_ids = set(AgendaItem.objects.filter(meeting__date__gte=earliest).values_list("channel_case_id", flat=True))
    for channel_case in ChannelCase.objects.filter(pk__in=case_ids).select_related("referral"):
        with transaction.atomic():
            panel_grants_sync_case(channel_case=channel_case, actor=None, now=now)
    return len(case_ids)
