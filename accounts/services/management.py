"""User management by the Prevent lead of a local authority: invite, accept, change role, deactivate."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import InvitationRefused, UserChangeRefused
from accounts.models import Invitation, LocalAuthority, Membership, Organisation, Role, User
from accounts.permissions import can_change_user, can_manage_users
from accounts.services.api_tokens import api_tokens_revoke
from accounts.services.sessions import user_sessions_revoke
from accounts.signals import membership_changed, user_deactivated
from audit import services as audit
from audit.actions import AuditAction
from core.services import outbox_enqueue

INVITATION_SALT = "accounts.invitation"
# What the Prevent lead is told when a change would be to their own account, whether asked for or submitted.
OWN_ACCOUNT_REFUSALS = {
    "role": "You cannot change your own role or council.",
    "membership": "You cannot change your own role or council.",
    "deactivate": "You cannot deactivate your own account.",
}


def invitation_token(invitation: Invitation) -> str:
    """The signed link token: the invitation's id and nonce, timestamped (expiry is checked on both)."""
    return signing.TimestampSigner(salt=INVITATION_SALT).sign_object({"id": invitation.pk, "n": invitation.nonce})


def _refuse(actor: User, user: User | None, change: str, message: str) -> UserChangeRefused:
    audit.record_refusal(
        actor=actor,
        action=AuditAction.USER_CHANGE_REFUSED,
        target=user,
        target_type="" if user else "accounts.invitation",
        details={"change": change},
    )
    return UserChangeRefused(message)


def user_own_account_refuse(*, actor: User, user: User, change: str) -> None:
    """Refuse, audited as a submitted change is, a change (`OWN_ACCOUNT_REFUSALS`) to the actor's own account:
    the pages call it before showing the form, the services before changing anything."""
    if user.pk == actor.pk:
        raise _refuse(actor, user, change, OWN_ACCOUNT_REFUSALS[change])


INVITATION_SEND = "accounts.invitation_send"


def invitation_email_send(invitation_id: str) -> None:
    """Outbox handler: e-mail an invitation that can still be used its link; raise if the mail is not sent.

    Run after the invitation commits (core.services); a link superseded, accepted or expired since
    is not sent. The e-mail holds the link only: no names, no authority, nothing about the inviter.
    """
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_usable():
        return
    link = settings.SERVICE_BASE_URL.rstrip("/") + reverse(
        "accounts:invitation-accept", args=[invitation_token(invitation)]
    )
    hours = settings.INVITATION_MAX_AGE_HOURS
    body = (
        f"You have been invited to use {settings.SERVICE_NAME}.\n\n"
        f"To create your account, open this link within {hours} hours:\n\n{link}\n\n"
        "The link works once. If you did not expect this email, you can ignore it.\n"
    )
    send_mail(f"Your invitation to {settings.SERVICE_NAME}", body, None, [invitation.email])


def user_invite(*, actor: User, email: str, role: str) -> Invitation:
    """A Prevent lead invites someone into a role in the lead's own authority; earlier links to them stop working."""
    email = email.strip().lower()
    if not can_manage_users(actor):
        raise _refuse(actor, None, "invite", "Only a Prevent lead can invite users.")
    if role not in Role.values:
        raise InvitationRefused("Select a role")
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationRefused("There is already an account with this email address")
    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True, expires_at__gt=now).update(
            expires_at=now
        )
        invitation = Invitation.objects.create(
            email=email,
            local_authority_id=actor.local_authority_id,
            role=role,
            invited_by=actor,
            nonce=secrets.token_urlsafe(16),
            created_at=now,
            expires_at=now + timedelta(hours=settings.INVITATION_MAX_AGE_HOURS),
        )
        audit.record(
            actor=actor,
            action=AuditAction.USER_INVITED,
            target=invitation,
            local_authority_id=actor.local_authority_id,
            details={"invitation_id": invitation.pk, "role": role},
        )
        # Through the outbox: a mail server that is down delays the e-mail, never loses it or fails the page.
        outbox_enqueue(topic=INVITATION_SEND, object_id=invitation.pk)
    return invitation


def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Create the invited user with their password; the invitation can never be used again."""
    password_validation.validate_password(password, User(email=invitation.email))
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_usable():
            raise InvitationRefused("This invitation has already been used or has expired")
        if User.objects.filter(email__iexact=locked.email).exists():
            raise InvitationRefused("There is already an account with this email address")
        user = User.objects.create_user(email=locked.email, password=password)
        Membership.objects.create(user=user, local_authority_id=locked.local_authority_id, role=locked.role)
        locked.accepted_at = timezone.now()
        locked.accepted_user = user
        locked.save(update_fields=["accepted_at", "accepted_user"])
        audit.record(
            actor=user,
            action=AuditAction.INVITATION_ACCEPTED,
            target=user,
            details={"invitation_id": locked.pk, "role": locked.role},
        )
    return user


def user_role_change(
    *,
    actor: User,
    user: User,
    role: str,
    local_authority: LocalAuthority | None = None,
    organisation: Organisation | None = None,
) -> Membership:
    """Change a user's role, and with `local_authority` their council and organisation; never one's own.

    One service for every entry point: the Prevent lead's pages (role only, own authority) and the
    admin (a superuser: any role in any council). The event holds the role and council before and after.
    """
    change = "role" if local_authority is None else "membership"
    user_own_account_refuse(actor=actor, user=user, change=change)
    authority_id = local_authority.pk if local_authority is not None else None
    if not can_change_user(actor, user, local_authority_id=authority_id):
        raise _refuse(actor, user, change, "You cannot change the role of this user.")
    if role not in Role.values:
        raise InvitationRefused("Select a role")
    if organisation is not None and organisation.local_authority_id not in (None, authority_id):
        raise InvitationRefused("Select an organisation of this council, or none")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(user=user).first()
        if membership is None and local_authority is None:
            raise InvitationRefused("Select a council")
        previous = {}
        if membership is None:
            membership = Membership(user=user)
        else:
            previous = {"previous_role": membership.role, "previous_local_authority_id": membership.local_authority_id}
        membership.role = role
        previous_authority_id = membership.local_authority_id if membership.pk else None
        if local_authority is not None:
            membership.local_authority = local_authority
            membership.organisation = organisation
        membership.save()
        user.membership_record = membership
        changed = tuple(
            name
            for name, before, after in (
                ("role", previous.get("previous_role"), role),
                ("local_authority", previous_authority_id, membership.local_authority_id),
            )
            if previous and before != after
        )
        if changed:
            # Grants follow their reason (ACCESS.md): the receivers end the grants the old role or council gave.
            membership_changed.send(sender=Membership, user=user, actor=actor, changed=changed)
        audit.record(
            actor=actor,
            action=AuditAction.USER_ROLE_CHANGED,
            target=user,
            # A move between councils goes in the log of the council left (its grants and staff end there).
            local_authority_id=previous_authority_id or membership.local_authority_id,
            details={"role": role, "local_authority_id": membership.local_authority_id, **previous},
        )
    return membership


def user_deactivate(*, actor: User, user: User) -> None:
    """A Prevent lead deactivates a user of the lead's authority, a superuser anyone (the admin); never
    themselves. Their sessions end."""
    user_own_account_refuse(actor=actor, user=user, change="deactivate")
    if not can_change_user(actor, user):
        raise _refuse(actor, user, "deactivate", "You cannot deactivate this user.")
    with transaction.atomic():
        was_active = user.is_active
        user.is_active = False
        user.save(update_fields=["is_active"])
        if was_active:
            user_deactivated.send(sender=User, user=user, actor=actor)
        audit.record(actor=actor, action=AuditAction.USER_DEACTIVATED, target=user)
        user_sessions_revoke(user=user, actor=actor)
        # Revoked, not only refused while inactive: a later reactivation must not bring old tokens back.
        api_tokens_revoke(user=user, actor=actor)


def admin_change_record(*, actor: User, obj: Any, change: str) -> None:
    """Record an add, change or delete made in the Django admin (the model and key only, never its content)."""
    audit.record(actor=actor, action=AuditAction.ADMIN_CHANGED, target=obj, details={"change": change})
