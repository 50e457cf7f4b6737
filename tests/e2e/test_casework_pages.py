"""The queue and the case page as caseworkers use them, in Chromium, on a desktop and at 375px (a phone), with and
without JavaScript: MOJ filter, sortable headers, multi-select, identity bar, button menu, badges; axe clean."""

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
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def demo_cases(transactional_db, settings, tmp_path):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    call_command("seed_demo_referrals", stdout=io.StringIO())
    call_command("seed_demo_mash", stdout=io.StringIO())


def _shot(page: Page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_queue_on_a_desktop_and_a_phone(live_server, demo_cases, page: Page, axe_violations):
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, "triage@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/referrals/queue/")
    queue = page.get_by_test_id("queue")
    expect(page.get_by_role("heading", name="Filter")).to_be_visible()
    expect(queue.locator(".moj-badge", has_text="Overdue")).to_have_count(1)
    expect(queue.locator(".moj-badge", has_text="Immediate risk")).to_have_count(1)
    # MOJ multi-select: its script puts "Select all" in the first header; it ticks every case of the page.
    select_all = page.get_by_label("Select all")
    # A click where the box is drawn (the label's ::before lies over the input; the label itself has no size).
    select_all.click(force=True)
    expect(select_all).to_be_checked()
    boxes = queue.locator('tbody input[name="references"]')
    assert boxes.count() > 1
    for index in range(boxes.count()):
        expect(boxes.nth(index)).to_be_checked()
    select_all.click(force=True)
    expect(boxes.first).not_to_be_checked()
    # Sorting through the headers' links: by screening due date, soonest first, then the other way.
    received = page.get_by_role("columnheader", name="Received")
    expect(received).to_have_attribute("aria-sort", "descending")
    page.get_by_role("link", name="Screening due").click()
    expect(page.get_by_role("columnheader", name="Screening due")).to_have_attribute("aria-sort", "ascending")
    first_row = queue.locator("tbody tr").first
    expect(first_row.locator(".moj-badge", has_text="Overdue")).to_have_count(1)  # the most overdue first
    assert axe_violations(page) == []
    _fits(page, DESKTOP["width"])
    _shot(page, "queue-desktop")

    # Filter: the stage and "Overdue"; the selected filters show above the options, each removable.
    page.get_by_label("New", exact=True).check()
    page.get_by_label("Overdue").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(queue.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("selected-filters")).to_contain_text("New")
    page.get_by_role("link", name="Remove this filter Overdue").click()
    expect(page.get_by_test_id("selected-filters")).not_to_contain_text("Overdue")
    assert axe_violations(page) == []

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/referrals/queue/")
    # On a phone the filter folds away behind a button (MOJ filter toggle); the table scrolls inside its pane.
    expect(page.get_by_role("heading", name="Filter")).to_be_hidden()
    page.get_by_role("button", name="Show filter").click()
    expect(page.get_by_role("heading", name="Filter")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_role("heading", name="Filter")).to_be_hidden()
    _fits(page, PHONE["width"])
    assert axe_violations(page) == []
    _shot(page, "queue-phone")


def test_the_queue_works_without_javascript(live_server, demo_cases, browser):
    from mash.models import Assessment

    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, "triage@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/referrals/queue/")
    expect(page.get_by_role("heading", name="Filter")).to_be_visible()  # above the table, nothing folded away
    page.get_by_label("New", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Received").click()
    expect(page.get_by_role("columnheader", name="Received")).to_have_attribute("aria-sort", "ascending")
    unassigned = list(
        Assessment.objects.filter(
            referral__local_authority__name="Northmoor City Council",
            referral__status="submitted",
            assigned_to__isnull=True,
        ).values_list("referral__reference", flat=True)
    )
    assert unassigned
    for reference in unassigned:
        page.get_by_label(f"Select case {reference}").check()
    page.get_by_label("Assign the selected cases to").select_option(label="Demo Police Prevent officer")
    page.get_by_role("button", name="Assign selected cases").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("assigned to Demo Police Prevent officer")
    expect(page.get_by_test_id("selected-filters")).to_contain_text("New")  # back to the same view
    assert not Assessment.objects.filter(referral__reference__in=unassigned, assigned_to__isnull=True).exists()
    # axe and the width check run scripts in the page, which this context forbids: the same pages are checked
    # with JavaScript above.
    _shot(page, "queue-phone-no-javascript")
    context.close()


def test_the_case_page_header_summary_and_assigning(live_server, demo_cases, browser, axe_violations):
    from mash.models import Assessment

    overdue = (
        Assessment.objects.filter(
            referral__local_authority__name="Northmoor City Council", referral__status="submitted"
        )
        .exclude(assigned_to=None)
        .order_by("screening_due_on")
        .first()
        .referral
    )
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    sign_in(page, live_server, "triage@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/referrals/{overdue.reference}/")
    header = page.get_by_test_id("case-header")
    expect(header.get_by_role("heading", level=1)).to_have_text(f"Case {overdue.reference}")
    expect(header).to_contain_text("Submitted")
    summary = page.get_by_test_id("case-summary")
    expect(summary.get_by_test_id("overdue")).to_have_text("Overdue")
    expect(summary).to_contain_text("Age")
    assert axe_violations(page) == []
    _fits(page, DESKTOP["width"])
    _shot(page, "case-desktop", full_page=False)

    summary.get_by_role("link", name="Change who the case is assigned to").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assign the case")
    page.get_by_role("button", name="Assign case").click()  # the current assignee is chosen: assigns again
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Case {overdue.reference} assigned to")
    summary.get_by_role("link", name="Change who the case is assigned to").click()
    page.get_by_label("Demo Police Prevent officer").check()
    page.get_by_role("button", name="Assign case").click()
    expect(summary).to_contain_text("Demo Police Prevent officer")
    assert Assessment.objects.get(referral=overdue).assigned_to.email == "police@example.org"

    page.set_viewport_size(PHONE)
    _fits(page, PHONE["width"])
    assert axe_violations(page) == []
    _shot(page, "case-phone", full_page=False)
    context.close()

    # A Prevent lead: the case's secondary pages in the header's button menu; no Change link (may not assign).
    context = browser.new_context(viewport=DESKTOP)
    lead = context.new_page()
    sign_in(lead, live_server, "lead@example.org", DEMO_PASSWORD)
    lead.goto(f"{live_server.url}/referrals/{overdue.reference}/")
    expect(lead.get_by_role("link", name="Change who the case is assigned to")).to_have_count(0)
    lead.get_by_role("button", name="Case access").click()
    expect(lead.get_by_role("link", name="Manage access to this case")).to_be_visible()
    assert axe_violations(lead) == []
    _shot(lead, "case-desktop-lead-menu", full_page=False)
    lead.get_by_role("link", name="Who has read this case (access report)").click()
    expect(lead).to_have_url(f"{live_server.url}/referrals/{overdue.reference}/access-report/")
    lead.set_viewport_size(PHONE)
    lead.goto(f"{live_server.url}/referrals/{overdue.reference}/")
    _fits(lead, PHONE["width"])
    assert axe_violations(lead) == []
    _shot(lead, "case-phone-lead", full_page=False)
    context.close()
