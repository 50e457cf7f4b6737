"""django-axes hooks: one username per account whatever its case, log lines without names or addresses, and the
three lockout limits (account at an address, account after wrong security codes, address)."""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

# Set on a request whose sign-in axes refused before the password was checked (the account or address is
# locked already): accounts.receivers and audit.receivers then count it instead of chaining two events.
REFUSED_WHILE_LOCKED = "sign_in_refused_while_locked"


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The typed e-mail address, lower-cased, so that "Lead@..." and "lead@..." share one failure count."""
    value = (credentials or {}).get("username") or (credentials or {}).get("email")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def client_str(username: str, ip_address: str, user_agent: str, path_info: Any, request: HttpRequest) -> str:
    """What axes writes in its log lines: the path only (DESIGN.md principle 1: no personal data in logs)."""
    path = path_info[0] if isinstance(path_info, (tuple, list)) else path_info
    return f"{{path_info: {path!r}}}"


def client_address(request: HttpRequest) -> str | None:
    """The client's address for the lockout counts (AXES_CLIENT_IP_CALLABLE).

    Without AXES_IPWARE_PROXY_COUNT: the connection's address; X-Forwarded-For is the client's own text.
    With N proxies, each appending the address it saw: the N-th entry from the right of X-Forwarded-For,
    the one the outermost trusted proxy wrote. axes reads that setting only through django-ipware, which is
    not installed, so without this everyone behind the proxy shared one address: 50 failures by anyone
    locked every account. Security first: a header too short or not an address falls back to the connection's.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None)
    if not count:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


# The account-wide record of wrong security codes: an axes row of its own, so that everything that clears an
# account's failures (axes' reset by username, unlock_user, the Prevent lead's unlock) clears it too. It has
# no address: after the password, the lock holds from every address.
SECOND_FACTOR_MARKER = "second factor"


def _recent(attempts: QuerySet[AccessAttempt]) -> QuerySet[AccessAttempt]:
    cool_off = get_cool_off()
    return attempts if cool_off is None else attempts.filter(attempt_time__gte=timezone.now() - cool_off)


def _total(attempts: QuerySet[AccessAttempt]) -> int:
    return _recent(attempts).aggregate(total=Sum("failures_since_start"))["total"] or 0


def second_factor_attempts(username: str) -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(username=username, ip_address__isnull=True, user_agent=SECOND_FACTOR_MARKER)


def second_factor_failures(username: str | None) -> int:
    """Wrong security codes for this account (lower-case address) since its last good code or unlock."""
    return _total(second_factor_attempts(username)) if username else 0


def address_failures(ip_address: str | None) -> int:
    """Failed sign-ins from this address, whatever the accounts typed."""
    return _total(AccessAttempt.objects.filter(ip_address=ip_address)) if ip_address else 0


def address_is_locked(ip_address: str | None) -> bool:
    return address_failures(ip_address) >= settings.AXES_IP_FAILURE_LIMIT


class LockoutBackend(AxesStandaloneBackend):
    """axes' backend, marking the sign-ins it refuses unread because a lock is already in place."""

    def authenticate(
        self, request: HttpRequest, username: str | None = None, password: str | None = None, **kwargs: Any
    ):
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            setattr(request, REFUSED_WHILE_LOCKED, True)
            raise


class AccountAddressHandler(AxesDatabaseHandler):
    """django-axes' database handler with three limits instead of one (AXES_HANDLER).

    - the account at one address: AXES_FAILURE_LIMIT (axes' own count, AXES_LOCKOUT_PARAMETERS);
    - the account from every address, after AXES_FAILURE_LIMIT wrong security codes;
    - one address for every account: AXES_IP_FAILURE_LIMIT, higher, for one person guessing many accounts.

    Axes compares one number with AXES_FAILURE_LIMIT, so an address over its own limit counts as that limit.
    """

    def filter_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> list[QuerySet]:
        """Axes' own records of this account at this address, never the security-code record.

        So a good password (AXES_RESET_ON_SUCCESS) never clears wrong codes, even from a request whose
        address is unknown (axes would then match records without an address, as that record is).
        """
        marker = Q(ip_address__isnull=True, user_agent=SECOND_FACTOR_MARKER)
        return [attempts.exclude(marker) for attempts in super().filter_user_attempts(request, credentials)]

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        failures = max(
            super().get_failures(request, credentials),
            second_factor_failures(get_client_username(request, credentials)),
        )
        if address_is_locked(getattr(request, "axes_ip_address", None)):
            failures = max(failures, get_failure_limit(request, credentials))
        return failures
