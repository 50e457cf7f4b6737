"""Information requests in Chromium: a triage officer asks a partner agency, the partner contributor answers
from their home page, and the answer appears on the case (axe clean on every page)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"
QUESTION = "Has your service had contact with this person since September?"


@pytest.fixture
def demo_cases(transactional_db, settings, tmp_path):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    call_command("seed_demo_referrals", stdout=io.StringIO())
    call_command("seed_demo_mash", stdout=io.StringIO())


def _sign_out(page, live_server):
    page.context.clear_cookies()


def test_a_triage_officer_asks_and_the_partner_answers(live_server, demo_cases, page, axe_violations):
    from mash.calendar import working_days_after
    from mash.models import InformationRequest

    case = InformationRequest.objects.filter(status="open").select_related("referral__local_authority").first().referral
    due = working_days_after(timezone.localdate(), 3, case.local_authority.nation)

    sign_in(page, live_server, "triage@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/referrals/{case.reference}/information-requests/")
    expect(page.get_by_role("heading", name="Ask a partner agency")).to_be_visible()
    assert axe_violations(page) == []
    form = page.get_by_test_id("information-request-form")
    form.get_by_label("Which organisation are you asking?").select_option(label="Community Health Trust")
    form.get_by_label("Who in that organisation should answer?").select_option(index=1)
    form.get_by_label("What do you want to know?").fill(QUESTION)
    form.get_by_role("button", name="Send request").click()
    # No due date: the GOV.UK error summary on the request page.
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date the answer is due")
    assert axe_violations(page) == []
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Information requested from Community Health")
    expect(page.get_by_test_id("information-request").filter(has_text=QUESTION)).to_have_count(1)
    assert axe_violations(page) == []
    created = InformationRequest.objects.get(question__isnull=False, due_on=due, referral=case, status="open")

    _sign_out(page, live_server)
    sign_in(page, live_server, "partner@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("my-information-requests")).to_be_visible()
    assert axe_violations(page) == []
    page.locator(f"a[href='/requests/{created.pk}/']").first.click()
    expect(page.get_by_test_id("question")).to_have_text(QUESTION)
    assert case.reference not in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your answer")
    assert axe_violations(page) == []
    page.get_by_label("Your answer").fill("Seen twice in October at our clinic.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your answer has been sent")
    assert axe_violations(page) == []
    # The case itself stays closed to the partner.
    assert page.goto(f"{live_server.url}/referrals/{case.reference}/").status == 404

    _sign_out(page, live_server)
    sign_in(page, live_server, "triage@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/referrals/{case.reference}/information-requests/")
    expect(page.get_by_test_id("answer").filter(has_text="Seen twice in October")).to_have_count(1)
    page.goto(f"{live_server.url}/referrals/{case.reference}/history/")
    expect(page.get_by_test_id("history")).to_contain_text("Information received from Community Health Trust")
    assert axe_violations(page) == []
