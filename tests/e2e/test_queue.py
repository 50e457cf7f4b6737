"""The MASH queue in Chromium: filter, flags, and assigning several cases at once (axe clean)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.mash.reasons import screening_reasons_seed

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def demo_cases(transactional_db, settings, tmp_path):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    call_command("seed_demo_referrals", stdout=io.StringIO())
    screening_reasons_seed()  # reference data a transactional test before this one may have emptied
    call_command("seed_demo_mash", stdout=io.StringIO())


def test_a_triage_officer_assigns_new_cases_from_the_queue(live_server, demo_cases, page, axe_violations):
    from mash.models import Assessment

    sign_in(page, live_server, "triage@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/referrals/queue/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    queue = page.get_by_test_id("queue")
    expect(queue.get_by_text("Immediate risk")).to_have_count(1)
    expect(queue.get_by_text("Overdue")).to_have_count(1)
    assert axe_violations(page) == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "mash-queue.png"), full_page=True)

    page.get_by_label("New", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_test_id("selected-filters")).to_contain_text("New")
    page.get_by_role("button", name="Assign selected cases").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select one or more cases to assign")
    assert axe_violations(page) == []

    own = Assessment.objects.filter(referral__local_authority__name="Northmoor City Council")
    unassigned = list(own.filter(assigned_to__isnull=True).values_list("referral__reference", flat=True))
    assert len(unassigned) > 1
    page.goto(f"{live_server.url}/referrals/queue/?stage=new")
    for reference in unassigned:
        page.get_by_label(f"Select case {reference}").check()
    page.get_by_label("Assign the selected cases to").select_option(label="Demo Police Prevent officer")
    page.get_by_role("button", name="Assign selected cases").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"{len(unassigned)} cases assigned to")
    assert not own.filter(assigned_to__isnull=True).exists()
    assert axe_violations(page) == []
