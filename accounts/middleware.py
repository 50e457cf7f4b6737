"""Session limits and second-factor enforcement, for every page past sign-in."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from accounts.services import mfa_is_enrolled, session_timed_out_record

SESSION_STARTED_AT = "accounts_started_at"
SESSION_LAST_SEEN = "accounts_last_seen"
SESSION_TOKEN = "accounts_session_token"  # noqa: S105 (a session key's name, not a secret)
# Activity is recorded at most this often: a page that changes nothing then writes nothing (no session
# UPDATE per GET). The idle limit is counted from the last recorded activity, so a session may end up to
# this many seconds before SESSION_IDLE_TIMEOUT of true inactivity, never after it (the safe side).
ACTIVITY_RECORDED_EVERY = 60

# Pages an authenticated but unverified user may still reach (everything else needs a verified device).
UNVERIFIED_VIEW_NAMES = frozenset(
    {
        "accounts:sign-in",
        "accounts:sign-out",
        "accounts:signed-out",
        "accounts:timed-out",
        "accounts:locked-out",
        "accounts:mfa-verify",
        "accounts:mfa-setup",
        "accounts:mfa-setup-qr",
        "accessibility",
        "privacy",
        "healthz",
    }
)
# django-otp-webauthn's endpoints (accounts/webauthn_urls.py). Signing a challenge with a passkey is how a
# half-signed-in user verifies, and the library's script needs its translations: open to every unverified
# session. Registering a passkey is open to an unverified session only in forced enrolment (no second
# factor yet, as at the authenticator set-up); beside an existing factor it needs a verified session.
PASSKEY_VERIFY_VIEW_NAMES = frozenset(
    {
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
    }
)
PASSKEY_ENROLMENT_VIEW_NAMES = frozenset(
    {"otp_webauthn:credential-registration-begin", "otp_webauthn:credential-registration-complete"}
)
# The API authenticates each call with a token, not a session (referrals.api): it is left alone.
API_PREFIX = "/api/"


def session_stamp(request: HttpRequest, user: object) -> None:
    """Called at sign-in: the session remembers when it started and which sign-out-everywhere token it holds."""
    now = int(time.time())
    request.session[SESSION_STARTED_AT] = now
    request.session[SESSION_LAST_SEEN] = now
    request.session[SESSION_TOKEN] = str(user.session_token)


def _ended_because(request: HttpRequest, now: int) -> str | None:
    session = request.session
    if session.get(SESSION_TOKEN) != str(request.user.session_token):
        return "revoked"
    if now - session.get(SESSION_STARTED_AT, 0) > settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    if now - session.get(SESSION_LAST_SEEN, 0) > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None


class SessionLimitsMiddleware:
    """Ends a session idle for SESSION_IDLE_TIMEOUT, older than SESSION_ABSOLUTE_TIMEOUT, or revoked."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path_info.startswith(API_PREFIX):
            now = int(time.time())
            reason = _ended_because(request, now)
            if reason is not None:
                user = request.user
                if reason != "revoked":
                    session_timed_out_record(user=user, reason=reason)
                logout(request)
                if reason == "revoked":
                    return redirect("accounts:signed-out")
                return redirect(f"{reverse('accounts:timed-out')}?{urlencode({'reason': reason})}")
            if now - request.session.get(SESSION_LAST_SEEN, 0) >= ACTIVITY_RECORDED_EVERY:
                session_activity_record(request)
        return self.get_response(request)


def session_activity_record(request: HttpRequest) -> None:
    """The idle clock starts again now (a page after a quiet minute, or "Stay signed in")."""
    request.session[SESSION_LAST_SEEN] = int(time.time())


def session_idle_seconds_left(request: HttpRequest) -> int:
    """Seconds until the idle limit ends this session, counted from its last recorded activity."""
    last_seen = request.session.get(SESSION_LAST_SEEN, int(time.time()))
    return max(0, int(settings.SESSION_IDLE_TIMEOUT) - (int(time.time()) - last_seen))


def _view_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _open_before_second_factor(path: str, user: object) -> bool:
    if path.startswith((API_PREFIX, settings.STATIC_URL)):
        return True
    view_name = _view_name(path)
    if view_name in UNVERIFIED_VIEW_NAMES or view_name in PASSKEY_VERIFY_VIEW_NAMES:
        return True
    return view_name in PASSKEY_ENROLMENT_VIEW_NAMES and not mfa_is_enrolled(user=user)


class VerifiedDeviceMiddleware:
    """No page past sign-in without a verified second factor: enrolment first if there is none yet."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not user.is_verified() and not _open_before_second_factor(request.path_info, user):
            target = "accounts:mfa-verify" if mfa_is_enrolled(user=user) else "accounts:mfa-setup"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)
