"""Every 403, and every 404 on a case URL, is recorded; a refusal survives the failing request around it."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.test import Client
from django.urls import include, path

from audit import anonymous
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


class _Clock:
    """The time audit.anonymous counts refusals at, fixed by the test."""

    moment = dt.datetime(2026, 11, 28, 10, 0, 30, tzinfo=dt.UTC)

    def at(self, text: str) -> dt.datetime:
        self.moment = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
        return self.moment


@pytest.fixture
def clock(monkeypatch):
    fixed = _Clock()
    monkeypatch.setattr(anonymous, "clock", lambda: fixed.moment)
    return fixed


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
def test_an_anonymous_403_is_counted_and_recorded_without_an_actor_once_its_minute_closes(client, clock, events):
    clock.at("2026-11-28 10:00:30")
    assert client.get("/forbidden/").status_code == 403
    assert events() == []
    assert audit.anonymous_refusals_flush(now=clock.moment + dt.timedelta(minutes=1)) == 1
    (event,) = events()
    assert (event.action, event.actor_id, event.outcome) == ("ANONYMOUS_REFUSALS_COUNTED", None, "refused")
    assert event.details == {"count": 1, "status_403": 1, "status_404": 0, "window_start": "2026-11-28 10:00"}


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
def test_the_case_namespaces_come_from_settings(settings, signed_in, events):
    settings.AUDIT_CASE_URL_NAMESPACES = []
    signed_in.get("/pages/missing/")
    assert events(action="ACCESS_REFUSED") == []
    settings.AUDIT_CASE_URL_NAMESPACES = ["pages"]
    signed_in.get("/pages/missing/")
    assert [event.details["url_name"] for event in events(action="ACCESS_REFUSED")] == ["pages:missing"]


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
def test_a_404_of_a_url_naming_a_record_is_recorded_outside_the_case_namespaces(settings, signed_in, events):
    """A guessed record number (a case, a user, a passkey) is an attempt on someone else's record."""
    settings.AUDIT_CASE_URL_NAMESPACES = []
    signed_in.get(f"/referrals/{REFERENCE}/")
    (event,) = events(action="ACCESS_REFUSED")
    assert (event.details["url_name"], event.case_reference) == ("referrals:referral-detail", REFERENCE)


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


# Anonymous refusals (issue 11, point 4): anyone can provoke them, so they are counted, not chained one by one.
@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
def test_a_hundred_anonymous_404s_under_api_in_one_minute_are_one_event_with_their_count(client, clock, events):
    clock.at("2026-11-28 10:00:05")
    for number in range(100):
        assert client.get(f"/api/v1/guess-{number}/").status_code == 404
    assert events() == []  # nothing chained while the minute is open

    clock.at("2026-11-28 10:01:10")
    assert client.get("/api/v1/one-more/").status_code == 404  # the first refusal of a new minute writes the last
    (event,) = events()
    assert event.action == "ANONYMOUS_REFUSALS_COUNTED"
    assert event.details == {"count": 100, "status_403": 0, "status_404": 100, "window_start": "2026-11-28 10:00"}
    assert audit.anonymous_refusals_flush(now=clock.moment) == 0  # never twice for one minute
    assert chain_check().intact


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
def test_the_minute_beat_writes_the_count_when_traffic_stops(client, clock, events):
    clock.at("2026-11-28 10:00:59")
    client.get("/api/v1/nothing/")
    client.get("/forbidden/")
    assert audit.anonymous_refusals_flush(now=clock.at("2026-11-28 10:01:02")) == 0  # not closed for 5 s yet
    assert audit.anonymous_refusals_flush(now=clock.at("2026-11-28 10:01:05")) == 1
    assert audit.anonymous_refusals_flush(now=clock.at("2026-11-28 10:02:30")) == 0
    assert [event.details["count"] for event in events()] == [2]


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
def test_each_minute_of_anonymous_refusals_is_at_most_one_event(client, clock, events):
    for minute in range(3):
        for second in (0, 20, 40):
            clock.at(f"2026-11-28 10:0{minute}:{second:02d}")
            client.get("/api/v1/nothing/")
    audit.anonymous_refusals_flush(now=clock.at("2026-11-28 10:05:00"))
    assert [(e.details["window_start"], e.details["count"]) for e in events()] == [
        ("2026-11-28 10:00", 3),
        ("2026-11-28 10:01", 3),
        ("2026-11-28 10:02", 3),
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
@pytest.mark.parametrize("method", ["DROPTABLES", "GET_ALL_NAMES", "PROPFIND"])
def test_a_method_the_client_made_up_never_enters_any_event(signed_in, clock, events, method):
    for sender in (Client(), signed_in):  # not signed in, then signed in
        assert sender.generic(method, "/api/v1/nothing/").status_code == 404
    audit.anonymous_refusals_flush(now=clock.moment + dt.timedelta(minutes=2))
    stored = [(e.action, e.details, e.reason_code, e.target_type, e.target_id) for e in events()]
    assert method not in str(stored)
    assert [e.details["method"] for e in events(action="ACCESS_REFUSED")] == ["OTHER"]


def test_a_free_method_name_is_refused_by_the_allow_list_itself():
    from audit.details import AuditDetailsError, details_clean

    assert details_clean("ACCESS_REFUSED", {"method": "PATCH"}) == {"method": "PATCH"}
    with pytest.raises(AuditDetailsError):
        details_clean("ACCESS_REFUSED", {"method": "DROP_TABLES"})


@pytest.mark.django_db
@pytest.mark.usefixtures("test_urls")
def test_signed_in_refusals_are_still_one_event_each(signed_in, triage_officer, clock, events):
    for _ in range(3):
        assert signed_in.get("/api/v1/nothing/").status_code == 404
    refusals = events(action="ACCESS_REFUSED")
    assert [(e.actor_id, e.details["status"]) for e in refusals] == [(triage_officer.pk, 404)] * 3
    assert audit.anonymous_refusals_flush(now=clock.moment + dt.timedelta(minutes=2)) == 0
