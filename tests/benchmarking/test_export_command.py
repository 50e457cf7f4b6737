"""python manage.py export_benchmarking: each format, audited; bad input is one line and exit code 2."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from tests.benchmarking.conftest import YEAR

pytestmark = pytest.mark.django_db


def export(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("export_benchmarking", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_json_has_the_figures_the_rule_and_withheld_cells(year_of_cases, tmp_path, settings):
    settings.BENCHMARKING_SUPPRESSION_THRESHOLD = 1
    target = tmp_path / "stats.json"
    code, _, err = export(
        "--authority", year_of_cases.ons_code, "--year", str(YEAR), "--format", "json", "--out", str(target)
    )
    assert code == 0, err
    document = json.loads(target.read_text())
    assert "from 1 to 1" in document["disclosure_control"]["rule"]
    sector = next(table for table in document["tables"] if table["key"] == "sector")
    rows = {row["code"]: row["referrals"] for row in sector["rows"]}
    assert rows["community"] is None  # 1: withheld
    assert rows["education"] is None  # 2: withheld with it (secondary)
    assert (rows["health"], rows["police"], sector["total"]) == (2, 2, 7)
    event = AuditEvent.objects.filter(action="BENCHMARKING_EXPORTED").get()
    assert event.local_authority_id == year_of_cases.pk
    assert event.details == {"format": "json", "date_from": "2024-04-01", "date_to": "2025-03-31", "via": "command"}


def test_csv_to_standard_output_marks_withheld_counts(year_of_cases):
    code, out, _ = export(
        "--authority",
        year_of_cases.ons_code,
        "--from",
        "2024-04-01",
        "--to",
        "2024-06-30",
        "--format",
        "csv",
        "--out",
        "-",
    )
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[3][0] == "Disclosure control"
    assert ["Total referrals", "[c]"] in rows  # 3 referrals in the quarter: every table's total is withheld
    assert ["May 2024", "[c]"] in rows
    assert ["April 2024", "0"] in rows


def test_xlsx_has_one_sheet_per_table(year_of_cases, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "stats.xlsx"
    code, _, _ = export(
        "--authority", year_of_cases.ons_code, "--year", str(YEAR), "--format", "xlsx", "--out", str(target)
    )
    assert code == 0
    book = load_workbook(target)
    assert book.sheetnames == [
        "About",
        *("Month", "Quarter", "Sector", "Age", "Gender", "Concern", "Outcome"),
        *("Requests", "Attendance expected", "Attendance present", "Interventions"),
        "Timings",
    ]
    quarter = [[cell.value for cell in row] for row in book["Quarter"].iter_rows()]
    assert ["Total referrals", 7] in quarter
    assert quarter[-1][0].startswith("Disclosure control")


def test_html_is_a_report_with_charts_and_no_reference(year_of_cases, tmp_path):
    from referrals.models import Referral

    target = tmp_path / "stats.html"
    code, _, _ = export(
        "--authority", year_of_cases.ons_code, "--year", str(YEAR), "--format", "html", "--out", str(target)
    )
    assert code == 0
    html = target.read_text()
    assert html.count("<svg") == 11  # seven referral tables, requests, attendance (2), interventions
    assert "Disclosure control" in html
    assert "@media print" in html
    for reference in Referral.objects.exclude(reference=None).values_list("reference", flat=True):
        assert reference not in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--authority", "E99999999", "--year", "2024", "--format", "csv"], "Unknown council"),
        (["--year", "20x4", "--format", "csv"], "Unknown year"),
        (["--year", "1066", "--format", "csv"], "Unknown year"),
        (["--year", "2024", "--format", "pdf"], "Unknown format"),
        (["--from", "2025-01-01", "--to", "2024-12-31", "--format", "csv"], "before it starts"),
        (["--from", "2025-13-01", "--to", "2025-12-31", "--format", "csv"], "is not a date"),
        (["--from", "2025-01-01", "--format", "csv"], "give both --from and --to"),
        (["--year", "2024", "--from", "2025-01-01", "--to", "2025-02-01", "--format", "csv"], "not both"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(local_authority, tmp_path, args, message):
    if "--authority" not in args:
        args = ["--authority", local_authority.ons_code, *args]
    target = tmp_path / "out"
    code, out, err = export(*args, "--out", str(target))
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not target.exists()
    assert not AuditEvent.objects.filter(action="BENCHMARKING_EXPORTED").exists()


@pytest.mark.parametrize(("out", "message"), [("missing/stats.csv", "does not exist"), (".", "is a folder")])
def test_an_out_that_cannot_be_written_is_refused_before_any_work(local_authority, tmp_path, out, message):
    args = ["--authority", local_authority.ons_code, "--year", "2024", "--format", "csv", "--out", str(tmp_path / out)]
    code, _, err = export(*args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not AuditEvent.objects.filter(action="BENCHMARKING_EXPORTED").exists()


def test_without_a_period_it_is_this_financial_year_with_a_progress_bar(local_authority, tmp_path, capsys):
    from benchmarking.forms import current_financial_year

    target = tmp_path / "now.json"
    code, _, err = export("--authority", local_authority.ons_code, "--format", "json", "--out", str(target))
    assert code == 0
    first = current_financial_year()
    assert json.loads(target.read_text())["period"]["start"] == f"{first}-04-01"
    assert "Statistics: 100%" in capsys.readouterr().err  # the bar, on the process's standard error
    assert f"Wrote {target}" in err
    assert AuditEvent.objects.get(action="BENCHMARKING_EXPORTED").details["date_from"] == f"{first}-04-01"


def test_a_period_with_no_cases_says_so(local_authority, tmp_path):
    target = tmp_path / "empty.html"
    code, _, _ = export(
        "--authority", local_authority.ons_code, "--year", "2019", "--format", "html", "--out", str(target)
    )
    assert code == 0
    assert "No referral of this council falls in this period" in target.read_text()


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "9999-12-31"), ("9999-01-01", "9999-12-31"), ("1999-12-01", "2000-03-31")]
)
def test_dates_outside_the_years_of_statistics_are_one_line_exit_2(local_authority, tmp_path, start, end):
    # 9999-12-31 once overflowed computing the month after it: a traceback, exit 1.
    target = tmp_path / "stats.csv"
    code, out, err = export(
        "--authority", local_authority.ons_code, "--from", start, "--to", end, "--format", "csv", "--out", str(target)
    )
    assert (code, out) == (2, "")
    assert err == "export_benchmarking: Give dates from 2000 to 2101: there are no statistics outside them.\n"
    assert not target.exists()
    assert not AuditEvent.objects.filter(action="BENCHMARKING_EXPORTED").exists()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--year", ""], "--year is empty: give it a value, or leave it out."),
        (["--from", " ", "--to", ""], "--from is empty: give it a value, or leave it out."),
        (["--year", "٢٠٢٤"], "Unknown year '٢٠٢٤': give a year such as 2024 for April 2024 to March 2025."),
    ],
)
def test_an_empty_or_foreign_period_is_refused_not_taken_for_this_year(local_authority, tmp_path, args, line):
    # An unset variable once exported this financial year instead; Arabic-Indic digits were read as 2024.
    target = tmp_path / "stats.csv"
    code, out, err = export("--authority", local_authority.ons_code, *args, "--format", "csv", "--out", str(target))
    assert (code, out, err) == (2, "", f"export_benchmarking: {line}\n")
    assert not target.exists()
    assert not AuditEvent.objects.filter(action="BENCHMARKING_EXPORTED").exists()


def test_a_blank_out_is_refused_not_a_file_named_by_spaces(local_authority, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = export("--authority", local_authority.ons_code, "--format", "csv", "--out", "  ")
    assert (code, out) == (2, "")
    assert err == "export_benchmarking: --out is empty: give a file name, or - for standard output.\n"
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action="BENCHMARKING_EXPORTED").exists()
