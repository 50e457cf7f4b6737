"""The statistics as files: CSV, Excel (one sheet per table), JSON and a standalone HTML report with charts.

Every output states the disclosure rule, shows withheld counts as [c], and names no case, person or referrer.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.template.loader import render_to_string

from . import disclosure
from .statistics import Statistics, Table

FORMATS = ("csv", "xlsx", "json", "html")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "html": "text/html; charset=utf-8",
}
CHART_WIDTH = 300  # the longest bar, in SVG user units


def cell(table: Table, code: str, count: int) -> int | None:
    """The published count, or None where it is withheld."""
    return None if code in table.suppressed else count


def total_of(table: Table) -> int | None:
    return cell(table, disclosure.TOTAL, table.total)


def timing_rows(stats: Statistics) -> list[list[Any]]:
    return [[t.label, t.cases, t.median, t.p90, t.withheld] for t in stats.timings]


def heading(stats: Statistics) -> list[list[str]]:
    return [
        ["Council", f"{stats.authority_name} ({stats.authority_code})"],
        ["Period", f"{stats.period.label}: {stats.period.start:%-d %B %Y} to {stats.period.end:%-d %B %Y}"],
        ["Source", "Live cases and the statistical records of purged cases; no case or person is named."],
        ["Disclosure control", disclosure.rule()],
    ]


def _shown(value: Any) -> Any:
    return disclosure.MARK if value is None else value


def as_csv(stats: Statistics) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(heading(stats))
    for table in stats.tables:
        writer.writerow([])
        writer.writerow([table.title])
        if table.note:
            writer.writerow([table.note])
        writer.writerow(["Category", table.unit, *national_heading(table)])
        writer.writerows(
            [label, _shown(cell(table, code, count)), *national_cell(table, code)] for code, label, count in table.rows
        )
        writer.writerow(
            [f"Total {table.unit.lower()}", _shown(total_of(table)), *national_cell(table, disclosure.TOTAL)]
        )
        if table.national_source:
            writer.writerow([f"National source: {table.national_source}"])
    writer.writerow([])
    writer.writerow(["Working days between stages (Monday to Friday less bank holidays; a request: from the request)"])
    writer.writerow(["Stage", "Cases", "Median", "90th percentile"])
    for label, cases, median, p90, withheld in timing_rows(stats):
        mark = disclosure.MARK if withheld else ""
        writer.writerow([label, cases, mark if median is None and withheld else _blank(median), mark or _blank(p90)])
    return out.getvalue().encode("utf-8-sig")  # the byte order mark: Excel opens it as UTF-8


def national_heading(table: Table) -> list[str]:
    """The national column's heading, for the tables with national figures (benchmarking.national)."""
    return ["England and Wales"] if table.national else []


def national_cell(table: Table, code: str) -> list[str]:
    return [table.national.get(code, "")] if table.national else []


def _blank(value: Any) -> Any:
    return "" if value is None else value


def as_dict(stats: Statistics) -> dict[str, Any]:
    return {
        "council": {"name": stats.authority_name, "ons_code": stats.authority_code},
        "period": {
            "label": stats.period.label,
            "start": stats.period.start.isoformat(),
            "end": stats.period.end.isoformat(),
        },
        "disclosure_control": {"rule": disclosure.rule(), "threshold": disclosure.threshold(), "mark": disclosure.MARK},
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "note": table.note,
                "rows": [
                    {
                        "code": code,
                        "label": label,
                        "referrals" if table.unit == "Referrals" else "count": cell(table, code, count),
                        "withheld": code in table.suppressed,
                        **({"national": table.national.get(code)} if table.national else {}),
                    }
                    for code, label, count in table.rows
                ],
                "total": total_of(table),
                "unit": table.unit,
                **(
                    {"national_total": table.national.get(disclosure.TOTAL), "national_source": table.national_source}
                    if table.national
                    else {}
                ),
            }
            for table in stats.tables
        ],
        "working_days": [
            {
                "stage": t.stage,
                "label": t.label,
                "cases": t.cases,
                "median": t.median,
                "p90": t.p90,
                "withheld": t.withheld,
            }
            for t in stats.timings
        ],
    }


def as_json(stats: Statistics) -> bytes:
    return json.dumps(as_dict(stats), indent=2, default=float).encode()


def as_xlsx(stats: Statistics) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "About"
    for row in heading(stats):
        about.append(row)
    for table in stats.tables:
        sheet = book.create_sheet(table.key.replace("_", " ").capitalize()[:31])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        if table.note:
            sheet.append([table.note])
        sheet.append(["Category", table.unit, *national_heading(table)])
        for code, label, count in table.rows:
            sheet.append([label, _shown(cell(table, code, count)), *national_cell(table, code)])
        sheet.append([f"Total {table.unit.lower()}", _shown(total_of(table)), *national_cell(table, disclosure.TOTAL)])
        if table.national_source:
            sheet.append([f"National source: {table.national_source}"])
        sheet.append([disclosure.rule()])
        sheet.column_dimensions["A"].width = 50
    timings = book.create_sheet("Timings")
    timings.append(["Working days between stages (Monday to Friday less bank holidays; a request: from the request)"])
    timings.append(["Stage", "Cases", "Median", "90th percentile"])
    for label, cases, median, p90, withheld in timing_rows(stats):
        timings.append([label, cases, disclosure.MARK if withheld else median, disclosure.MARK if withheld else p90])
    timings.append([disclosure.rule()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def charts(stats: Statistics) -> list[dict[str, Any]]:
    """Each table with the bars of its chart: published counts only (a withheld bar is drawn as none)."""
    result = []
    for table in stats.tables:
        published = [cell(table, code, count) for code, _, count in table.rows]
        longest = max([value for value in published if value] or [1])
        bars = []
        for index, ((code, label, count), value) in enumerate(zip(table.rows, published, strict=True)):
            bars.append(
                {
                    "label": label,
                    "value": value,
                    "shown": disclosure.MARK if value is None else f"{count:,}",
                    "width": 0 if value is None else round(CHART_WIDTH * value / longest),
                    "y": index * 24,
                    "code": code,
                    "national": table.national.get(code, ""),
                }
            )
        result.append(
            {
                "table": table,
                "bars": bars,
                "height": len(bars) * 24,
                "total": _shown(total_of(table)),
                "national_total": table.national.get(disclosure.TOTAL, ""),
            }
        )
    return result


def report_context(stats: Statistics) -> dict[str, Any]:
    referrals = total_of(stats.tables[0]) if stats.tables else stats.referrals
    return {
        "stats": stats,
        "charts": charts(stats),
        "rule": disclosure.rule(),
        "referrals": _shown(referrals),
        "no_data": stats.referrals == 0,
        "heading": heading(stats),
        "timings": stats.timings,
        "mark": disclosure.MARK,
    }


def as_html(stats: Statistics) -> bytes:
    return render_to_string("benchmarking/report_document.html", report_context(stats)).encode()


RENDERERS = {"csv": as_csv, "xlsx": as_xlsx, "json": as_json, "html": as_html}


def render(stats: Statistics, fmt: str) -> bytes:
    return RENDERERS[fmt](stats)


def filename(stats: Statistics, fmt: str) -> str:
    return f"prevent-statistics-{stats.authority_code}-{stats.period.start:%Y-%m}-to-{stats.period.end:%Y-%m}.{fmt}"
