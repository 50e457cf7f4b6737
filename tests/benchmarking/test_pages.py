"""The statistics page of the Prevent lead and the auditor: report, downloads (audited), GOV.UK errors."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.benchmarking.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(client, prevent_lead):
    client.force_login(prevent_lead)
    return client


def test_the_prevent_lead_reaches_the_report_from_the_home_page(lead_client):
    home = lead_client.get(reverse("home"))
    assert reverse("benchmarking:report") in home.content.decode()


def test_the_report_shows_tables_charts_and_the_rule(lead_client, year_of_cases):
    response = lead_client.get(reverse("benchmarking:report"), {"year": str(YEAR)})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 11
    assert 'data-testid="table-sector"' in html
    assert "Disclosure control: counts from 1 to 5" in html
    assert "Financial year 2024 to 2025" in html
    assert "@media print" in html
    links = response.context["downloads"]
    assert [label for label, _ in links] == ["CSV", "Excel", "JSON", "HTML report"]
    event = AuditEvent.objects.filter(action="BENCHMARKING_EXPORTED").get()
    assert event.details["via"] == "page"
    assert event.actor_id == response.wsgi_request.user.pk


def test_a_download_is_the_file_of_the_same_period(lead_client, year_of_cases):
    response = lead_client.get(reverse("benchmarking:report"), {"year": str(YEAR)})
    url = dict(response.context["downloads"])["JSON"]
    download = lead_client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('-2024-04-to-2025-03.json"')
    document = json.loads(download.content)
    assert document["period"]["start"] == "2024-04-01"
    assert AuditEvent.objects.filter(action="BENCHMARKING_EXPORTED", details__format="json").count() == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "20x4"}, "Enter a year such as 2024"),
        ({"year": "1066"}, "Unknown year"),
        (
            {"date_from_day": "1", "date_from_month": "5", "date_from_year": "2025"}
            | {"date_to_day": "1", "date_to_month": "4", "date_to_year": "2025"},
            "before it starts",
        ),
        ({"date_from_day": "1", "date_from_month": "5", "date_from_year": "2025"}, "Enter both dates"),
        (  # the month after 31 December 9999 once overflowed: a 500
            {"date_from_day": "1", "date_from_month": "4", "date_from_year": "2024"}
            | {"date_to_day": "31", "date_to_month": "12", "date_to_year": "9999"},
            "Give dates from 2000 to 2101",
        ),
        ({"format": "pdf"}, "Select a format: CSV, Excel, JSON or HTML report"),
    ],
)
def test_bad_input_is_a_govuk_error(lead_client, local_authority, query, message):
    """The page re-shows its form with the errors (200, as the service's forms do); a download asked for with
    bad parameters is no file: 400, with the same form and errors."""
    for url_name, status in (("benchmarking:report", 200), ("benchmarking:download", 400)):
        response = lead_client.get(reverse(url_name), query)
        assert response.status_code == status, url_name
        html = response.content.decode()
        assert "govuk-error-summary" in html
        assert message in html
        assert "valid choice" not in html
    assert not AuditEvent.objects.filter(action="BENCHMARKING_EXPORTED").exists()


def test_other_roles_are_refused(client, triage_officer):
    client.force_login(triage_officer)
    assert client.get(reverse("benchmarking:report")).status_code == 403


def test_a_refused_format_leads_to_the_formats_offered_for_the_same_period(lead_client, local_authority):
    response = lead_client.get(reverse("benchmarking:download"), {"year": str(YEAR), "format": "xml"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<a href="#id_format">Select a format: CSV, Excel, JSON or HTML report</a>' in html
    assert 'id="id_format"' in html
    for fmt in ("csv", "xlsx", "json", "html"):
        assert f"{reverse('benchmarking:download')}?year={YEAR}&amp;format={fmt}" in html
