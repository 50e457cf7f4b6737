"""Lockout (django-axes): recording it, and unlocking by a Prevent lead or an operator."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.db import transaction

from accounts.exceptions import UserChangeRefused
from accounts.models import User
from accounts.permissions import can_manage_user
from audit import services as audit
from audit.actions import AuditAction


def lockout_record(*, username: str | None) -> None:
    """Audit a lockout against the account if it exists; the typed address itself is never stored."""
    account = User.objects.filter(email__iexact=username).first() if username else None
    audit.record_refusal(
        actor=None,
        action=AuditAction.ACCOUNT_LOCKED_OUT,
        target_type="accounts.user" if account else "",
        target_id=account.pk if account else "",
        local_authority_id=account.local_authority_id if account else None,
        details={"account_exists": account is not None},
    )


def _unlock(*, user: User, actor: User | None, via: str) -> int:
    with transaction.atomic():
        cleared = axes_reset(username=user.email.lower())
        details = {"via": via, "attempts_cleared": cleared}
        audit.record(actor=actor, action=AuditAction.ACCOUNT_UNLOCKED, target=user, details=details)
    return cleared


def user_unlock(*, actor: User, user: User) -> int:
    """A Prevent lead of the user's authority clears the user's failed sign-ins (never their own)."""
    if not can_manage_user(actor, user):
        audit.record_refusal(
            actor=actor, action=AuditAction.USER_CHANGE_REFUSED, target=user, details={"change": "unlock"}
        )
        raise UserChangeRefused("You cannot unlock this account.")
    return _unlock(user=user, actor=actor, via="prevent_lead")


def account_unlock_by_operator(*, email: str) -> int | None:
    """The operator command: clears the account's failed sign-ins; None when no account has that address."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        return None
    return _unlock(user=user, actor=None, via="operator_command")
