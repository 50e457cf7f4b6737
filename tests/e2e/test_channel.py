"""The Channel section and its steps in Chromium, as the demo chair (issue 14, point 1): axe clean."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.visible_text import assert_no_codes

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"


@pytest.fixture
def listed(transactional_db, settings, tmp_path):
    from channel.models import ChannelCase

    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    call_command("seed_demo_channel", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    return ChannelCase.objects.select_related("referral").get(state="listed").referral


def test_the_chair_adopts_a_case_from_its_channel_section(live_server, listed, page: Page, axe_violations):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "chair@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/referrals/{listed.reference}/channel/")
    expect(page.get_by_test_id("channel-stage")).to_contain_text("Listed for the panel")
    steps = page.get_by_test_id("channel-steps").locator(".govuk-button")
    expect(steps).to_have_text(["Adopt the case", "Do not adopt", "Withdraw from Channel"])
    assert axe_violations(page) == []
    assert_no_codes(page.content())

    steps.get_by_text("Adopt the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adopt the case")
    page.get_by_role("button", name="Adopt the case").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reasons")
    assert axe_violations(page) == []

    page.get_by_label("The panel's reasons for adopting the case").fill("Vulnerable; the panel offers support.")
    page.get_by_role("button", name="Adopt the case").click()
    expect(page.get_by_test_id("channel-stage")).to_contain_text("Adopted, awaiting consent")
    expect(page.get_by_test_id("channel-decisions")).to_contain_text("Adopted by the Channel panel")
    expect(page.get_by_test_id("case-summary")).to_contain_text("Adopted, awaiting consent")
    assert axe_violations(page) == []
    assert_no_codes(page.content())
