"""The journey's rough edges in Chromium (issue 12, point 11), each page checked with axe: "Your details"
filled from the account, drafts told apart, a date of birth or an approximate age (not both), and a closed
referral that takes no further information."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.models import User
from referrals import services
from referrals.choices import ClosingReason
from referrals.models import Referral
from tests.e2e.conftest import sign_in
from tests.referrals.factories import submitted_referral

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"
REFERRER = "referrer@example.org"


@pytest.fixture
def demo_users(transactional_db, settings, tmp_path):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123


def _heading(page: Page, axe_violations, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert axe_violations(page) == [], heading


def _start_a_draft(page: Page, base: str, axe_violations, *, button: str = "Continue") -> None:
    page.goto(base + "/referrals/start/")
    page.get_by_role("button", name="Start now").click()
    _heading(page, axe_violations, "Which council area does the person live in?")
    page.get_by_label("Council area", exact=True).select_option(label="Northmoor City Council")
    page.get_by_role("button", name=button).click()


def test_your_details_start_filled_from_the_account_and_stay_editable(live_server, demo_users, page, axe_violations):
    base = live_server.url
    sign_in(page, base, REFERRER, DEMO_PASSWORD)
    _start_a_draft(page, base, axe_violations)
    _heading(page, axe_violations, "What is their name?")
    draft = Referral.objects.get(created_by__email=REFERRER)
    page.goto(f"{base}/referrals/draft/{draft.pk}/your-details/")

    _heading(page, axe_violations, "Your details")
    expect(page.get_by_label("Your full name", exact=True)).to_have_value("Demo Referrer")
    expect(page.get_by_label("Your email address", exact=True)).to_have_value(REFERRER)
    expect(page.get_by_label("Your organisation", exact=True)).to_have_value("Hill Street Academy")
    expect(page.get_by_label("Your organisation's sector", exact=True)).to_have_value("education")
    expect(page.get_by_label("Your role", exact=True)).to_have_value("")

    page.get_by_label("Your full name", exact=True).fill("Pat Teacher")
    page.get_by_label("Your role", exact=True).fill("Head of year 9")
    page.get_by_role("button", name="Continue").click()
    _heading(page, axe_violations, "Your safeguarding or Prevent lead")
    draft = Referral.objects.get(pk=draft.pk)
    assert draft.referrer_name == "Pat Teacher"
    assert draft.referrer_role == "Head of year 9"
    assert draft.referrer_organisation == "Hill Street Academy"
    assert draft.referrer_email == REFERRER


def test_unsent_referrals_are_told_apart_by_first_name_and_last_saved(live_server, demo_users, page, axe_violations):
    base = live_server.url
    sign_in(page, base, REFERRER, DEMO_PASSWORD)
    _start_a_draft(page, base, axe_violations)
    page.get_by_label("First name", exact=True).fill("Robin")
    page.get_by_label("Last name", exact=True).fill("Draftlist")
    page.get_by_role("button", name="Save and come back later").click()
    _start_a_draft(page, base, axe_violations, button="Save and come back later")

    _heading(page, axe_violations, "Your referrals")
    rows = page.get_by_test_id("draft")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("No name given yet")
    expect(rows.nth(1)).to_contain_text("Robin")
    for index in range(2):
        expect(rows.nth(index)).to_contain_text(re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4} at \d{1,2}:\d{2}(am|pm)"))
    expect(page.locator("main")).not_to_contain_text("Draftlist")  # the first name only
    rows.nth(1).get_by_role("link", name=re.compile("^Continue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What is their date of birth?")

    # Another referral author sees none of them.
    page.context.clear_cookies()
    sign_in(page, base, "other-referrer@example.org", DEMO_PASSWORD)
    page.goto(base + "/referrals/")
    _heading(page, axe_violations, "Your referrals")
    expect(page.locator("main")).not_to_contain_text("Robin")
    expect(page.locator("main")).not_to_contain_text("Referrals you have not sent yet")


def test_a_date_of_birth_and_an_approximate_age_together_are_refused(live_server, demo_users, page, axe_violations):
    base = live_server.url
    sign_in(page, base, REFERRER, DEMO_PASSWORD)
    _start_a_draft(page, base, axe_violations)
    page.get_by_label("First name", exact=True).fill("Alex")
    page.get_by_label("Last name", exact=True).fill("Bothgiven")
    page.get_by_role("button", name="Continue").click()

    _heading(page, axe_violations, "What is their date of birth?")
    page.get_by_label("Day", exact=True).fill("3")
    page.get_by_label("Month", exact=True).fill("4")
    page.get_by_label("Year", exact=True).fill("2012")
    page.get_by_label("Approximate age", exact=True).fill("14")
    page.get_by_role("button", name="Continue").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter their date of birth or their approximate age, not both")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-message")).to_contain_text("not both")
    assert axe_violations(page) == []
    summary.get_by_role("link").click()
    expect(page.get_by_label("Day", exact=True)).to_be_focused()

    page.get_by_label("Approximate age", exact=True).fill("")
    page.get_by_role("button", name="Continue").click()
    _heading(page, axe_violations, "Tell us about them")


def test_a_closed_referral_says_it_is_closed_and_takes_no_information(live_server, demo_users, page, axe_violations):
    referrer = User.objects.get(email=REFERRER)
    triage = User.objects.get(email="triage@example.org")
    closed = services.referral_start_screening(referral=submitted_referral(user=referrer), actor=triage)
    closed = services.referral_close(
        referral=closed, actor=triage, reason_code=ClosingReason.NFA_NO_CONCERN, summary="No concern found."
    )
    open_one = submitted_referral(user=referrer)
    base = live_server.url
    sign_in(page, base, REFERRER, DEMO_PASSWORD)

    page.goto(base + "/referrals/")
    _heading(page, axe_violations, "Your referrals")
    expect(page.get_by_role("link", name=f"Add information to {open_one.reference}")).to_be_visible()
    expect(page.get_by_role("link", name=f"Add information to {closed.reference}")).to_have_count(0)

    page.goto(f"{base}/referrals/{closed.reference}/add-information/")
    _heading(page, axe_violations, "This referral is closed")
    expect(page.get_by_test_id("closed-message")).to_have_text(
        "You cannot add information to this referral because it is closed."
    )
    expect(page.locator("textarea")).to_have_count(0)
