"""Setting up a council's Channel panel and adding its members (ACCESS.md: the Channel chair and the Prevent
lead); a new member gets the grant windows of the cases already on the panel's agendas."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Role, Sector, User
from audit import services as audit
from audit.actions import AuditAction
from channel.exceptions import ChannelInvalid
from channel.models import AgendaItem, ChannelCase, Panel, PanelMember

from .exceptions import PanelActionRefused
from .grants import panel_grants_sync_case
from .permissions import MANAGER_ROLES, can_manage_panel
from .refusals import require

# The roles that sit on a Channel panel (the council's own staff; partners sit as panel members).
MEMBER_ROLES = (
    Role.PANEL_MEMBER,
    Role.POLICE_PREVENT_OFFICER,
    Role.CHANNEL_CHAIR,
    Role.TRIAGE_OFFICER,
    Role.PREVENT_LEAD,
)


def can_set_up_panel(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*MANAGER_ROLES) and user.local_authority_id)


def panel_create(*, actor: Any, name: str, police_force: str, chair: Any) -> Panel:
    """Set up a panel of the actor's council, chaired by a Channel chair of that council (a member from the start)."""
    action = AuditAction.PANEL_CREATED
    if not can_set_up_panel(actor):
        audit.record_refusal(actor=actor, action=action)
        raise PanelActionRefused(action)
    name, police_force = (name or "").strip(), (police_force or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the name of the panel"]
    elif Panel.objects.filter(local_authority_id=actor.local_authority_id, name=name).exists():
        errors["name"] = ["Your council already has a panel with that name"]
    if not police_force:
        errors["police_force"] = ["Enter the police force area"]
    if (
        not (isinstance(chair, User) and chair.has_role(Role.CHANNEL_CHAIR))
        or chair.local_authority_id != actor.local_authority_id
    ):
        errors["chair"] = ["Select a Channel chair of your council"]
    if errors:
        raise ChannelInvalid(errors)
    with transaction.atomic():
        panel = Panel.objects.create(
            local_authority_id=actor.local_authority_id, name=name, police_force=police_force, chair=chair
        )
        PanelMember.objects.create(panel=panel, user=chair, sector=Sector.LOCAL_AUTHORITY)
        audit.record(actor=actor, action=action, target=panel, details={"panel_id": panel.pk})
    return panel


def panel_member_add(*, panel: Panel, actor: Any, user: Any, organisation: Any, sector: str) -> PanelMember:
    """Add a member of the council's staff to the panel, with the organisation and sector they represent."""
    action = AuditAction.PANEL_MEMBER_ADDED
    require(can_manage_panel(panel, actor), actor=actor, action=action, target=panel, details={"panel_id": panel.pk})
    errors: dict[str, list[str]] = {}
    if (
        not isinstance(user, User)
        or not user.has_role(*MEMBER_ROLES)
        or user.local_authority_id != panel.local_authority_id
    ):
        errors["user"] = ["Select a person of your council"]
    elif PanelMember.objects.filter(panel=panel, user=user).exists():
        errors["user"] = ["That person is already a member of the panel"]
    if organisation is not None and (
        not isinstance(organisation, Organisation)
        or organisation.local_authority_id not in (None, panel.local_authority_id)
    ):
        errors["organisation"] = ["Select an organisation of your council"]
    if sector not in Sector.values:
        errors["sector"] = ["Select the sector the member represents"]
    if errors:
        raise ChannelInvalid(errors)
    with transaction.atomic():
        member = PanelMember.objects.create(panel=panel, user=user, organisation=organisation, sector=sector)
        since = timezone.localdate() - datetime.timedelta(days=settings.PANEL_GRANT_DAYS_AFTER + 1)
        case_ids = AgendaItem.objects.filter(meeting__panel=panel, meeting__date__gte=since).values("channel_case_id")
        for channel_case in ChannelCase.objects.filter(pk__in=case_ids).select_related("referral"):
            panel_grants_sync_case(channel_case=channel_case, actor=actor)
        audit.record(actor=actor, action=action, target=panel, details={"panel_id": panel.pk, "user_id": user.pk})
    return member
