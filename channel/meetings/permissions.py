"""Who may do what with a council's Channel panel (ACCESS.md, the Actions table)."""

from __future__ import annotations

from typing import Any

from accounts.models import Role

# Manage panels and meetings, agendas, attendance: the Channel chair and the Prevent lead of the council.
MANAGER_ROLES = (Role.CHANNEL_CHAIR, Role.PREVENT_LEAD)
# Record the members' views and the panel's decision (s.37: the council chairs the panel).
CHAIR_ROLES = (Role.CHANNEL_CHAIR,)


def _in_council(panel: Any, user: Any, roles: tuple[str, ...]) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(*roles)
        and user.local_authority_id is not None
        and user.local_authority_id == panel.local_authority_id
    )


def can_manage_panel(panel: Any, user: Any) -> bool:
    """Meetings, agenda, attendance and minutes: the chair or the Prevent lead of the panel's council."""
    return _in_council(panel, user, MANAGER_ROLES)


def can_chair(panel: Any, user: Any) -> bool:
    """The members' views and the panel's decisions: the Channel chair of the panel's council."""
    return _in_council(panel, user, CHAIR_ROLES)


# Sit on panels: panel members, and the police Prevent officer for the person's area (quorum needs one; ACCESS.md:
# each present member, the police officer included, records their own view). They see their own panels only.
MEMBER_ROLES = (Role.PANEL_MEMBER, Role.POLICE_PREVENT_OFFICER)


def can_list_panels(user: Any) -> bool:
    """The panels page: managers of a council, and those who sit on panels (their own panels only)."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*MANAGER_ROLES, *MEMBER_ROLES))
