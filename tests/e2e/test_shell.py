"""The GOV.UK shell as a person uses it: real Chromium, real server, axe on every page visited."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.conftest import current_totp

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"


@pytest.fixture
def demo_users(transactional_db, settings):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))


def test_demo_user_signs_in_and_sees_the_signed_in_header(live_server, demo_users, page: Page, axe_violations):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Make or manage a Prevent referral")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    assert axe_violations(page) == []

    page.get_by_label("Email address").fill("lead@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert axe_violations(page) == []
    page.get_by_label("Security code").fill(current_totp("lead@example.org"))
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_test_id("signed-in-as")).to_have_text("Your account: Demo Prevent lead")
    expect(page.get_by_text("Your role is Prevent lead in Northmoor City Council.")).to_be_visible()
    expect(page.locator(".app-header__link")).to_have_text("Northmoor City Council")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your work")
    assert axe_violations(page) == []

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have signed out")
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()


def test_wrong_password_shows_error_summary_that_links_to_the_field(
    live_server, demo_users, page: Page, axe_violations
):
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Email address").fill("triage@example.org")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(summary).to_be_focused()  # GOV.UK Frontend's JavaScript moves focus to the summary
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert axe_violations(page) == []


def test_error_and_footer_pages_pass_axe(live_server, page: Page, axe_violations):
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Privacy notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    assert axe_violations(page) == []


def test_sign_in_works_without_javascript(live_server, demo_users, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/sign-in/")
    page.get_by_label("Email address").fill("auditor@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(current_totp("auditor@example.org"))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Your account: Demo Auditor")
    context.close()


def test_403_and_500_pages_pass_axe(live_server, page: Page, axe_violations, rf):
    from config.views import error_403, error_500

    for html in (error_500(None).content.decode(), _render_403(rf, error_403)):
        page.goto(live_server.url + "/accessibility/")  # same origin, so the stylesheet loads
        page.set_content(html)
        assert axe_violations(page) == []


def _render_403(rf, view) -> str:
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    return view(request).content.decode()


def test_the_axe_check_itself_finds_a_real_violation(live_server, page: Page, axe_violations):
    page.goto(live_server.url + "/accessibility/")
    page.set_content('<html lang="en"><body><main><img src="/x.png"><input type="text"></main></body></html>')
    found = " ".join(axe_violations(page))
    assert "image-alt" in found
    assert "label" in found
