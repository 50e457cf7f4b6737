"""Access in Chromium, where a person clicks: second factor, forced enrolment by invitation, invitation expiry,
lockout and unlock, and the idle timeout; axe on each new page."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from accounts.models import Invitation
from accounts.services import totp_secret_to_hex
from tests.e2e.conftest import current_totp, sign_in

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"
NEW_PASSWORD = "a-long-and-unusual-passphrase-19"


@pytest.fixture
def demo_users(transactional_db, settings):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123


def _password_step(page: Page, base: str, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base + "/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_no_page_past_the_password_without_the_security_code(live_server, demo_users, page: Page, axe_violations):
    _password_step(page, live_server.url, "auditor@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    page.goto(live_server.url + "/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    page.get_by_label("Security code").fill("000000" if current_totp("auditor@example.org") != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct security code")
    expect(page.locator(".govuk-error-summary")).to_contain_text("You have 4 more tries")
    assert axe_violations(page) == []
    page.get_by_label("Security code").fill(current_totp("auditor@example.org"))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/audit/$"))
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Demo Auditor")


def _invite(page: Page, base: str, email: str) -> str:
    page.get_by_role("link", name="Manage users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage users")
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Channel panel member").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Invitation sent")
    return re.search(r"(http://\S+/accounts/invitations/\S+/)", mail.outbox[-1].body).group(1)


def test_invited_user_creates_a_password_and_must_set_up_an_authenticator(
    live_server, demo_users, page: Page, browser, axe_violations
):
    sign_in(page, live_server, "lead@example.org", DEMO_PASSWORD)
    link = _invite(page, live_server.url, "new.member@example.org")
    assert axe_violations(page) == []

    context = browser.new_context()
    invitee = context.new_page()
    invitee.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Create your password")
    invitee.get_by_label("Create a password").fill("password1234")
    invitee.get_by_label("Confirm your password").fill("password1234")
    invitee.get_by_role("button", name="Continue").click()
    expect(invitee.locator(".govuk-error-summary")).to_contain_text("This password is too common.")
    invitee.get_by_label("Create a password").fill(NEW_PASSWORD)
    invitee.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Continue").click()

    expect(invitee.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    qr = invitee.request.get(live_server.url + "/accounts/two-factor/set-up/qr-code.svg")
    assert (qr.status, qr.headers["content-type"]) == (200, "image/svg+xml")
    invitee.wait_for_function("() => document.querySelector(\"img[alt^='QR code']\").naturalWidth > 0")
    assert axe_violations(invitee) == []
    invitee.goto(live_server.url + "/")  # nothing else opens before enrolment
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    secret = invitee.get_by_test_id("totp-secret").inner_text()
    totp = TOTP(bytes.fromhex(totp_secret_to_hex(secret)))
    totp.time = time.time()
    invitee.get_by_label("Security code").fill(f"{totp.token():06d}")
    invitee.get_by_role("button", name="Continue").click()
    expect(invitee.locator(".govuk-panel__title")).to_have_text("Authenticator app set up")
    expect(invitee.get_by_test_id("backup-codes").locator("li")).to_have_count(10)
    assert axe_violations(invitee) == []
    invitee.get_by_role("link", name="I have saved my backup codes").click()
    expect(invitee.get_by_test_id("signed-in-as")).to_have_text("Your account: new.member@example.org")
    expect(invitee.get_by_text("Your role is Channel panel member")).to_be_visible()
    context.close()


def test_an_expired_invitation_says_what_to_do(live_server, demo_users, page: Page, axe_violations):
    sign_in(page, live_server, "lead@example.org", DEMO_PASSWORD)
    link = _invite(page, live_server.url, "late.person@example.org")
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation has expired")
    expect(page.locator("main")).to_contain_text("Ask the Prevent lead who invited you to send a new invitation.")
    assert axe_violations(page) == []


def test_five_wrong_passwords_lock_the_account_until_the_lead_unlocks_it(
    live_server, demo_users, page: Page, browser, axe_violations
):
    # Every browser here shares one address: the lockout holds the account at it, never the lead's.
    lead_context = browser.new_context()
    lead = lead_context.new_page()
    sign_in(lead, live_server, "lead@example.org", DEMO_PASSWORD)

    for attempt in range(5):
        _password_step(page, live_server.url, "triage@example.org", f"wrong-password-{attempt}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in locked")
    expect(page.locator("main")).to_contain_text("Contact the Prevent lead for your local authority")
    assert axe_violations(page) == []
    _password_step(page, live_server.url, "triage@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in locked")

    lead.get_by_role("link", name="Manage users").click()
    row = lead.get_by_test_id("user-triage@example.org")
    expect(row).to_contain_text("Locked")
    row.get_by_role("button", name="Unlock").click()
    expect(lead.locator(".govuk-notification-banner")).to_contain_text("Account unlocked")
    expect(lead.get_by_test_id("user-triage@example.org")).to_contain_text("Active")
    lead_context.close()

    sign_in(page, live_server, "triage@example.org", DEMO_PASSWORD)


def test_five_wrong_security_codes_lock_the_account_until_the_lead_unlocks_it(
    live_server, demo_users, page: Page, browser, axe_violations
):
    wrong = "000000" if current_totp("triage@example.org") != "000000" else "111111"
    _password_step(page, live_server.url, "triage@example.org")
    for _ in range(5):
        page.get_by_label("Security code").fill(wrong)
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in locked")
    expect(page.locator("main")).to_contain_text(
        "Your account is locked because of too many wrong security codes. Ask your Prevent lead to unlock it."
    )
    assert axe_violations(page) == []
    _password_step(page, live_server.url, "triage@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in locked")

    lead_context = browser.new_context()
    lead = lead_context.new_page()
    sign_in(lead, live_server, "lead@example.org", DEMO_PASSWORD)
    lead.get_by_role("link", name="Manage users").click()
    row = lead.get_by_test_id("user-triage@example.org")
    expect(row).to_contain_text("Locked")
    row.get_by_role("button", name="Unlock").click()
    expect(lead.locator(".govuk-notification-banner")).to_contain_text("Account unlocked")
    lead_context.close()

    sign_in(page, live_server, "triage@example.org", DEMO_PASSWORD)


def test_an_idle_session_ends_with_a_page_that_says_why(live_server, demo_users, page: Page, axe_violations):
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.middleware import SESSION_LAST_SEEN

    sign_in(page, live_server, "chair@example.org", DEMO_PASSWORD)
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cookie["value"])
    session[SESSION_LAST_SEEN] = int(time.time()) - 16 * 60  # as if the person left 16 minutes ago
    session.save()

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out")
    expect(page.locator("main")).to_contain_text("You were signed out because you were inactive for 15 minutes")
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    page.goto(live_server.url + "/audit/")
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))


def test_with_javascript_a_warning_comes_first_and_stay_signed_in_keeps_the_session(
    live_server, demo_users, page: Page, settings, axe_violations
):
    settings.SESSION_IDLE_TIMEOUT = 6  # the warning shows for the last half of it here (2 minutes normally)
    sign_in(page, live_server, "police@example.org", DEMO_PASSWORD)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=6000)
    expect(dialog).to_contain_text("You will be signed out soon")
    assert axe_violations(page) == []
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    expect(dialog).to_be_visible(timeout=6000)  # warned again after the renewed idle period
    page.wait_for_url(re.compile(r"/accounts/signed-out/inactive/"), timeout=10000)
    expect(page.get_by_role("heading", level=1)).to_have_text("You have been signed out")
