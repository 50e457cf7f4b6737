"""Who may manage whom (ACCESS.md, "Invite, change role, deactivate users; unlock accounts"), and own passkeys."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

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


def can_change_user(actor: User, user: User, *, local_authority_id: int | None = None) -> bool:
    """Role, council or deactivation of `user`; never one's own. A superuser (the admin): anyone, any council.
    A Prevent lead: a user of their own authority, kept there (`local_authority_id`, if given, is the lead's)."""
    if not actor.is_authenticated or user.pk == actor.pk:
        return False
    if actor.is_active and actor.is_superuser:
        return True
    return can_manage_user(actor, user) and local_authority_id in (None, actor.local_authority_id)


def can_remove_passkey(passkey: WebAuthnCredential, user: User) -> bool:
    """The owner, while another confirmed second factor (authenticator app or passkey) remains."""
    if passkey.user_id != user.pk:
        return False
    others = WebAuthnCredential.objects.filter(user=user, confirmed=True).exclude(pk=passkey.pk)
    return others.exists() or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
