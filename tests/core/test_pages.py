"""Site pages, error pages, security headers and the health check."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse


@pytest.mark.django_db
def test_home_page_for_visitor_warns_about_immediate_danger_and_offers_sign_in(client):
    body = client.get("/").content.decode()
    assert "If someone is in immediate danger, call 999." in body
    assert f'href="{reverse("accounts:sign-in")}"' in body
    assert "Signed in as" not in body


@pytest.mark.django_db
def test_home_page_names_role_and_authority_of_signed_in_user(client, prevent_lead):
    client.force_login(prevent_lead)
    body = client.get("/").content.decode()
    assert "Your role is Prevent lead in Testshire County Council." in body
    assert f"Your account: </span>{prevent_lead.email}</a>" in _header(body)


def _header(body: str) -> str:
    return body[body.index("<header") : body.index("</header>")]


@pytest.mark.django_db
def test_header_names_the_user_by_display_name_once_fully_signed_in(client, triage_officer):
    triage_officer.display_name = "Alexandra Montgomery-Fitzwilliam"
    triage_officer.save()
    client.force_login(triage_officer)
    header = _header(client.get("/").content.decode())
    assert 'aria-label="Account"' in header
    assert "Alexandra Montgomery-Fitzwilliam" in header
    assert triage_officer.email not in header
    assert "Signed in as" not in header


@pytest.mark.django_db
def test_header_does_not_name_the_user_before_the_second_factor(client, triage_officer):
    triage_officer.display_name = "Alexandra Montgomery-Fitzwilliam"
    triage_officer.save()
    client.verify_second_factor = False
    client.force_login(triage_officer)
    response = client.get(reverse("accounts:mfa-setup"))
    assert response.status_code == 200
    header = _header(response.content.decode())
    assert "Sign out" in header
    for shown_only_after_verification in (
        "Alexandra",
        triage_officer.email,
        "Triage officer",
        "Testshire",
        "Your account",
        "Signed in as",
    ):
        assert shown_only_after_verification not in header


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "heading"),
    [("/accessibility/", "Accessibility statement for"), ("/privacy/", "Privacy notice")],
)
def test_footer_pages_exist_and_are_linked_from_every_page(client, url, heading):
    body = client.get(url).content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}' in body
    home = client.get("/").content.decode()
    assert f'href="{url}"' in home


@pytest.mark.django_db
def test_base_template_has_skip_link_phase_banner_and_no_crown(client):
    body = client.get("/").content.decode()
    assert '<a href="#main-content" class="govuk-skip-link"' in body
    assert 'id="main-content"' in body
    assert "govuk-phase-banner" in body
    assert "govuk-header__logotype" not in body
    assert "crown" not in body.lower()


@pytest.mark.django_db
def test_404_page_is_govuk_styled(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in response.content.decode()


@pytest.mark.django_db
def test_403_page_is_govuk_styled(rf, triage_officer):
    from config.views import error_403

    request = rf.get("/")
    request.user = triage_officer
    response = error_403(request)
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()


def test_500_page_renders_without_request_or_database():
    from config.views import error_500

    response = error_500(None)
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "govuk-footer" in body


@pytest.mark.django_db
def test_security_headers_and_nonce_csp_on_every_page(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert f'<script nonce="{nonce}">' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Request-ID"]
    second = client.get("/")["Content-Security-Policy"]
    assert re.search(r"'nonce-([^']+)'", second).group(1) != nonce


@pytest.mark.django_db
def test_healthz_reports_database_ok(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": {"database": "ok", "outbox": "ok", "audit_checkpoint": "ok"},
        "outbox_dead_messages": 0,
        "audit_checkpoint_age_hours": None,
        "audit_unanchored_hours": 0.0,
    }


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_down(client, settings):
    # Nothing listens on port 1: a real refused connection, not a mock.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {
        "database": "ok",
        "redis": "down",
        "outbox": "ok",
        "audit_checkpoint": "ok",
    }


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, settings, monkeypatch):
    settings.REDIS_URL = ""

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("database is unavailable")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "down", "checks": {"database": "down"}}


@override_settings(REDIS_URL="")
@pytest.mark.django_db
def test_request_id_from_proxy_is_kept_only_when_well_formed(client):
    assert client.get("/", HTTP_X_REQUEST_ID="abcdef12-3456")["X-Request-ID"] == "abcdef12-3456"
    assert client.get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role_fixture", "shown", "hidden"),
    [
        ("referrer", ["/referrals/start/", "/referrals/"], ["/referrals/queue/", "/audit/"]),
        ("triage_officer", ["/referrals/queue/", "/referrals/start/"], ["/audit/"]),
        ("prevent_lead", ["/referrals/queue/"], ["/audit/"]),
        ("auditor", ["/audit/"], ["/referrals/queue/", "/referrals/start/"]),
    ],
)
def test_home_page_links_each_role_to_its_work(client, request, role_fixture, shown, hidden):
    client.force_login(request.getfixturevalue(role_fixture))
    body = client.get("/").content.decode()
    for url in shown:
        assert f'href="{url}"' in body
    for url in hidden:
        assert f'href="{url}"' not in body


@pytest.mark.django_db
def test_a_get_on_a_form_s_post_only_address_answers_the_govuk_405_page(client, triage_officer):
    """Django's own 405 has an empty body: a blank page to someone who reloads the address or follows an old link."""
    client.force_login(triage_officer)
    response = client.get(reverse("accounts:sign-out-everywhere"))
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    assert "GET" not in response["Allow"]
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">This page cannot be opened directly</h1>' in body
    assert f'<a href="{reverse("home")}" class="govuk-link">Go to your work</a>' in body


@pytest.mark.django_db
def test_the_405_page_of_a_case_s_post_only_address_links_to_the_case(client, prevent_lead):
    client.force_login(prevent_lead)
    reference = "PRV-2026-000123"
    response = client.get(reverse("referrals:referral-grant-revoke", args=[reference, 1]))
    assert response.status_code == 405
    body = response.content.decode()
    assert "This page cannot be opened directly" in body
    case_url = reverse("referrals:referral-detail", args=[reference])
    assert f'<a href="{case_url}" class="govuk-link">Go to the case</a>' in body


@pytest.mark.django_db
def test_a_405_with_a_body_of_its_own_is_left_alone(referrer):
    """The API answers JSON: its 405 says so in JSON, not in a GOV.UK page."""
    from rest_framework.test import APIClient

    from accounts.services import api_token_create

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=referrer)[1]}")
    response = api.get(reverse("api:referral-create"))
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "This page cannot be opened directly" not in response.content.decode()
