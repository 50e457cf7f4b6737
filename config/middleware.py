"""Site-wide response policy: no copies of pages in browsers or proxies, no powerful browser features, and a
GOV.UK page instead of an empty 405."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from audit.details import REFERENCE_RE

METHOD_NOT_ALLOWED = 405
# A case's own pages: a form posted under one of these namespaces lives on the case (or one of its sections).
CASE_NAMESPACES = ("referrals", "channel", "closure")


class NoStoreMiddleware:
    """Browsers and proxies must not keep copies of pages (case content is personal data)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        return response


def _way_back(request: HttpRequest) -> tuple[str, str]:
    """The case the address names, when it names one the user may open (the case page checks), else their work."""
    match = getattr(request, "resolver_match", None)
    reference = str(match.kwargs.get("reference", "")) if match is not None else ""
    if REFERENCE_RE.fullmatch(reference) and set(CASE_NAMESPACES).intersection(match.namespaces):
        try:
            return reverse("referrals:referral-detail", args=[reference]), "Go to the case"
        except NoReverseMatch:
            pass
    return reverse("home"), "Go to your work"


class MethodNotAllowedPageMiddleware:
    """A view that only takes a form's POST answers anything else with Django's empty 405: a reloaded address
    after a re-shown form, or an old link, would show a blank page. An empty 405 becomes the GOV.UK page (same
    status and Allow header), the passkey endpoints' included; a 405 with a body (the API's JSON) is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != METHOD_NOT_ALLOWED or response.streaming or response.content:
            return response
        back_url, back_label = _way_back(request)
        page = render(request, "errors/405.html", {"back_url": back_url, "back_label": back_label}, status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
