"""The Prevent lead's assurance pages in Chromium: the toolkit self-assessment and the Channel assurance statement
of the demo council (seed_demo_benchmarking), a section's question page with its GOV.UK error, axe clean."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def demo_assurance(transactional_db, settings):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    call_command("seed_demo_benchmarking", stdout=io.StringIO())


def test_the_lead_rates_a_section_and_reads_the_statement(live_server, demo_assurance, page: Page, axe_violations):
    sign_in(page, live_server, "lead@example.org", DEMO_PASSWORD)
    page.get_by_role("link", name="Prevent duty toolkit self-assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Prevent duty toolkit self-assessment")
    expect(page.get_by_test_id("section-4")).to_contain_text("Screened within")
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "assurance-self-assessment.png"), full_page=True)
    page.get_by_role("link", name="Change section 6, Training programme").click()
    page.get_by_label("Fully met").first.check()
    page.get_by_role("button", name="Save section 6").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the evidence that benchmark 6.1 is met")
    assert axe_violations(page) == []
    page.get_by_label("Evidence for benchmark 6.1").fill("All frontline staff trained by June; records kept.")
    page.get_by_role("button", name="Save section 6").click()
    expect(page.get_by_test_id("benchmark-6.1")).to_contain_text("Fully met")
    page.get_by_role("link", name="Channel panel annual assurance statement for this year").click()
    expect(page.get_by_test_id("statement-status")).to_contain_text("Draft")
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "assurance-statement.png"), full_page=True)
