"""Repeat referrals on the case page in Chromium: the demo data's person, seen by triage and the lead."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"


@pytest.fixture
def demo_referrals(transactional_db, settings):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    devnull = open("/dev/null", "w")  # noqa: SIM115, PTH123
    call_command("seed_demo", verbosity=0, stdout=devnull)
    call_command("seed_demo_referrals", stdout=devnull)
    from referrals.models import Referral

    return list(Referral.objects.order_by("submitted_at"))


@pytest.mark.parametrize(
    "viewer",
    [
        ("triage@example.org", "Ask your Prevent lead to contact that council."),
        ("lead@example.org", "Afon Vale County Borough Council may also have a referral about this person."),
    ],
)
def test_case_page_links_own_councils_repeat_and_only_notes_the_other(
    live_server, demo_referrals, browser, axe_violations, viewer
):
    email, notice = viewer
    first, theirs, latest = demo_referrals
    page = browser.new_context().new_page()
    sign_in(page, live_server, email, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/referrals/{latest.reference}/")
    expect(page.get_by_test_id("possible-repeats-elsewhere")).to_contain_text(notice)
    expect(page.get_by_test_id("possible-repeats")).not_to_contain_text(theirs.reference)
    page.get_by_role("link", name=first.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {first.reference}")
    page.go_back()
    assert theirs.reference not in page.content()
    assert axe_violations(page) == []
