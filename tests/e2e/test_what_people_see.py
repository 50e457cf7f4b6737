"""What people see (issue 12, points 8 to 10): a header of one height that names the user only once fully signed
in, labels instead of codes, and GOV.UK button order; each page checked with axe."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.conftest import current_totp, sign_in
from tests.mash.reasons import screening_reasons_seed
from tests.visible_text import assert_no_codes

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"
LONG_NAME = "Alexandra Montgomery-Fitzwilliam-Harrington of the Multi-Agency Safeguarding Hub"
WIDTHS = (1280, 375)


@pytest.fixture
def demo_users(transactional_db, settings, tmp_path):
    from accounts.models import User

    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    User.objects.filter(email="triage@example.org").update(display_name=LONG_NAME)


@pytest.fixture
def case(demo_users):
    from accounts.models import User
    from referrals import services
    from tests.referrals.factories import adult_answers

    screening_reasons_seed()  # reference data a transactional test before this one may have emptied
    referrer = User.objects.get(email="referrer@example.org")
    referral, _ = services.referral_create_submitted(actor=referrer, answers=adult_answers(given_name="Labelcase"))
    return referral


def _header_height(page: Page) -> float:
    return page.locator("header.govuk-template__header").bounding_box()["height"]


def _signed_in_page(browser, live_server, email: str, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, email, DEMO_PASSWORD)
    return page


def test_header_keeps_one_height_whoever_is_signed_in_and_on_every_page(live_server, case, browser, axe_violations):
    urls = ["/", "/referrals/queue/", f"/referrals/{case.reference}/", "/accounts/your-account/"]
    for width in WIDTHS:
        heights = {}
        for email in ("triage@example.org", "police@example.org"):  # same role links, long and short name
            page = _signed_in_page(browser, live_server, email, width)
            for url in urls:
                page.goto(live_server.url + url)
                heights[(email, url)] = _header_height(page)
                link = page.get_by_test_id("signed-in-as").bounding_box()
                assert link["x"] + link["width"] <= width, (width, email, url)  # cut short, not off the screen
                assert page.evaluate("document.querySelector('header').scrollWidth") <= width, (width, email, url)
            assert axe_violations(page) == []
            page.context.close()
        assert len(set(heights.values())) == 1, (width, heights)
    # The long name is on one line, cut short, and named in full for screen readers.
    page = _signed_in_page(browser, live_server, "triage@example.org", 1280)
    account = page.get_by_role("link", name=f"Your account: {LONG_NAME}")
    expect(account).to_be_visible()
    box = account.bounding_box()
    assert box["height"] < 40
    nav = page.get_by_test_id("service-navigation").bounding_box()
    assert box["x"] + box["width"] > nav["x"] + nav["width"] / 2  # on the right
    page.context.close()


def test_the_security_code_page_does_not_name_the_user(live_server, demo_users, page: Page, axe_violations):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/accounts/sign-in/")
    signed_out_height = _header_height(page)
    page.get_by_label("Email address").fill("triage@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    header = page.locator("header.govuk-template__header")
    for not_yet in ("Signed in as", "triage@example.org", "Alexandra", "Triage officer", "Northmoor", "Your account"):
        expect(header).not_to_contain_text(not_yet)
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    assert _header_height(page) == signed_out_height
    assert axe_violations(page) == []
    page.get_by_label("Security code").fill(current_totp("triage@example.org"))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text(LONG_NAME)
    assert _header_height(page) == signed_out_height


def test_case_and_audit_pages_show_labels_and_buttons_in_gov_uk_order(live_server, case, browser, axe_violations):
    case_url = f"{live_server.url}/referrals/{case.reference}/"
    page = _signed_in_page(browser, live_server, "triage@example.org", 1280)
    page.goto(case_url)
    page.get_by_role("button", name="Start screening").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Screening started for case {case.reference}")
    expect(page.get_by_test_id("status")).to_have_text("Screening")

    from accounts.models import User
    from mash.screening import services as screening
    from referrals.models import Referral

    screening.gateway_check_record(
        referral=Referral.objects.get(pk=case.pk),
        actor=User.objects.get(email="police@example.org"),
        counter_terrorism=False,
        note="No investigation.",
    )
    page.reload()
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        buttons = page.get_by_test_id("case-record-actions").locator(".govuk-button")
        expect(buttons).to_have_text(["Record screening outcome"])
        expect(buttons.nth(0)).to_have_class("govuk-button")  # the primary action
    assert_no_codes(page.content())
    assert axe_violations(page) == []

    buttons.nth(0).click()
    page.get_by_role("radio", name="Proceed to information gathering").check()
    page.get_by_label("Rationale").fill("Partners may know more.")
    page.get_by_role("button", name="Save screening outcome").click()
    expect(page.get_by_test_id("status")).to_have_text("Information gathering")
    page.get_by_test_id("case-record-actions").get_by_text("Record decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the decision after information gathering")
    assert_no_codes(page.content())
    assert axe_violations(page) == []
    page.get_by_role("radio", name="Refer to the Channel panel").check()
    page.get_by_label("Summary").fill("What the panel needs to know.")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_test_id("status")).to_have_text("With Channel")
    page.get_by_role("navigation", name="Case sections").get_by_role("link", name="History").click()
    expect(page.get_by_test_id("history")).to_contain_text("from Information gathering to With Channel")
    assert_no_codes(page.content())
    page.context.close()

    auditor = _signed_in_page(browser, live_server, "auditor@example.org", 1280)
    auditor.goto(f"{live_server.url}/audit/?case_reference={case.reference}")
    table = auditor.locator("table.govuk-table")
    expect(table).to_contain_text("from Information gathering to With Channel")
    expect(table).to_contain_text("Triage officer (MASH)")
    assert_no_codes(auditor.content())
    assert axe_violations(auditor) == []
    auditor.goto(f"{live_server.url}/audit/cases/{case.reference}/access/")
    assert_no_codes(auditor.content())
    assert axe_violations(auditor) == []
    auditor.context.close()


def test_the_upload_page_has_continue_as_its_primary_button(live_server, demo_users, browser, axe_violations):
    from accounts.models import User
    from referrals.models import Referral
    from tests.referrals.factories import draft_referral

    draft = draft_referral(user=User.objects.get(email="referrer@example.org"))
    assert Referral.objects.filter(pk=draft.pk).exists()
    page = _signed_in_page(browser, live_server, "referrer@example.org", 375)
    page.goto(f"{live_server.url}/referrals/draft/{draft.pk}/attachments/")
    group = page.locator("main .govuk-button-group .govuk-button")
    expect(group.first).to_have_text("Continue")
    expect(group.first).to_have_class("govuk-button")
    upload = page.get_by_role("button", name="Upload file")
    expect(upload).to_have_class("govuk-button govuk-button--secondary")
    assert axe_violations(page) == []
    page.context.close()
