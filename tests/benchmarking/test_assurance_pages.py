"""The assurance pages: what the Prevent lead and the auditor see and do, GOV.UK errors, 403 for other roles, and
the downloads (each audited, no name, e-mail address or case reference in them)."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from benchmarking.assurance import assurance_area_rate
from benchmarking.models import BenchmarkRating
from benchmarking.toolkit import AREAS

pytestmark = pytest.mark.django_db
YEAR = 2024
SECTION_4 = {
    "rating_4_1": "fully_met",
    "evidence_4_1": "Pathway published on the council's site, March 2024.",
    "rating_4_2": "partly_met",
    "evidence_4_2": "CANARY-page-evidence",
    "rating_4_3": "not_assessed",
    "evidence_4_3": "",
}


@pytest.fixture
def lead_client(client, prevent_lead):
    client.force_login(prevent_lead)
    return client


def test_home_and_statistics_pages_link_to_both(lead_client):
    for page in (reverse("home"), reverse("benchmarking:report")):
        html = lead_client.get(page).content.decode()
        assert reverse("benchmarking:self-assessment") in html
        assert reverse("benchmarking:assurance-statement") in html


def test_the_lead_rates_a_section_and_sees_it_with_its_figures(lead_client, assurance_year):
    url = reverse("benchmarking:self-assessment-section", args=[YEAR, 4])
    form = lead_client.get(url)
    assert "4.2 Referrals are screened within" in form.content.decode()
    response = lead_client.post(url, SECTION_4)
    assert response.status_code == 302
    page = lead_client.get(reverse("benchmarking:self-assessment"), {"year": str(YEAR)})
    html = page.content.decode()
    assert "8. Communications and engagement" in html
    assert "2 of 3 benchmarks rated" in html
    assert "CANARY-page-evidence" in html
    assert 'govuk-tag govuk-tag--yellow">Partly met' in html
    assert 'data-testid="figures-screening"' in html  # 4.2 carries the screening figures
    assert "Screened within 5 working days (by the due date)" in html
    assert AuditEvent.objects.filter(action="SELF_ASSESSMENT_RATED").count() == 1


def test_a_met_benchmark_without_evidence_is_a_govuk_error(lead_client):
    response = lead_client.post(
        reverse("benchmarking:self-assessment-section", args=[YEAR, 4]), SECTION_4 | {"evidence_4_1": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter the evidence that benchmark 4.1 is met" in html
    assert 'href="#id_evidence_4_1"' in html
    assert not BenchmarkRating.objects.exists()


def test_an_empty_section_form_asks_for_every_rating(lead_client):
    response = lead_client.post(reverse("benchmarking:self-assessment-section", args=[YEAR, 1]), {})
    html = response.content.decode()
    assert "Select how far benchmark 1.1 is met" in html
    assert 'href="#id_rating_1_1_0"' in html


def test_unknown_section_area_or_year_is_not_found(lead_client):
    assert lead_client.get(reverse("benchmarking:self-assessment-section", args=[YEAR, 9])).status_code == 404
    assert lead_client.get(reverse("benchmarking:assurance-area", args=[YEAR, "nonsense"])).status_code == 404
    assert lead_client.get(reverse("benchmarking:assurance-area", args=[1066, "quorum"])).status_code == 404


@pytest.mark.parametrize("url_name", ["benchmarking:self-assessment", "benchmarking:assurance-statement"])
def test_a_bad_year_is_a_govuk_error(lead_client, url_name):
    """The page re-shows its year form with the error: 200, as every form of the service does."""
    response = lead_client.get(reverse(url_name), {"year": "20x4"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a year such as 2025" in html


def test_the_statement_shows_each_area_with_its_figures_then_is_submitted(lead_client, prevent_lead, assurance_year):
    url = reverse("benchmarking:assurance-statement")
    html = lead_client.get(url, {"year": str(YEAR)}).content.decode()
    assert "Draft" in html
    assert all(f'data-testid="area-{area.code}"' in html for area in AREAS)
    assert 'data-testid="figures-quorum"' in html
    area = lead_client.post(reverse("benchmarking:assurance-area", args=[YEAR, "quorum"]), {"rating": "partly_met"})
    assert "Enter a comment" in area.content.decode()
    done = lead_client.post(
        reverse("benchmarking:assurance-area", args=[YEAR, "quorum"]),
        {"rating": "partly_met", "comment": "Police apologies in September."},
    )
    assert done.status_code == 302
    refused = lead_client.post(reverse("benchmarking:assurance-submit", args=[YEAR]))
    assert "Rate every area before submitting (8 not rated)" in refused.content.decode()
    for item in AREAS:
        assurance_area_rate(actor=prevent_lead, year=YEAR, area=item.code, rating="fully_met", comment="")
    assert lead_client.post(reverse("benchmarking:assurance-submit", args=[YEAR])).status_code == 302
    html = lead_client.get(url, {"year": str(YEAR)}).content.decode()
    assert "Submitted</strong> by" in html
    assert reverse("benchmarking:assurance-area", args=[YEAR, "quorum"]) not in html  # no more changes


def test_the_auditor_reads_without_change_links_and_may_not_post(client, auditor, prevent_lead):
    assurance_area_rate(actor=prevent_lead, year=YEAR, area="quorum", rating="fully_met", comment="")
    client.force_login(auditor)
    html = client.get(reverse("benchmarking:assurance-statement"), {"year": str(YEAR)}).content.decode()
    assert "Fully met" in html
    assert "Submit the statement" not in html
    assert reverse("benchmarking:assurance-area", args=[YEAR, "quorum"]) not in html
    assert client.get(reverse("benchmarking:self-assessment-section", args=[YEAR, 4])).status_code == 403
    assert client.post(reverse("benchmarking:assurance-submit", args=[YEAR])).status_code == 403
    assert AuditEvent.objects.filter(action="ACCESS_REFUSED", actor_id=auditor.pk).exists()


@pytest.mark.parametrize("role", ["triage_officer", "channel_chair", "referrer"])
def test_other_roles_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))
    for name in ("benchmarking:self-assessment", "benchmarking:assurance-statement", "benchmarking:assurance-download"):
        assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "html"])
def test_each_download_holds_both_and_is_audited(lead_client, prevent_lead, assurance_year, fmt):
    lead_client.post(reverse("benchmarking:self-assessment-section", args=[YEAR, 4]), SECTION_4)
    response = lead_client.get(reverse("benchmarking:assurance-download"), {"year": str(YEAR), "format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="prevent-assurance-E10000901-2024-2025.{fmt}"'
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["About", "Self-assessment", "Assurance statement", "Figures"]
        text = " ".join(str(c.value) for s in book for r in s.iter_rows() for c in r if c.value is not None)
    else:
        text = response.content.decode("utf-8-sig")
    assert "CANARY-page-evidence" in text
    assert "Quorum held" in text
    assert "Screened within 5 working days" in text
    assert prevent_lead.email not in text
    for case in assurance_year["cases"]:
        assert case.referral.reference not in text
    if fmt == "json":
        document = json.loads(text)
        assert document["assurance_statement"]["status"] == "draft"
        assert document["self_assessment"][3]["benchmarks"][1]["rating"] == "partly_met"
    if fmt == "html":
        assert text.count("<svg") == 2
        assert "@media print" in text
    event = AuditEvent.objects.filter(action="ASSURANCE_EXPORTED").get()
    assert event.details == {"year": YEAR, "format": fmt, "via": "page"}


def test_a_bad_download_is_a_govuk_error(lead_client):
    response = lead_client.get(reverse("benchmarking:assurance-download"), {"year": "1066", "format": "pdf"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Select a format: CSV, Excel, JSON or HTML report" in html
    assert 'id="id_format"' in html
    assert not AuditEvent.objects.filter(action="ASSURANCE_EXPORTED").exists()


def test_the_command_exports_the_assurance_of_a_year(local_authority, prevent_lead, tmp_path):
    from django.core.management import call_command

    assurance_area_rate(actor=prevent_lead, year=YEAR, area="quorum", rating="partly_met", comment="CANARY-cmd")
    out = tmp_path / "assurance.json"
    call_command(
        "export_benchmarking",
        "--authority",
        local_authority.ons_code,
        "--year",
        str(YEAR),
        "--assurance",
        "--format",
        "json",
        "--out",
        str(out),
        stderr=io.StringIO(),
    )
    document = json.loads(out.read_text())
    quorum = next(a for a in document["assurance_statement"]["areas"] if a["code"] == "quorum")
    assert quorum["comment"] == "CANARY-cmd"
    event = AuditEvent.objects.filter(action="ASSURANCE_EXPORTED").get()
    assert event.actor_id is None
    assert event.details["via"] == "command"


def test_the_command_refuses_assurance_for_dates(local_authority):
    from django.core.management import call_command

    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "export_benchmarking",
            *("--authority", local_authority.ons_code, "--from", "2024-04-01", "--to", "2024-09-30"),
            *("--assurance", "--format", "csv", "--out", "-"),
            stderr=err,
        )
    assert exit_.value.code == 2
    assert "--assurance is for a financial year" in err.getvalue()


def test_a_submitted_statements_area_cannot_be_changed(lead_client, prevent_lead):
    from benchmarking.assurance import assurance_statement_submit

    for item in AREAS:
        assurance_area_rate(actor=prevent_lead, year=YEAR, area=item.code, rating="fully_met", comment="")
    assurance_statement_submit(actor=prevent_lead, year=YEAR)
    url = reverse("benchmarking:assurance-area", args=[YEAR, "quorum"])
    assert "it can no longer be changed" in lead_client.get(url).content.decode()
    response = lead_client.post(url, {"rating": "not_met", "comment": "Too late."})
    assert "This statement has been submitted" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_evidence_that_looks_like_a_formula_stays_text(lead_client, prevent_lead, fmt):
    assurance_area_rate(
        actor=prevent_lead, year=YEAR, area="quorum", rating="partly_met", comment='=HYPERLINK("http://x.test")'
    )
    response = lead_client.get(reverse("benchmarking:assurance-download"), {"year": str(YEAR), "format": fmt})
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content))["Assurance statement"]
        cells = [c for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
        assert [c.data_type for c in cells] == ["s"]
        assert cells[0].value.startswith("'=")
    else:
        assert "'=HYPERLINK" in response.content.decode("utf-8-sig")
