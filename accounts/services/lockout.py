"""Lockout (django-axes): recording it, wrong security codes, and unlocking by a Prevent lead or an operator."""

from __future__ import annotations

from typing import NamedTuple

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.exceptions import UserChangeRefused
from accounts.lockout import SECOND_FACTOR_MARKER, address_is_locked, second_factor_attempts, second_factor_failures
from accounts.models import User
from accounts.permissions import can_manage_user
from audit import services as audit
from audit.actions import AuditAction


class Unlocked(NamedTuple):
    """What an unlock did: records cleared, and addresses the account failed from that stay blocked for all."""

    attempts_cleared: int
    addresses_still_blocked: int


def _lockout_cause(username: str | None, ip_address: str | None) -> str:
    if second_factor_failures(username) >= settings.AXES_FAILURE_LIMIT:
        return "security_codes"
    return "address" if address_is_locked(ip_address) else "password"


# One ACCOUNT_LOCKED_OUT per account this long while its sign-ins keep being refused; the rest are counted.
LOCKOUT_EVENT_INTERVAL_SECONDS = 3600


def _lockout_event_due(account: User | None) -> bool:
    if account is None:
        return False
    try:
        return bool(cache.add(f"accounts:lockout-recorded:{account.pk}", True, timeout=LOCKOUT_EVENT_INTERVAL_SECONDS))
    except Exception:  # noqa: BLE001 - whatever the cache backend raises when it is down: record, never lose
        return True


def lockout_record(*, username: str | None, ip_address: str | None = None, already_locked: bool = False) -> None:
    """Audit a lockout against the account if it exists; the typed address itself is never stored.

    `already_locked`: a sign-in refused unread because a lock is in place (accounts.lockout.LockoutBackend).
    Anyone can post those without end, so they are counted per minute like other refusals of visitors not
    signed in, except the first for an existing account in LOCKOUT_EVENT_INTERVAL_SECONDS (locked by its
    address, its holder learns of it here). A 429 page counts as "forbidden".
    """
    account = User.objects.filter(email__iexact=username).first() if username else None
    if account is not None and not already_locked:
        _lockout_event_due(account)  # the lock's first event: later refusals are counted
    elif already_locked and not _lockout_event_due(account):
        audit.record_anonymous_refusal(status=403)
        return
    audit.record_refusal(
        actor=None,
        action=AuditAction.ACCOUNT_LOCKED_OUT,
        target_type="accounts.user" if account else "",
        target_id=account.pk if account else "",
        local_authority_id=account.local_authority_id if account else None,
        details={"account_exists": account is not None, "cause": _lockout_cause(username, ip_address)},
    )


def second_factor_is_locked(*, user: User) -> bool:
    """True once AXES_FAILURE_LIMIT wrong security codes were entered since the last good one or unlock."""
    return second_factor_failures(user.email.lower()) >= settings.AXES_FAILURE_LIMIT


def second_factor_failure_add(*, user: User) -> int:
    """Count one wrong security code against the account; the caller holds the user's row lock. Returns the count."""
    username = user.email.lower()
    now = timezone.now()
    attempt, created = AccessAttempt.objects.get_or_create(
        username=username,
        ip_address=None,
        user_agent=SECOND_FACTOR_MARKER,
        defaults={"failures_since_start": 1, "attempt_time": now, "path_info": "", "http_accept": ""},
    )
    if not created:
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            failures_since_start=F("failures_since_start") + 1, attempt_time=now
        )
    return second_factor_failures(username)


def second_factor_failures_clear(*, user: User) -> None:
    """A good code (or passkey) starts the count again, as a good password does for password failures."""
    second_factor_attempts(user.email.lower()).delete()


def _unlock(*, user: User, actor: User | None, via: str) -> Unlocked:
    username = user.email.lower()
    with transaction.atomic():
        addresses = set(
            AccessAttempt.objects.filter(username=username, ip_address__isnull=False).values_list(
                "ip_address", flat=True
            )
        )
        # Every record of this account: its failures at each address and its wrong security codes.
        cleared = axes_reset(username=username)
        # Security over convenience: an address blocked by failures against many accounts stays blocked.
        # Unlocking one person must not reopen that address to whoever is guessing from it (docs/access.md).
        blocked = sum(1 for address in addresses if address_is_locked(address))
        details = {"via": via, "attempts_cleared": cleared, "addresses_still_blocked": blocked}
        audit.record(actor=actor, action=AuditAction.ACCOUNT_UNLOCKED, target=user, details=details)
    return Unlocked(cleared, blocked)


def user_unlock(*, actor: User, user: User) -> Unlocked:
    """A Prevent lead of the user's authority clears every lockout record of the user (never their own)."""
    if not can_manage_user(actor, user):
        audit.record_refusal(
            actor=actor, action=AuditAction.USER_CHANGE_REFUSED, target=user, details={"change": "unlock"}
        )
        raise UserChangeRefused("You cannot unlock this account.")
    return _unlock(user=user, actor=actor, via="prevent_lead")


def account_unlock_by_operator(*, email: str) -> Unlocked | None:
    """The operator command: clears every lockout record of the account; None when no account has that address."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        return None
    return _unlock(user=user, actor=None, via="operator_command")


def address_unlock_by_operator(*, ip_address: str) -> int:
    """The operator command: clear every failed sign-in from one address (whatever the accounts), audited.

    Lifts a block for every account behind the address, so it is an operator's decision after checking
    the attempts, never a side effect of unlocking one person. The address itself stays out of the audit.
    """
    with transaction.atomic():
        cleared = axes_reset(ip=ip_address)
        details = {"via": "operator_command", "attempts_cleared": cleared}
        audit.record(actor=None, action=AuditAction.ADDRESS_UNLOCKED, target_type="axes.accessattempt", details=details)
    return cleared
