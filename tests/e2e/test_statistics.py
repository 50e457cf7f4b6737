"""The Home Office statistics in Chromium (issue 16): the Prevent lead's report and its CSV download, the
period's GOV.UK date inputs and their errors, the auditor reading it, and a triage officer refused; axe on each."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"
HEADING = "Individuals referred to and supported through the Prevent programme"
SECTORS = ("education", "health", "police")
TOMBSTONES_PER_MONTH = 8  # April to September 2024: 48 cases, enough that most counts are published


@pytest.fixture
def demo_users(transactional_db, settings):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123


@pytest.fixture
def half_year(demo_users):
    """Purged cases of Northmoor (the demo council) from April to September 2024: their tombstones only."""
    from accounts.models import LocalAuthority
    from closure.models import Tombstone

    council = LocalAuthority.objects.get(ons_code="E08000901")
    Tombstone.objects.bulk_create(
        Tombstone(
            referral_month=datetime.date(2024, month, 1),
            local_authority=council,
            referrer_sector=SECTORS[index % len(SECTORS)],
            age_band="16_17",
            gender="male" if index % 2 else "female",
            concern_type="extreme_right_wing",
            route="screening",
            outcome="NFA_NO_CONCERN",
            days_to_screening=1 + index % 3,
            days_to_closure=10 + index,
        )
        for month in range(4, 10)
        for index in range(TOMBSTONES_PER_MONTH)
    )
    return council


def _period(page: Page, start: datetime.date, end: datetime.date) -> None:
    """Type the period into the two GOV.UK date inputs and show it."""
    for legend, day in (("Or from", start), ("To", end)):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Show the statistics").click()


def test_the_prevent_lead_reads_the_report_changes_the_period_and_downloads_csv(
    live_server, half_year, page: Page, axe_violations
):
    sign_in(page, live_server, "lead@example.org", DEMO_PASSWORD)
    page.get_by_role("link", name="Prevent statistics for the Home Office").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING)
    expect(page.get_by_test_id("table-month")).to_be_visible()
    # One chart per table, beside it: the referral tables and the activity tables (requests, attendance, support).
    tables = page.locator("table[data-testid^='table-']").count()
    assert tables >= 11  # noqa: PLR2004
    expect(page.locator("svg.benchmarking-chart")).to_have_count(tables)
    assert axe_violations(page) == []

    _period(page, datetime.date(2024, 4, 1), datetime.date(2024, 9, 30))
    expect(page.get_by_test_id("referrals")).to_have_text("48")
    expect(page.get_by_test_id("table-month").get_by_role("row", name="April 2024")).to_contain_text("8")
    expect(page.get_by_test_id("table-sector").get_by_role("row", name="Education")).to_contain_text("18")
    expect(page.get_by_test_id("timings")).to_be_visible()
    expect(page.get_by_test_id("disclosure-rule")).to_contain_text("Disclosure control")
    assert "[c]" not in page.get_by_test_id("table-month").inner_text()
    assert axe_violations(page) == []

    # A range ending before it starts: the error summary, linked to the date, and the page still clean.
    _period(page, datetime.date(2024, 10, 1), datetime.date(2024, 4, 1))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=re.compile("before it starts"))).to_have_attribute(
        "href", "#id_date_to_day"
    )
    expect(page).to_have_title(re.compile(f"^Error: {HEADING} - Prevent statistics"))
    expect(page.get_by_test_id("downloads")).to_have_count(0)
    assert axe_violations(page) == []

    _period(page, datetime.date(2024, 4, 1), datetime.date(2024, 9, 30))
    with page.expect_download() as download:
        page.get_by_test_id("downloads").get_by_role("link", name=re.compile("^CSV")).click()
    assert download.value.suggested_filename == "prevent-statistics-E08000901-2024-04-to-2024-09.csv"
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert ["Council", "Northmoor City Council (E08000901)"] in rows
    assert ["Period", "April 2024 to September 2024: 1 April 2024 to 30 September 2024"] in rows
    assert ["April 2024", "8"] in rows
    assert ["Education", "18"] in [row[:2] for row in rows]  # then the England and Wales column
    assert [row[:2] for row in rows].count(["Total referrals", "48"]) == 7  # noqa: PLR2004 - the referral tables
    assert not any("PRV-" in value or "@" in value for row in rows for value in row)  # no case, no person


def test_the_auditor_reads_the_report(live_server, half_year, page: Page, axe_violations):
    sign_in(page, live_server, "auditor@example.org", DEMO_PASSWORD)
    page.get_by_role("link", name="Prevent statistics for the Home Office").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADING)
    _period(page, datetime.date(2024, 4, 1), datetime.date(2024, 9, 30))
    expect(page.get_by_test_id("referrals")).to_have_text("48")
    assert axe_violations(page) == []


def test_a_triage_officer_is_refused_the_statistics(live_server, half_year, page: Page, axe_violations):
    sign_in(page, live_server, "triage@example.org", DEMO_PASSWORD)
    expect(page.get_by_role("link", name="Prevent statistics for the Home Office")).to_have_count(0)
    response = page.goto(live_server.url + "/statistics/?year=2024")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    expect(page.get_by_test_id("referrals")).to_have_count(0)
    assert axe_violations(page) == []
    response = page.goto(live_server.url + "/statistics/download/?year=2024&format=csv")
    assert response.status == 403
