"""The age table: the Home Office bands in age order in every output, cases of the earlier bands kept apart
(never lost, never moved into a band they may not belong to), small counts withheld per band, and no national
figure beside a row the release does not publish."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
from django.urls import reverse

from benchmarking import disclosure
from benchmarking.statistics import AGE_LABELS, LEGACY_AGE_LABELS, Period, compute
from closure.models import StatisticalRecord
from closure.statistics import AGE_BANDS, LEGACY_AGE_BANDS, OVER
from tests.benchmarking.conftest import YEAR, tombstone
from tests.benchmarking.test_export_command import export

pytestmark = pytest.mark.django_db

CURRENT = ["10 or under", "11 to 15", "16 to 17", "18 to 20", "21 to 30", "31 to 40", "41 and over"]
EARLIER = ["Under 15 (earlier bands)", "15 to 20 (earlier bands)"]
TITLE = "Referrals by age band at referral"


@pytest.fixture
def with_earlier_bands(year_of_cases):
    """The hand-checked year, with cases recorded under the earlier bands: a tombstone of each, and a live case
    whose record was written before the change (March 2025's live case, the only live record of that month)."""
    tombstone(year_of_cases, datetime.date(2024, 8, 1), age_band="under_15")
    tombstone(year_of_cases, datetime.date(2024, 9, 1), age_band="15_20")
    StatisticalRecord.objects.filter(local_authority=year_of_cases, referral_month=datetime.date(2025, 3, 1)).update(
        age_band="15_20"
    )
    return year_of_cases


def age_rows(authority):
    return compute(authority, Period.financial_year(YEAR)).table("age")


def test_the_labels_are_the_bands_in_age_order():
    assert list(AGE_LABELS) == [code for _, code in AGE_BANDS] + [OVER]
    assert list(AGE_LABELS.values()) == CURRENT
    assert list(LEGACY_AGE_LABELS) == list(LEGACY_AGE_BANDS)


def test_without_earlier_bands_only_the_current_ones_and_not_known(year_of_cases):
    table = age_rows(year_of_cases)
    assert [label for _, label, _ in table.rows] == [*CURRENT, "Not known"]
    assert {code: n for code, _, n in table.rows} == {
        **dict.fromkeys(AGE_LABELS, 0),
        "10_or_under": 1,
        "18_20": 1,
        "21_30": 4,
        "": 1,
    }
    assert table.note == ""


def test_cases_of_the_earlier_bands_keep_their_own_rows_after_the_current_ones(with_earlier_bands):
    table = age_rows(with_earlier_bands)
    assert [label for _, label, _ in table.rows] == [*CURRENT, *EARLIER, "Not known"]
    counts = {code: n for code, _, n in table.rows if n}
    assert counts == {"10_or_under": 1, "18_20": 1, "21_30": 3, "under_15": 1, "15_20": 2, "": 1}
    # No count lost: the rows add up to the referrals (7 of the fixture and the two tombstones).
    assert sum(counts.values()) == table.total == 9  # noqa: PLR2004
    assert "earlier bands" in table.note


def test_small_counts_are_withheld_per_band(with_earlier_bands):
    stats = disclosure.apply(compute(with_earlier_bands, Period.financial_year(YEAR)), limit=2)
    # Ones and twos withheld, an earlier band as any other; 21 to 30 (3) and the total are published.
    assert stats.table("age").suppressed == {"10_or_under", "18_20", "under_15", "15_20", ""}
    stats = disclosure.apply(compute(with_earlier_bands, Period.financial_year(YEAR)), limit=1)
    assert stats.table("age").suppressed == {"10_or_under", "18_20", "under_15", ""}


def test_the_2020_age_figure_of_the_earlier_bands_is_beside_no_row(local_authority):
    tombstone(local_authority, datetime.date(2020, 6, 1), age_band="15_20")
    table = compute(local_authority, Period.financial_year(2020)).table("age")
    assert [label for _, label, _ in table.rows] == [*CURRENT, EARLIER[1]]
    assert {code: table.national[code] for code, _, _ in table.rows} == dict.fromkeys(
        [*AGE_LABELS, "15_20"], "Not available"
    )
    assert table.national["total"] == "4,915"
    assert "1,398" not in json.dumps(table.national)


def _in_order(text: str, labels: list[str]) -> bool:
    positions = [text.find(f">{label}<") for label in labels]
    return -1 not in positions and positions == sorted(positions)


def test_csv_and_json_list_the_bands_in_age_order(with_earlier_bands, tmp_path):
    code, out, _ = export(
        "--authority", with_earlier_bands.ons_code, "--year", str(YEAR), "--format", "csv", "--out", "-"
    )
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    start = rows.index([TITLE])
    labels = [row[0] for row in rows[start + 3 : start + 3 + 10]]  # after the title, the note and the heading
    assert labels == [*CURRENT, *EARLIER, "Not known"]
    assert rows[start + 1][0].startswith("Rows marked (earlier bands)")

    target = tmp_path / "stats.json"
    args = ("--authority", with_earlier_bands.ons_code, "--year", str(YEAR), "--format", "json", "--out", str(target))
    assert export(*args)[0] == 0
    age = next(table for table in json.loads(target.read_text())["tables"] if table["key"] == "age")
    assert [row["label"] for row in age["rows"]] == [*CURRENT, *EARLIER, "Not known"]
    assert [row["code"] for row in age["rows"]][:7] == list(AGE_LABELS)


def test_xlsx_and_html_list_the_bands_in_age_order(with_earlier_bands, tmp_path):
    from openpyxl import load_workbook

    args = ("--authority", with_earlier_bands.ons_code, "--year", str(YEAR))
    assert export(*args, "--format", "xlsx", "--out", str(tmp_path / "stats.xlsx"))[0] == 0
    sheet = [[cell.value for cell in row] for row in load_workbook(tmp_path / "stats.xlsx")["Age"].iter_rows()]
    labels = [row[0] for row in sheet]
    start = labels.index("Category") + 1
    assert labels[start : start + 10] == [*CURRENT, *EARLIER, "Not known"]

    assert export(*args, "--format", "html", "--out", str(tmp_path / "stats.html"))[0] == 0
    html = (tmp_path / "stats.html").read_text()
    table = html[html.index('data-testid="table-age"') :]
    table = table[: table.index("</table>")]
    assert _in_order(table, [*CURRENT, *EARLIER, "Not known"])


def test_the_page_lists_the_bands_in_age_order(client, prevent_lead, with_earlier_bands):
    client.force_login(prevent_lead)
    html = client.get(reverse("benchmarking:report"), {"year": str(YEAR)}).content.decode()
    table = html[html.index('data-testid="table-age"') :]
    table = table[: table.index("</table>")]
    assert _in_order(table, [*CURRENT, *EARLIER, "Not known"])
    assert not re.search(r">(Under 15|15 to 20|41 to 50|51 to 60|Over 60)<", table)
