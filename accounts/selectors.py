"""Reads of users, memberships, invitations and lockouts."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.core import signing
from django.db.models import QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.exceptions import InvitationInvalid
from accounts.lockout import second_factor_failures
from accounts.models import Invitation, LocalAuthority, User
from accounts.permissions import can_manage_users
from accounts.services.management import INVITATION_SALT


def user_list_managed(*, actor: User) -> QuerySet[User]:
    """Every user (active or not) of the Prevent lead's own authority; nothing for anyone else."""
    if not can_manage_users(actor):
        return User.objects.none()
    return (
        User.objects.filter(membership_record__local_authority_id=actor.local_authority_id)
        .select_related("membership_record")
        .order_by("-is_active", "email")
    )


def user_get_managed(*, actor: User, pk: int) -> User:
    """A user of the lead's own authority; another authority's user is a 404, as a missing one is."""
    return get_object_or_404(user_list_managed(actor=actor), pk=pk)


def invitation_list_pending(*, actor: User) -> QuerySet[Invitation]:
    if not can_manage_users(actor):
        return Invitation.objects.none()
    return Invitation.objects.filter(
        local_authority_id=actor.local_authority_id, accepted_at__isnull=True, expires_at__gt=timezone.now()
    )


def invitation_get_by_token(*, token: str) -> Invitation:
    """The invitation a link names, if it is genuine, unexpired and unused; else InvitationInvalid(reason)."""
    max_age = timedelta(hours=settings.INVITATION_MAX_AGE_HOURS)
    try:
        data = signing.TimestampSigner(salt=INVITATION_SALT).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as error:
        raise InvitationInvalid("expired") from error
    except signing.BadSignature as error:
        raise InvitationInvalid("invalid") from error
    invitation = Invitation.objects.filter(pk=data.get("id")).first() if isinstance(data, dict) else None
    if invitation is None or not constant_time_compare(invitation.nonce, str(data.get("n", ""))):
        raise InvitationInvalid("invalid")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("used")
    if not invitation.is_usable():
        raise InvitationInvalid("expired")
    return invitation


def locked_out_emails(*, emails: list[str]) -> set[str]:
    """Which of these (lower-case) account addresses django-axes refuses: at some address, or after wrong codes.

    Each address the account failed from is its own count (the second-factor record has none, so it counts
    for every address); an address blocked for every account is not shown against any one person.
    """
    attempts = AccessAttempt.objects.filter(username__in=emails)
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME))
    rows = attempts.values("username", "ip_address").annotate(total=Sum("failures_since_start"))
    return {row["username"] for row in rows if row["total"] >= settings.AXES_FAILURE_LIMIT}


def security_code_attempts_left(*, user: User) -> int:
    """Wrong security codes the user may still enter before the account locks."""
    return max(settings.AXES_FAILURE_LIMIT - second_factor_failures(user.email.lower()), 0)


def backup_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def passkey_list(*, user: User) -> QuerySet[WebAuthnCredential]:
    """The user's own confirmed passkeys, oldest first: nobody ever sees or touches another person's."""
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def passkey_get(*, user: User, pk: int) -> WebAuthnCredential:
    """One of the user's own passkeys; another person's is a 404, exactly as a missing one is."""
    return get_object_or_404(passkey_list(user=user), pk=pk)


def mfa_method_list(*, user: User) -> list[str]:
    """The second factors the user can confirm a sign-in with: "totp" (authenticator app), "passkey"."""
    methods = []
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        methods.append("totp")
    if passkey_list(user=user).exists():
        methods.append("passkey")
    return methods


def local_authority_list() -> QuerySet[LocalAuthority]:
    """Every local authority, by name (reference data: no personal data)."""
    return LocalAuthority.objects.order_by("name")
