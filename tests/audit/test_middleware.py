"""Every 403, and every 404 on a case URL, is recorded; a refusal survives the failing request around it."""

from __future__ import annotations

import types

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.test import Client
from django.urls import include, path

from audit import services as audit
from audit.models import AuditEvent
from audit.verification import chain_check

REFERENCE = "PRV-2026-000042"


def _forbidden(request, **kwargs):
    raise PermissionDenied


def _missing(request, **kwargs):
    raise Http404


def _refuse_then_fail(request):
    """A view that records a refusal inside its own transaction and then fails (a 500)."""
    with transaction.atomic():
        audit.record_refusal(actor=request.user, case_reference=REFERENCE, reason_code="NOT_PERMITTED")
        raise RuntimeError("the request fails after the refusal")


def _refuse_then_fail_outside(request):
    audit.record_refusal(actor=request.user, case_reference=REFERENCE)
    raise RuntimeError("the request fails after the refusal")


def _ok(request, **kwargs):
    return HttpResponse("ok")


_referrals = ([path("<str:reference>/", _missing, name="referral-detail")], "referrals")
_pages = ([path("missing/", _missing, name="missing")], "pages")


@pytest.fixture
def test_urls(settings):
    module = types.ModuleType("audit_test_urls")
    module.urlpatterns = [
        path("referrals/", include(_referrals)),
        path("pages/", include(_pages)),
        path("cases/<str:reference>/", _missing),
        path("forbidden/", _forbidden, name="forbidden"),
        path("fail/", _refuse_then_fail),
        path("fail-outside/", _refuse_then_fail_outside),
        path("ok/", _ok),
    ]
    settings.ROOT_URLCONF = module
    return module


@pytest.fixture
def signed_in(client, triage_officer):
    client.force_login(triage_officer)
    return client


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
def test_a_403_anywhere_is_recorded_with_the_actor(signed_in, triage_officer, events):
    assert signed_in.get("/forbidden/?name=Jane").status_code == 403
    (event,) = events(action="ACCESS_REFUSED")
    assert (event.actor_id, event.outcome) == (triage_officer.pk, "refused")
    assert event.details == {"status": 403, "method": "GET", "url_name": "forbidden"}
    assert "Jane" not in str(event.details)


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
def test_a_404_in_a_case_namespace_is_recorded_with_its_reference(signed_in, events):
    assert signed_in.get(f"/referrals/{REFERENCE}/").status_code == 404
    (event,) = events(action="ACCESS_REFUSED")
    assert event.case_reference == REFERENCE
    assert event.details["url_name"] == "referrals:referral-detail"


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
@pytest.mark.parametrize("url", ["/cases/PRV-2026-000042/", "/cases/not-resolving/deeper/", "/api/v1/nothing/"])
def test_a_404_under_cases_or_api_is_recorded(signed_in, events, url):
    assert signed_in.get(url).status_code == 404
    assert len(events(action="ACCESS_REFUSED")) == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
@pytest.mark.parametrize("url", ["/pages/missing/", "/no-such-page/", "/ok/"])
def test_other_404s_and_successes_are_not_recorded(signed_in, events, url):
    signed_in.get(url)
    assert events(action="ACCESS_REFUSED") == []


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
def test_an_anonymous_403_is_recorded_without_an_actor(client, events):
    assert client.get("/forbidden/").status_code == 403
    assert events()[0].actor_id is None


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
def test_the_case_namespaces_come_from_settings(settings, signed_in, events):
    settings.AUDIT_CASE_URL_NAMESPACES = ["pages"]
    signed_in.get("/pages/missing/")
    signed_in.get(f"/referrals/{REFERENCE}/")
    assert [event.details["url_name"] for event in events(action="ACCESS_REFUSED")] == ["pages:missing"]


# Real transactions: the refusal must be committed although the request around it fails.
@pytest.mark.usefixtures("test_urls")
@pytest.mark.parametrize("url", ["/fail/", "/fail-outside/"])
def test_a_refusal_inside_a_failing_request_is_still_recorded(transactional_db, triage_officer, url):
    client = Client(raise_request_exception=False)
    client.force_login(triage_officer)
    assert client.get(url).status_code == 500
    refusals = AuditEvent.objects.filter(action="ACCESS_REFUSED", outcome="refused", case_reference=REFERENCE)
    assert refusals.count() == 1
    assert chain_check().intact
