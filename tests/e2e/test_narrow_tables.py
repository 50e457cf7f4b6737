"""On a phone (375px) a wide table scrolls sideways inside its own pane, as the queue's does; the page itself never
scrolls sideways (the meeting, panel, Channel cases, users and access report pages)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def demo_channel(transactional_db, settings, tmp_path):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    call_command("seed_demo_referrals", stdout=io.StringIO())
    call_command("seed_demo_mash", stdout=io.StringIO())
    call_command("seed_demo_channel", stdout=io.StringIO())


def test_wide_tables_scroll_in_their_pane_not_the_page_on_a_phone(live_server, demo_channel, page: Page):
    from channel.models import AgendaItem

    item = AgendaItem.objects.select_related("meeting", "channel_case__referral").first()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "lead@example.org", DEMO_PASSWORD)
    for url in (
        "/channel/",
        f"/channel/meetings/{item.meeting_id}/",
        f"/channel/panels/{item.meeting.panel_id}/",
        "/accounts/users/",
        f"/referrals/{item.channel_case.referral.reference}/access-report/",
    ):
        page.goto(live_server.url + url)
        assert page.locator("main table").count() > 0, url
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url


def test_the_statistics_fit_a_phone_their_wide_table_scrolls_in_its_pane(live_server, demo_channel, page: Page):
    """The working-days table (four columns, one a long stage name) made the whole statistics page scroll
    sideways by 19px at 375px."""
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "lead@example.org", DEMO_PASSWORD)
    page.goto(live_server.url + "/statistics/")
    assert page.locator("main table").count() > 0
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(element => element.getBoundingClientRect().right > window.innerWidth
                && !element.closest('.moj-scrollable-pane'))
            .map(element => element.tagName + '.' + element.className + '[' + (element.dataset.testid || '') + ']')"""
    )
    assert overflowing == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
