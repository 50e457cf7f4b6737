"""The case page in Chromium (issue 13, point 6): summary card, sub-navigation, sections, history, axe clean."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.visible_text import assert_no_codes

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"


@pytest.fixture
def case(transactional_db, settings, tmp_path):
    from accounts.models import User
    from referrals import services
    from tests.referrals.factories import child_answers

    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    User.objects.filter(email="triage@example.org").update(display_name="Sam Patel")
    referrer = User.objects.get(email="referrer@example.org")
    User.objects.filter(pk=referrer.pk).update(display_name="Pat Teacher")
    answers = child_answers(given_name="Robyn", immediate_risk="yes")
    referral, _ = services.referral_create_submitted(actor=referrer, answers=answers)
    return referral


def _sections(page: Page):
    return page.get_by_role("navigation", name="Case sections")


def test_the_case_page_and_its_sections(live_server, case, page: Page, axe_violations):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "triage@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/referrals/{case.reference}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    summary = page.get_by_test_id("case-summary")
    expect(summary).to_contain_text("Robyn")
    expect(summary).to_contain_text("Under 18")
    expect(summary).to_contain_text(
        "Testshire" if "Testshire" in case.local_authority.name else case.local_authority.name
    )
    expect(page.get_by_test_id("case-flags")).to_contain_text("Immediate risk")
    expect(_sections(page).get_by_role("link", name="Referral")).to_have_attribute("aria-current", "page")
    assert axe_violations(page) == []
    assert_no_codes(page.content())

    page.get_by_role("button", name="Start screening").click()
    expect(page.get_by_test_id("status")).to_have_text("Screening")
    # Screening moves on through its records (tests/e2e/test_screening.py): no bare buttons, and none for the
    # triage officer until the police officer has recorded the gateway check.
    expect(page.get_by_test_id("case-actions")).to_have_count(0)
    expect(page.get_by_test_id("case-record-actions")).to_have_count(0)

    _sections(page).get_by_role("link", name="Documents").click()
    expect(page).to_have_title(re.compile(rf"^Documents - Case {case.reference} - "))
    expect(_sections(page).get_by_role("link", name="Documents")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("case-section")).to_contain_text("No documents.")
    assert axe_violations(page) == []
    assert_no_codes(page.content())

    _sections(page).get_by_role("link", name="History").click()
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Screening started by Sam Patel")
    expect(history).to_contain_text("Referral sent by Pat Teacher")
    expect(history).not_to_contain_text("opened")
    assert axe_violations(page) == []
    assert_no_codes(page.content())

    page.set_viewport_size({"width": 375, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert axe_violations(page) == []
