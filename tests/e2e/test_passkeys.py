"""Passkeys in Chromium, with its virtual authenticator (the DevTools WebAuthn domain) standing in for a
fingerprint reader: add one from the account page, sign out, sign in with the password and the passkey
instead of the code; choose a passkey at forced enrolment; without JavaScript the code still works.
axe on every page touched, and no Content Security Policy violation on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from accounts.models import Role
from accounts.services import demo_totp_device_set, user_create_with_membership
from tests.accounts.soft_authenticator import SoftAuthenticator, register
from tests.e2e.conftest import current_totp, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "browser-test-passkey-password"
EMAIL = "passkey.officer@example.org"


@pytest.fixture
def site(live_server, settings) -> str:
    """The live server as the relying party: WebAuthn needs a domain (never an IP address) in a secure context."""
    assert urlsplit(live_server.url).hostname == "localhost", live_server.url
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    return live_server.url


@pytest.fixture
def officer(transactional_db, local_authority, settings):
    user = user_create_with_membership(
        email=EMAIL, password=PASSWORD, local_authority=local_authority, role=Role.TRIAGE_OFFICER
    )
    demo_totp_device_set(user=user, secret=settings.DEMO_TOTP_SECRET)
    return user


@dataclass
class PasskeyBrowser:
    page: Page
    credentials: Callable[[], list[dict]]
    csp_violations: list[str]


@pytest.fixture
def chromium(page: Page):
    """The page, with a platform authenticator that verifies the user (like Touch ID) and answers at once,
    and every Content Security Policy violation the console reports."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    options = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    authenticator_id = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})["authenticatorId"]
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security" in message.text else None)
    yield PasskeyBrowser(
        page=page,
        credentials=lambda: cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"],
        csp_violations=violations,
    )
    cdp.send("WebAuthn.disable")


def _password_step(page: Page, site: str, email: str) -> None:
    page.goto(site + "/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_add_a_passkey_then_sign_in_with_it_instead_of_the_code(
    site, officer, chromium, axe_violations, assert_audited
):
    page = chromium.page
    heading = page.get_by_role("heading", level=1)
    sign_in(page, site, EMAIL, PASSWORD)
    page.get_by_role("link", name="Your account").click()
    expect(heading).to_have_text("Your account")
    expect(page.get_by_test_id("passkey-list")).to_have_text("You have not added a passkey.")
    expect(page.get_by_role("button", name="Add a passkey")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Add a passkey").click()
    expect(heading).to_have_text("Name your passkey")
    assert axe_violations(page) == []
    page.get_by_label("Passkey name").fill("Work laptop")
    page.get_by_role("button", name="Save name").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Passkey added")
    expect(page.get_by_test_id("passkey-list")).to_contain_text("Work laptop")
    assert axe_violations(page) == []
    assert len(chromium.credentials()) == 1
    assert_audited("PASSKEY_REGISTERED", officer, enrolment=False)

    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(heading).to_have_text("You have signed out")
    _password_step(page, site, EMAIL)
    expect(heading).to_have_text("Enter your security code")
    use_passkey = page.get_by_role("button", name="Use your passkey")
    expect(use_passkey).to_be_visible()
    assert axe_violations(page) == []
    use_passkey.click()
    expect(page).to_have_url(site + "/")
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(EMAIL)
    assert axe_violations(page) == []
    assert_audited("MFA_VERIFIED", officer, method="passkey")
    assert chromium.credentials()[0]["signCount"] >= 1
    assert chromium.csp_violations == []


def test_a_new_user_can_choose_a_passkey_at_forced_enrolment(
    site, local_authority, chromium, axe_violations, assert_audited
):
    page = chromium.page
    user = user_create_with_membership(
        email="new.passkey@example.org", password=PASSWORD, local_authority=local_authority, role=Role.PANEL_MEMBER
    )
    heading = page.get_by_role("heading", level=1)
    page.goto(site + "/audit/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading).to_have_text("Set up your authenticator app")
    expect(page.get_by_label("Security code")).to_be_visible()  # the app stays available
    page.get_by_role("button", name="Use a passkey instead").click()
    expect(heading).to_have_text("Name your passkey")
    page.get_by_label("Passkey name").fill("Phone")
    page.get_by_role("button", name="Save name").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Passkey set up")
    expect(page.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    assert axe_violations(page) == []
    page.get_by_role("link", name="I have saved my backup codes").click()
    expect(page).to_have_url(re.compile(r"/audit/$"))  # where they were going; the page's own rule applies
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(user.email)
    assert_audited("MFA_ENROLLED", user, method="passkey")
    assert chromium.csp_violations == []


def test_without_javascript_the_page_says_so_and_the_code_still_works(site, officer, browser):
    client = Client()
    client.force_login(officer)
    assert register(client, SoftAuthenticator(origin=site)).status_code == 200
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _password_step(page, site, EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    expect(page.get_by_test_id("passkey-needs-javascript")).to_contain_text(
        "To use your passkey, turn on JavaScript in your browser."
    )
    expect(page.get_by_role("button", name="Use your passkey")).to_have_count(0)
    page.get_by_label("Security code").fill(current_totp(EMAIL))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(EMAIL)
    context.close()
