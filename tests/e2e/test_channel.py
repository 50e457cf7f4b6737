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


def test_the_chair_s_channel_section_sends_panel_decisions_to_a_meeting(
    live_server, listed, page: Page, axe_violations
):
    """The panel's decisions are taken at a quorate meeting (tests/e2e/test_panel_meeting.py), not here."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "chair@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/referrals/{listed.reference}/channel/")
    expect(page.get_by_test_id("channel-stage")).to_contain_text("Listed for the panel")
    steps = page.get_by_test_id("channel-steps").locator(".govuk-button")
    expect(steps).to_have_text(["Withdraw from Channel"])
    assert axe_violations(page) == []
    assert_no_codes(page.content())
    page.get_by_test_id("panel-decisions-note").get_by_role("link").click()
    expect(page.get_by_test_id("panel-meetings")).to_contain_text("Not decided")
    assert axe_violations(page) == []
    assert_no_codes(page.content())
