"""Setting up a council's Channel panel, adding its members and recording that one left (ACCESS.md: the Channel
chair and the Prevent lead); a new member gets the grant windows of the cases already on the panel's agendas, and
one who leaves loses them."""

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


def _sync_agenda_grants(panel: Panel, actor: Any) -> None:
    """Every case on an agenda of the panel whose grant window may still be open: members' grants as the rule says."""
    since = timezone.localdate() - datetime.timedelta(days=settings.PANEL_GRANT_DAYS_AFTER + 1)
    case_ids = AgendaItem.objects.filter(meeting__panel=panel, meeting__date__gte=since).values("channel_case_id")
    for channel_case in ChannelCase.objects.filter(pk__in=case_ids).select_related("referral"):
        panel_grants_sync_case(channel_case=channel_case, actor=actor)


def _member_errors(panel: Panel, user: Any, organisation: Any, sector: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if (
        not isinstance(user, User)
        or not user.has_role(*MEMBER_ROLES)
        or user.local_authority_id != panel.local_authority_id
    ):
        errors["user"] = ["Select a person of your council"]
    elif PanelMember.objects.filter(panel=panel, user=user).current().exists():
        errors["user"] = ["That person is already a member of the panel"]
    if organisation is not None and (
        not isinstance(organisation, Organisation)
        or organisation.local_authority_id not in (None, panel.local_authority_id)
    ):
        errors["organisation"] = ["Select an organisation of your council"]
    if sector not in Sector.values:
        errors["sector"] = ["Select the sector the member represents"]
    return errors


def panel_member_add(*, panel: Panel, actor: Any, user: Any, organisation: Any, sector: str) -> PanelMember:
    """Add a member of the council's staff to the panel (or bring back one who left), with the organisation and
    sector they represent; they get the grant windows of the cases already on the panel's agendas."""
    action = AuditAction.PANEL_MEMBER_ADDED
    require(can_manage_panel(panel, actor), actor=actor, action=action, target=panel, details={"panel_id": panel.pk})
    errors = _member_errors(panel, user, organisation, sector)
    if errors:
        raise ChannelInvalid(errors)
    with transaction.atomic():
        member, _ = PanelMember.objects.update_or_create(
            panel=panel, user=user, defaults={"organisation": organisation, "sector": sector, "left_on": None}
        )
        _sync_agenda_grants(panel, actor)
        audit.record(actor=actor, action=action, target=panel, details={"panel_id": panel.pk, "user_id": user.pk})
    return member


def member_removal_refusal(member: PanelMember) -> str:
    """Why this member cannot be removed, or "" (the confirmation page asks this too, to offer no button)."""
    if member.user_id == member.panel.chair_id:
        return "The chair cannot leave the panel: the council chairs every Channel panel"
    return "This person has left the panel already" if member.left_on is not None else ""


def panel_member_remove(*, member: PanelMember, actor: Any) -> PanelMember:
    """The member leaves the panel today: they no longer reach its meetings, and their grants to the cases on
    its agendas end now. Their attendance and views stay on the record of the meetings they sat on."""
    panel = member.panel
    action = AuditAction.PANEL_MEMBER_REMOVED
    details = {"panel_id": panel.pk, "user_id": member.user_id}
    require(can_manage_panel(panel, actor), actor=actor, action=action, target=panel, details=details)
    if refusal := member_removal_refusal(member):
        raise ChannelInvalid({"__all__": [refusal]})
    with transaction.atomic():
        member.left_on = timezone.localdate()
        member.save(update_fields=["left_on"])
        _sync_agenda_grants(panel, actor)
        audit.record(actor=actor, action=action, target=panel, details=details)
    return member
