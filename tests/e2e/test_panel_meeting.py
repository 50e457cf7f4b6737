"""A Channel panel meeting in Chromium, as the demo chair: arrange it, set the agenda, record attendance,
the members' views and the decision, then the printable record; and as the police officer and a panel member,
each giving their own view from their home page before the chair decides (issue 14): axe clean on every page."""

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
    from channel.models import ChannelCase

    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    call_command("seed_demo_channel", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    return ChannelCase.objects.select_related("referral").get(state="listed").referral


def _clean(page: Page, axe_violations) -> None:
    assert axe_violations(page) == []
    assert_no_codes(page.content())


def _fill_date(page: Page, day: int, month: int, year: int) -> None:
    page.get_by_label("Day").fill(str(day))
    page.get_by_label("Month").fill(str(month))
    page.get_by_label("Year").fill(str(year))


def _arrange_a_meeting_today(page: Page, axe_violations) -> None:
    """From the panel page: a date in the past is refused; today is accepted."""
    page.get_by_role("button", name="Arrange a meeting").click()
    _fill_date(page, 1, 1, 2020)
    page.get_by_role("button", name="Arrange a meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be today or in the future")
    _clean(page, axe_violations)
    today = timezone.localdate()
    _fill_date(page, today.day, today.month, today.year)
    page.get_by_role("button", name="Arrange a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meeting of")
    _clean(page, axe_violations)


def _record_everyone_present(page: Page, axe_violations) -> None:
    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_role("button", name="Record attendance").click()
    # .all() does not wait: the attendance page must have loaded before its radios are collected.
    expect(page.get_by_role("heading", level=1)).to_have_text("Record attendance")
    for radio in page.locator("input[type=radio][value=present]").all():
        radio.check()
    _clean(page, axe_violations)
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_test_id("attendance")).not_to_contain_text("Not recorded")


REASONS = "The panel's reasons, as they will be read in the case record"


def test_the_chair_runs_a_panel_meeting(live_server, demo, page: Page, axe_violations):
    from channel.models import ChannelCase

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "chair@example.org", DEMO_PASSWORD)
    page.goto(live_server.url + "/")
    expect(page.get_by_test_id("next-meeting")).to_contain_text("Channel panel")
    _clean(page, axe_violations)

    page.get_by_role("link", name="Channel panels and meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Channel panels")
    _clean(page, axe_violations)
    page.get_by_test_id("panels").get_by_role("link").first.click()
    expect(page.get_by_test_id("panel-summary")).to_contain_text("Demo Police Force")
    expect(page.get_by_test_id("meetings-past")).to_be_visible()
    _clean(page, axe_violations)
    _arrange_a_meeting_today(page, axe_violations)

    # The agenda: the listed case.
    page.get_by_label("Add a case to the agenda").select_option(demo.reference)
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_test_id("agenda")).to_contain_text(demo.reference)
    _clean(page, axe_violations)

    # Without attendance the decision is refused, naming who is missing.
    page.get_by_test_id("agenda").get_by_role("link", name=demo.reference).click()
    expect(page.get_by_test_id("quorum-warning")).to_contain_text("the chair")
    _clean(page, axe_violations)
    page.get_by_label(REASONS).fill("Vulnerable; support offered.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("a police officer for the person's area")
    _clean(page, axe_violations)
    _record_everyone_present(page, axe_violations)

    page.get_by_test_id("agenda").get_by_role("link", name=demo.reference).click()
    selects = page.get_by_test_id("views-form").locator("select")
    for index in range(selects.count()):
        selects.nth(index).select_option("adopt")
    page.get_by_role("button", name="Save the views").click()
    expect(page.get_by_test_id("views")).to_contain_text("Adopt the case")
    _clean(page, axe_violations)
    page.get_by_label(REASONS).fill("Vulnerable; support offered.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("decision")).to_contain_text("Unanimous view of the members present")
    _clean(page, axe_violations)
    assert ChannelCase.objects.get(referral__reference=demo.reference).state == "awaiting_consent"

    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_role("link", name="Decision record (printable)").click()
    expect(page.get_by_test_id("record-decisions")).to_contain_text(demo.reference)
    expect(page.get_by_test_id("record-decisions")).to_contain_text("Adopt the case")
    expect(page.get_by_test_id("record-decisions")).not_to_contain_text("Vulnerable")
    _clean(page, axe_violations)
    # Printed: the record alone, without the service's header (council bar, navigation, "Sign out") or footer.
    page.emulate_media(media="print")
    for chrome in ("header", "footer"):
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.get_by_role("link", name="Sign out")).to_be_hidden()
    expect(page.get_by_test_id("record-decisions")).to_be_visible()
    page.emulate_media(media="screen")


def _meeting_today_with_everyone_present(listed_case):
    """The chair's set-up, through the services: a meeting today with the listed case and everyone present."""
    from accounts.models import User
    from channel.meetings import services
    from channel.models import ChannelCase, Panel

    chair = User.objects.get(email="chair@example.org")
    panel = Panel.objects.get(local_authority=listed_case.local_authority)
    meeting = services.meeting_create(panel=panel, actor=chair, date=timezone.localdate())
    services.agenda_item_add(meeting=meeting, actor=chair, channel_case=ChannelCase.objects.get(referral=listed_case))
    services.attendance_record(
        meeting=meeting, actor=chair, statuses={member.pk: "present" for member in panel.members.all()}
    )
    return meeting


def _give_own_view(page: Page, live_server, axe_violations, *, email: str, reference: str, view: str) -> None:
    """A member signs in, finds today's meeting from their home page, opens the case and records their view."""
    page.context.clear_cookies()
    sign_in(page, live_server, email, DEMO_PASSWORD)
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Your panel meetings")).to_be_visible()
    _clean(page, axe_violations)
    page.get_by_test_id("next-meeting").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meeting of")
    _clean(page, axe_violations)
    page.get_by_test_id("agenda").get_by_role("link", name=reference).click()
    form = page.get_by_test_id("views-form")
    expect(form.locator("select")).to_have_count(1)  # their own view only
    _clean(page, axe_violations)
    form.locator("select").select_option(view)
    page.get_by_role("button", name="Save your view").click()
    expect(page.get_by_test_id("views")).to_contain_text("Do not adopt" if view == "not_adopt" else "Adopt the case")
    expect(page.get_by_test_id("decision-form")).to_have_count(0)  # the decision is the chair's
    _clean(page, axe_violations)


def test_the_police_officer_and_a_panel_member_give_their_views_and_the_chair_decides_by_majority(
    live_server, demo, page: Page, axe_violations
):
    from channel.models import ChannelCase

    meeting = _meeting_today_with_everyone_present(demo)
    page.set_viewport_size({"width": 1280, "height": 900})
    for email in ("police@example.org", "panel@example.org"):
        _give_own_view(page, live_server, axe_violations, email=email, reference=demo.reference, view="adopt")

    page.context.clear_cookies()
    sign_in(page, live_server, "chair@example.org", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/channel/meetings/{meeting.pk}/cases/{demo.reference}/")
    views = page.get_by_test_id("views")
    expect(views).to_contain_text("Demo Police Prevent officer")
    expect(views).to_contain_text("Not recorded")  # the chair's own view is still to come
    page.get_by_test_id("views-form").locator("select").first.select_option("not_adopt")
    page.get_by_role("button", name="Save the views").click()
    page.get_by_label(REASONS).fill("Two of three members: vulnerable, support offered.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("decision")).to_contain_text("Majority view of the members present")
    expect(page.get_by_test_id("decision")).to_contain_text("2 of 3 views")
    _clean(page, axe_violations)
    assert ChannelCase.objects.get(referral=demo).state == "awaiting_consent"
