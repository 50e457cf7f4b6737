"""Who may manage whom (ACCESS.md, "Invite, change role, deactivate users; unlock accounts")."""

from __future__ import annotations

from accounts.models import Role, User


def can_manage_users(actor: User) -> bool:
    """A Prevent lead, active and placed in a local authority."""
    return bool(actor.is_authenticated and actor.has_role(Role.PREVENT_LEAD) and actor.local_authority_id)


def can_manage_user(actor: User, user: User) -> bool:
    """A Prevent lead of the user's own local authority, and never for themselves."""
    return (
        can_manage_users(actor)
        and user.pk != actor.pk
        and user.local_authority_id is not None
        and user.local_authority_id == actor.local_authority_id
    )
