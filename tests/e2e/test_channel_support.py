"""Channel support in Chromium: the demo Intervention Provider logs a session of their overdue mentoring, and
the chair reads the Support and Reviews sections (the VAF trend chart): axe clean on every page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.visible_text import assert_no_codes

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    call_command("seed_demo_channel", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123


def _checked(page: Page, axe_violations) -> None:
    assert axe_violations(page) == []
    assert_no_codes(page.content())


def test_the_provider_logs_a_session_of_their_overdue_mentoring(live_server, demo, page: Page, axe_violations):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "provider@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Your interventions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your interventions")
    expect(page.get_by_test_id("overdue-warning")).to_contain_text("not started by the planned date")
    _checked(page, axe_violations)

    page.get_by_test_id("provider-interventions").get_by_role("row").filter(has_text="Not started").get_by_role(
        "link"
    ).click()
    expect(page.get_by_test_id("first-name")).to_have_text("Jamie")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ideological or theological mentoring by an Intervention Provider"
    )
    assert "Channel-Demo" not in page.content()  # the first name only, never the family name
    _checked(page, axe_violations)

    page.get_by_role("button", name="Log the session").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the session")
    _checked(page, axe_violations)

    today = timezone.localdate()
    page.locator("#id_held_on_day").fill(str(today.day))
    page.locator("#id_held_on_month").fill(str(today.month))
    page.locator("#id_held_on_year").fill(str(today.year))
    page.get_by_label("How long did it last, in minutes?").fill("50")
    page.get_by_label("Notes of the session (optional)").fill("First meeting at the library.")
    page.get_by_role("button", name="Log the session").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Session logged")
    expect(page.get_by_test_id("sessions")).to_contain_text("First meeting at the library.")
    _checked(page, axe_violations)

    page.get_by_role("link", name="Back to your interventions").click()
    expect(page.get_by_test_id("overdue-warning")).to_have_count(0)
    _checked(page, axe_violations)


def test_the_chair_reads_the_support_and_the_vaf_trend(live_server, demo, page: Page, axe_violations):
    from channel.models import ChannelCase

    exited = ChannelCase.objects.select_related("referral").get(state="exited").referral
    supported = ChannelCase.objects.select_related("referral").get(state="supported").referral
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "chair@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/channel/")
    expect(page.get_by_test_id("overdue-interventions")).to_contain_text("1 intervention not started")
    _checked(page, axe_violations)
    page.goto(f"{live_server.url}/referrals/{supported.reference}/support/")
    expect(page.get_by_test_id("overdue-warning")).to_be_visible()
    _checked(page, axe_violations)
    page.goto(f"{live_server.url}/referrals/{exited.reference}/reviews/")
    expect(page.get_by_role("img", name="VAF trend by dimension")).to_be_visible()
    expect(page.get_by_test_id("vaf-table").locator("tbody tr")).to_have_count(2)
    expect(page.get_by_test_id("post-exit-reviews")).to_contain_text("not recorded yet, can be recorded from")
    expect(page.get_by_role("button", name="Record the post-exit review")).to_have_count(0)  # not before its window
    _checked(page, axe_violations)
    page.goto(f"{live_server.url}/referrals/{exited.reference}/consent/")
    expect(page.get_by_test_id("consents")).to_contain_text("Consent given")
    _checked(page, axe_violations)
