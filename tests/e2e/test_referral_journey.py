"""The referral journey in Chromium: a child's referral with an error, a saved draft resumed, a change from
check your answers, an upload, the declaration and the confirmation; axe finds nothing on any page."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from referrals.models import Referral
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"


@pytest.fixture
def demo_users(transactional_db, settings, tmp_path):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123


def _sign_in(page: Page, base: str, email: str) -> None:
    # Password, then the security code from the demo authenticator (tests/e2e/conftest.py).
    sign_in(page, base, email, DEMO_PASSWORD)


def _page(page: Page, axe_violations, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert axe_violations(page) == [], heading


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def _about_the_person(page: Page, axe_violations) -> None:
    _page(page, axe_violations, "What is their name?")
    page.get_by_label("First name", exact=True).fill("Robin")
    page.get_by_label("Last name", exact=True).fill("Journeytest")
    _continue(page)

    _page(page, axe_violations, "What is their date of birth?")
    page.get_by_label("Day", exact=True).fill("31")
    page.get_by_label("Month", exact=True).fill("2")
    page.get_by_label("Year", exact=True).fill("2013")
    _continue(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Date of birth must be a real date")
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert axe_violations(page) == []
    summary.get_by_role("link").click()
    expect(page.get_by_label("Day", exact=True)).to_be_focused()
    page.get_by_label("Day", exact=True).fill("28")
    _continue(page)

    _page(page, axe_violations, "Tell us about them")
    page.get_by_role("group", name="Gender").get_by_label("Male", exact=True).check()
    page.get_by_label("First language", exact=True).fill("English")
    page.get_by_role("group", name="Do they need an interpreter?").get_by_label("No", exact=True).check()
    _continue(page)

    _page(page, axe_violations, "Where do they live?")
    page.get_by_label("Address", exact=True).fill("3 Browser Lane")
    page.get_by_label("Postcode", exact=True).fill("sw1a 1aa")
    _continue(page)

    _page(page, axe_violations, "Which school, college or employer are they with?")
    page.get_by_label("School, college or employer", exact=True).fill("Northmoor Academy")
    _continue(page)

    # Under 18: the parent or carer page is asked.
    _page(page, axe_violations, "Who is their parent or carer?")
    page.get_by_label("Parent or carer's full name", exact=True).fill("Jordan Parent")
    page.get_by_label("Relationship to the person", exact=True).fill("Mother")
    page.get_by_label("Parent or carer's phone number or email address", exact=True).fill("01632 960111")
    _continue(page)


def _about_you_then_save_and_resume(page: Page, axe_violations) -> None:
    _page(page, axe_violations, "Your details")
    page.get_by_label("Your full name", exact=True).fill("Pat Teacher")
    page.get_by_label("Your role", exact=True).fill("Designated safeguarding lead")
    page.get_by_label("Your organisation", exact=True).fill("Northmoor Academy")
    page.get_by_label("Your organisation's sector", exact=True).select_option("education")
    page.get_by_label("Your email address", exact=True).fill("pat@example.org")
    page.get_by_role("button", name="Save and come back later").click()

    # The draft is saved (encrypted) and resumed from "Your referrals".
    _page(page, axe_violations, "Your referrals")
    expect(page.locator(".govuk-notification-banner, .govuk-body").first).to_be_visible()
    page.get_by_role("link", name=re.compile("^Continue")).click()


def _the_concern(page: Page, axe_violations) -> None:
    _page(page, axe_violations, "Your safeguarding or Prevent lead")
    page.get_by_label("Yes", exact=True).check()
    _continue(page)

    _page(page, axe_violations, "Describe your concerns")
    page.get_by_label("Your concerns", exact=True).fill("Shared violent extremist videos with classmates.")
    _continue(page)

    _page(page, axe_violations, "When did this happen and how did you find out?")
    page.get_by_label("When it happened", exact=True).fill("Last week")
    page.get_by_label("How you learned of it", exact=True).fill("A classmate told me")
    _continue(page)

    _page(page, axe_violations, "Type of concern")
    page.get_by_label("Not sure", exact=True).check()
    _continue(page)

    _page(page, axe_violations, "What you have noticed")
    page.get_by_label("Concerning online activity", exact=True).check()
    _continue(page)

    _page(page, axe_violations, "Does the person know?")
    page.get_by_label("Not sure", exact=True).check()
    _continue(page)

    _page(page, axe_violations, "Are other agencies involved?")
    _continue(page)

    _page(page, axe_violations, "Immediate risk")
    page.get_by_label("No", exact=True).check()
    _continue(page)


def _upload_check_and_send(page: Page, axe_violations, tmp_path) -> None:
    _page(page, axe_violations, "Upload documents")
    pdf = tmp_path / "incident-log.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% incident log\n")
    page.get_by_label("Upload a file", exact=True).set_input_files(str(pdf))
    page.get_by_role("button", name="Upload file").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("incident-log.pdf")
    assert axe_violations(page) == []
    _continue(page)

    _page(page, axe_violations, "Check your answers before sending your referral")
    expect(page.locator("main")).to_contain_text("Jordan Parent")
    expect(page.locator("main")).to_contain_text("28 February 2013")
    page.get_by_role("link", name="Change first name").click()
    _page(page, axe_violations, "What is their name?")
    page.get_by_label("First name", exact=True).fill("Robyn")
    _continue(page)

    _page(page, axe_violations, "Check your answers before sending your referral")
    expect(page.locator("main")).to_contain_text("Robyn")
    page.get_by_role("button", name="Accept and send").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that the information you have given is correct"
    )
    assert axe_violations(page) == []
    page.get_by_label("I confirm that the information I have given is correct").check()
    page.get_by_role("button", name="Accept and send").click()


def test_child_referral_from_start_to_confirmation(live_server, demo_users, page: Page, axe_violations, tmp_path):
    base = live_server.url
    _sign_in(page, base, "referrer@example.org")
    page.goto(base + "/referrals/start/")
    _page(page, axe_violations, "Make a Prevent referral")
    expect(page.locator(".govuk-warning-text")).to_contain_text("If someone is in immediate danger, call 999.")
    page.get_by_role("button", name="Start now").click()

    _page(page, axe_violations, "Which council area does the person live in?")
    page.get_by_label("Council area", exact=True).select_option(label="Northmoor City Council")
    _continue(page)

    _about_the_person(page, axe_violations)
    _about_you_then_save_and_resume(page, axe_violations)
    _the_concern(page, axe_violations)
    _upload_check_and_send(page, axe_violations, tmp_path)

    _page(page, axe_violations, "Referral sent")
    reference = page.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"PRV-\d{4}-\d{6}", reference)
    referral = Referral.objects.get(reference=reference)
    assert referral.given_name == "Robyn"
    assert referral.parent_name == "Jordan Parent"
    assert referral.attachments.count() == 1

    page.get_by_role("link", name="your referrals").click()
    _page(page, axe_violations, "Your referrals")
    expect(page.locator("table")).to_contain_text(reference)
    expect(page.locator("table")).to_contain_text("Received")
    expect(page.locator("main")).not_to_contain_text("Robyn")


def test_staff_case_page_shows_the_case_and_its_history(live_server, demo_users, page: Page, axe_violations):
    from accounts.models import User
    from referrals import services
    from tests.referrals.factories import adult_answers

    referrer = User.objects.get(email="referrer@example.org")
    referral, _ = services.referral_create_submitted(actor=referrer, answers=adult_answers())
    _sign_in(page, live_server.url, "triage@example.org")
    page.goto(f"{live_server.url}/referrals/{referral.reference}/")
    _page(page, axe_violations, f"Case {referral.reference}")
    page.get_by_role("button", name="Start screening").click()
    expect(page.get_by_test_id("status")).to_have_text("Screening")
    page.get_by_role("navigation", name="Case sections").get_by_role("link", name="History").click()
    _page(page, axe_violations, f"Case {referral.reference}")
    expect(page.get_by_test_id("history")).to_contain_text("Screening started by")
    page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Screening").click()
    _page(page, axe_violations, f"Case {referral.reference}")
    expect(page.get_by_test_id("gateway-check-missing")).to_be_visible()


def test_journey_pages_work_without_javascript(live_server, demo_users, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, live_server.url, "referrer@example.org")
    page.goto(live_server.url + "/referrals/start/")
    page.get_by_role("button", name="Start now").click()
    _continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("What is their name?")
    _continue(page)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter their first name")
    expect(summary).to_contain_text("Enter their last name")
    page.get_by_label("First name", exact=True).fill("NoScript")
    page.get_by_label("Last name", exact=True).fill("Person")
    _continue(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("What is their date of birth?")
    context.close()


def test_answers_changed_in_another_tab_are_shown_again_before_sending(
    live_server, demo_users, page: Page, axe_violations
):
    from django.urls import reverse

    from accounts.models import User
    from tests.referrals.factories import draft_referral

    draft = draft_referral(user=User.objects.get(email="referrer@example.org"))
    base = live_server.url
    _sign_in(page, base, "referrer@example.org")
    page.goto(base + reverse("referrals:draft-check", args=[draft.pk]))
    _page(page, axe_violations, "Check your answers before sending your referral")

    other_tab = page.context.new_page()
    other_tab.goto(base + reverse("referrals:draft-step", args=[draft.pk, "name"]) + "?return=check")
    other_tab.get_by_label("First name", exact=True).fill("Robin")
    other_tab.get_by_role("button", name="Continue").click()
    expect(other_tab.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your referral")
    other_tab.close()

    page.get_by_label("I confirm that the information I have given is correct").check()
    page.get_by_role("button", name="Accept and send").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Your answers were changed in another tab or window. Check them again before you send the referral."
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("#answers")).to_contain_text("Robin")
    assert axe_violations(page) == []
    assert Referral.objects.get(pk=draft.pk).status == "draft"

    page.get_by_label("I confirm that the information I have given is correct").check()
    page.get_by_role("button", name="Accept and send").click()
    _page(page, axe_violations, "Referral sent")
    assert Referral.objects.get(pk=draft.pk).given_name == "Robin"


def test_a_case_changed_by_someone_else_meanwhile_gives_the_409_page(
    live_server, demo_users, page: Page, axe_violations
):
    from accounts.models import User
    from referrals import services
    from tests.referrals.factories import adult_answers

    referrer = User.objects.get(email="referrer@example.org")
    referral, _ = services.referral_create_submitted(actor=referrer, answers=adult_answers())
    _sign_in(page, live_server.url, "triage@example.org")
    page.goto(f"{live_server.url}/referrals/{referral.reference}/")
    _page(page, axe_violations, f"Case {referral.reference}")
    # A colleague starts screening while this page is open.
    colleague = User.objects.get(email="police@example.org")
    services.referral_start_screening(referral=Referral.objects.get(pk=referral.pk), actor=colleague)

    page.get_by_role("button", name="Start screening").click()
    _page(page, axe_violations, "Someone else has just changed this case")
    page.get_by_role("link", name="Go back to the case").click()
    expect(page.get_by_test_id("status")).to_have_text("Screening")
