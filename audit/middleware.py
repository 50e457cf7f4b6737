"""Every 403, and every 404 on a case URL or on a URL naming a record, is audited: one ACCESS_REFUSED event
per signed-in refusal, committed on its own; refusals of visitors not signed in are counted, one event per
minute (audit/anonymous.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from audit import services as audit
from audit.details import NAME_RE, REFERENCE_RE

DEFAULT_CASE_NAMESPACES = ("referrals", "channel", "closure", "api")
CASE_PATH_PREFIXES = ("/cases/", "/api/")
# The client chooses the method's name (any token is valid HTTP): only these are stored, any other as OTHER.
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def is_case_url(request: HttpRequest) -> bool:
    """A URL resolved into a case namespace (AUDIT_CASE_URL_NAMESPACES), or any path under /cases/ or /api/."""
    namespaces = set(getattr(settings, "AUDIT_CASE_URL_NAMESPACES", DEFAULT_CASE_NAMESPACES))
    match = getattr(request, "resolver_match", None)
    if match is not None and namespaces.intersection(match.namespaces):
        return True
    return request.path.startswith(CASE_PATH_PREFIXES)


def names_a_record(request: HttpRequest) -> bool:
    """A resolved URL with an argument (a user's number, a passkey's): its 404 is someone else's record, or none."""
    match = getattr(request, "resolver_match", None)
    return bool(match is not None and match.kwargs)


def _actor(request: HttpRequest, response: HttpResponse) -> Any:
    # REST framework authenticates inside the view: its request knows the token's user, ours does not.
    drf_request = (getattr(response, "renderer_context", None) or {}).get("request")
    user = getattr(drf_request, "user", None) if drf_request is not None else None
    return user if getattr(user, "is_authenticated", False) else getattr(request, "user", None)


def _refusal_fields(request: HttpRequest, status: int) -> dict[str, Any]:
    """Only the URL's name, the method and a well-formed case reference: never the raw path or query."""
    method = request.method if request.method in HTTP_METHODS else "OTHER"
    details: dict[str, Any] = {"status": status, "method": method}
    match = getattr(request, "resolver_match", None)
    reference = ""
    if match is not None:
        if match.view_name and NAME_RE.fullmatch(match.view_name):
            details["url_name"] = match.view_name
        candidate = str(match.kwargs.get("reference", ""))
        # fullmatch: "$" alone would let a trailing newline from the URL through.
        reference = candidate if REFERENCE_RE.fullmatch(candidate) else ""
    return {"details": details, "case_reference": reference}


class AccessRefusedMiddleware:
    """Records refusals after the response is built, outside any view transaction (ATOMIC_REQUESTS is off)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.refusal_tracking_start()
        try:
            response = self.get_response(request)
        finally:
            # A service that refused (a transition, a grant) has recorded the refusal with its own details.
            recorded_by_service = audit.refusal_tracking_end(token)
        status = response.status_code
        # A guessed number is as much an attempt on someone else's record as a guessed case reference.
        not_found = status == 404 and (is_case_url(request) or names_a_record(request))  # noqa: PLR2004
        refused = status == 403 or not_found  # noqa: PLR2004 - HTTP status codes
        if refused and not recorded_by_service:
            actor = _actor(request, response)
            if getattr(actor, "is_authenticated", False):
                audit.record_refusal(actor=actor, **_refusal_fields(request, status))
            else:
                # Anyone can provoke these: a count per minute, never an event (or a chain-head wait) per request.
                audit.record_anonymous_refusal(status=status)
        return response
