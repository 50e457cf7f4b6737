"""Screening in Chromium (issue 13, point 3): the police officer records the gateway check, the triage officer
the screening outcome, which closes the case. Every page axe clean, labels never codes."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.mash.reasons import screening_reasons_seed
from tests.visible_text import assert_no_codes

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"
NOTE = "Checked with Counter Terrorism Policing: no investigation."
RATIONALE = "A health need, not a radicalisation concern."


@pytest.fixture
def case(transactional_db, settings, tmp_path):
    from accounts.models import User
    from referrals import services
    from tests.referrals.factories import adult_answers

    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    screening_reasons_seed()
    User.objects.filter(email="police@example.org").update(display_name="Sam Patel")
    User.objects.filter(email="triage@example.org").update(display_name="Alex Morgan")
    referrer = User.objects.get(email="referrer@example.org")
    earlier, _ = services.referral_create_submitted(actor=referrer, answers=adult_answers(given_name="Rowan"))
    referral, _ = services.referral_create_submitted(actor=referrer, answers=adult_answers(given_name="Rowan"))
    return {"referral": referral, "earlier": earlier}


def _signed_in_page(browser, live_server, email: str) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server, email, DEMO_PASSWORD)
    return page


def _clean(page: Page, axe_violations) -> None:
    assert axe_violations(page) == []
    assert_no_codes(page.content())


def _record_actions(page: Page):
    return page.get_by_test_id("case-record-actions").locator(".govuk-button")


def test_gateway_check_by_the_police_officer(live_server, case, browser, axe_violations):
    referral = case["referral"]
    page = _signed_in_page(browser, live_server, "police@example.org")
    page.goto(f"{live_server.url}/referrals/{referral.reference}/")
    _clean(page, axe_violations)
    page.get_by_role("button", name="Start screening").click()
    expect(page.get_by_test_id("status")).to_have_text("Screening")
    expect(_record_actions(page)).to_have_text(["Record gateway check"])
    _clean(page, axe_violations)

    _record_actions(page).get_by_text("Record gateway check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the police gateway check")
    _clean(page, axe_violations)
    page.get_by_role("button", name="Save gateway check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select yes if this is a matter for a police-led counter-terrorism investigation"
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    _clean(page, axe_violations)
    page.get_by_role("radio", name="No").check()
    page.get_by_label("Gateway check note").fill(NOTE)
    page.get_by_role("button", name="Save gateway check").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Gateway check recorded")
    expect(page.get_by_role("link", name="Screening")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("gateway-check")).to_contain_text(NOTE)
    # The earlier referral about the same person, linked for an officer who may read it.
    expect(page.get_by_test_id("possible-repeats")).to_contain_text(case["earlier"].reference)
    expect(_record_actions(page)).to_have_text(["Record screening outcome", "Change gateway check"])
    _clean(page, axe_violations)

    page.get_by_role("navigation", name="Case sections").get_by_role("link", name="History").click()
    expect(page.get_by_test_id("history")).to_contain_text("Gateway check recorded by Sam Patel")
    _clean(page, axe_violations)
    page.context.close()


def test_screening_outcome_by_the_triage_officer(live_server, case, browser, axe_violations):
    from accounts.models import User
    from mash.screening import services
    from referrals import services as referral_services

    referral = case["referral"]
    police = User.objects.get(email="police@example.org")
    referral = referral_services.referral_start_screening(referral=referral, actor=police)
    services.gateway_check_record(referral=referral, actor=police, counter_terrorism=False, note=NOTE)

    page = _signed_in_page(browser, live_server, "triage@example.org")
    page.goto(f"{live_server.url}/referrals/{referral.reference}/")
    expect(_record_actions(page)).to_have_text(["Record screening outcome"])
    _clean(page, axe_violations)
    page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Screening").click()
    expect(page.get_by_test_id("gateway-check")).to_contain_text(NOTE)
    _clean(page, axe_violations)

    page.goto(f"{live_server.url}/referrals/{referral.reference}/")
    _record_actions(page).get_by_text("Record screening outcome").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the screening outcome")
    _clean(page, axe_violations)
    page.get_by_role("button", name="Save screening outcome").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the screening outcome")
    expect(summary).to_contain_text("Enter the rationale for the screening outcome")
    _clean(page, axe_violations)
    page.get_by_role("radio", name="Signposted to health").check()
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_role("button", name="Save screening outcome").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Screening outcome recorded")
    # "Closed", or "Closed, transferring to CTP" once the worker has built its transfer package.
    expect(page.get_by_test_id("status")).to_have_text(re.compile(r"^Closed"))
    expect(page.get_by_test_id("screening-outcome")).to_contain_text("Signposted to health")
    expect(page.get_by_test_id("screening-outcome")).to_contain_text(RATIONALE)
    expect(page.get_by_test_id("case-record-actions")).to_have_count(0)
    _clean(page, axe_violations)

    page.get_by_role("navigation", name="Case sections").get_by_role("link", name="History").click()
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Screening outcome: signposted to health by Alex Morgan")
    expect(history).to_contain_text("Case closed by Alex Morgan")
    _clean(page, axe_violations)
    page.context.close()
