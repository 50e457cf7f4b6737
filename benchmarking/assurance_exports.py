"""The self-assessment and the assurance statement of a year as files: CSV, Excel (one sheet per table), JSON and
a standalone HTML report (SVG charts of the ratings beside their tables, print styles). Audited, one event per
export (ASSURANCE_EXPORTED).

They carry the council, the year, the ratings, the lead's evidence and comments (the council's own words about
its arrangements: no case is described there by design) and the figures (counts); never a case reference, a
person's name, a date of birth, an e-mail address, or who rated what.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string

from audit import services as audit
from audit.actions import AuditAction

from .assurance import StatementView, assurance_statement_view
from .assurance_figures import FigureSet
from .exports import CHART_WIDTH, CONTENT_TYPES, FORMATS
from .self_assessment import (
    AssuranceInvalid,
    AssuranceRefused,
    SectionRows,
    assurance_check,
    self_assessment_sections,
)
from .toolkit import Rating


def _figures(sets: list[FigureSet]) -> str:
    return "; ".join(f"{label}: {count}" for figure_set in sets for label, count in figure_set.rows)


def _status(view: StatementView) -> str:
    if view.submitted:
        return f"Submitted on {view.statement.submitted_at:%d %B %Y}"
    return "Draft (not yet submitted): figures from live data"


def document(sections: list[SectionRows], view: StatementView, authority: Any) -> dict[str, Any]:
    """Everything the files hold, as plain values: the JSON export is this dictionary."""
    period = view.period
    return {
        "council": {"name": authority.name, "ons_code": authority.ons_code},
        "year": {"label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()},
        "rating_scale": [label for _, label in Rating.choices],
        "self_assessment": [
            {
                "section": s.section.number,
                "title": s.section.title,
                "benchmarks": [
                    {
                        "code": r.code,
                        "statement": r.statement,
                        "rating": r.rating,
                        "rating_label": r.rating_label,
                        "evidence": r.evidence,
                        "figures": [f.as_dict() for f in r.figures],
                    }
                    for r in s.rows
                ],
            }
            for s in sections
        ],
        "assurance_statement": {
            "status": "submitted" if view.submitted else "draft",
            "status_label": _status(view),
            "areas": [
                {
                    "code": a.area.code,
                    "title": a.area.title,
                    "question": a.area.question,
                    "rating": a.rating,
                    "rating_label": a.rating_label,
                    "comment": a.comment,
                    "figures": [f.as_dict() for f in a.figures],
                }
                for a in view.areas
            ],
        },
        "figures": [f.as_dict() for f in view.figures.values()],
    }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(text: str) -> str:
    """Free text for a spreadsheet cell: one that would start a formula (CSV injection, openpyxl's "=") is
    shown as text, behind an apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _benchmark_rows(doc: dict[str, Any]) -> list[list[Any]]:
    rows = [["Section", "Benchmark", "Statement", "Rating", "Evidence", "Figures"]]
    for section in doc["self_assessment"]:
        for b in section["benchmarks"]:
            figures = _figures(
                [FigureSet(f["key"], f["title"], [(r["label"], r["count"]) for r in f["rows"]]) for f in b["figures"]]
            )
            rows.append(
                [
                    f"{section['section']} {section['title']}",
                    b["code"],
                    b["statement"],
                    b["rating_label"],
                    cell_text(b["evidence"]),
                    figures,
                ]
            )
    return rows


def _area_rows(doc: dict[str, Any]) -> list[list[Any]]:
    rows = [["Key area of control", "Question", "Rating", "Comment", "Figures"]]
    for a in doc["assurance_statement"]["areas"]:
        figures = _figures(
            [FigureSet(f["key"], f["title"], [(r["label"], r["count"]) for r in f["rows"]]) for f in a["figures"]]
        )
        rows.append([a["title"], a["question"], a["rating_label"], cell_text(a["comment"]), figures])
    return rows


def _figure_rows(doc: dict[str, Any]) -> list[list[Any]]:
    return [["Figures", "Measure", "Count"]] + [
        [f["title"], row["label"], row["count"]] for f in doc["figures"] for row in f["rows"]
    ]


def _about(doc: dict[str, Any]) -> list[list[str]]:
    return [
        ["Council", f"{doc['council']['name']} ({doc['council']['ons_code']})"],
        ["Year", f"{doc['year']['label']}: {doc['year']['start']} to {doc['year']['end']}"],
        ["Channel assurance statement", doc["assurance_statement"]["status_label"]],
        ["Rating scale", ", ".join(doc["rating_scale"])],
        [
            "Source",
            "The Prevent lead's ratings and evidence; figures counted from the service's records, no case named.",
        ],
    ]


def as_csv(doc: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(_about(doc))
    for title, rows in (
        ("Prevent duty toolkit self-assessment", _benchmark_rows(doc)),
        ("Channel panel annual assurance statement", _area_rows(doc)),
        ("Figures", _figure_rows(doc)),
    ):
        writer.writerow([])
        writer.writerow([title])
        writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(doc: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheets = [("About", _about(doc)), ("Self-assessment", _benchmark_rows(doc))]
    sheets += [("Assurance statement", _area_rows(doc)), ("Figures", _figure_rows(doc))]
    for index, (title, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        for row in rows:
            sheet.append(row)
        sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rating_chart(ratings: list[str]) -> dict[str, Any]:
    """Bars of how many benchmarks (or areas) have each rating, for a server-rendered SVG."""
    counts = Counter(ratings)
    longest = max(counts.values() or [1])
    bars = [
        {
            "label": label,
            "count": counts.get(code, 0),
            "width": round(CHART_WIDTH * counts.get(code, 0) / longest),
            "y": i * 24,
        }
        for i, (code, label) in enumerate(Rating.choices)
    ]
    return {"bars": bars, "height": len(bars) * 24}


def html_context(doc: dict[str, Any]) -> dict[str, Any]:
    benchmarks = [b["rating"] for s in doc["self_assessment"] for b in s["benchmarks"]]
    areas = [a["rating"] for a in doc["assurance_statement"]["areas"]]
    return {
        "doc": doc,
        "about": _about(doc),
        "benchmark_chart": rating_chart(benchmarks),
        "area_chart": rating_chart(areas),
        "chart_width": CHART_WIDTH,
    }


def as_html(doc: dict[str, Any]) -> bytes:
    return render_to_string("benchmarking/assurance_document.html", html_context(doc)).encode()


def as_json(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, indent=2).encode()


RENDERERS = {"csv": as_csv, "xlsx": as_xlsx, "json": as_json, "html": as_html}


def filename(authority: Any, year: int, fmt: str) -> str:
    return f"prevent-assurance-{authority.ons_code}-{year}-{year + 1}.{fmt}"


def assurance_export(*, actor: Any, authority: Any, year: int, fmt: str, via: str) -> tuple[str, bytes]:
    """The year's self-assessment and statement of `authority` as `fmt` (file name, bytes), audited as one export.

    `actor` is the council's lead or auditor (the page) or None (the command, run by an operator: the service).
    """
    if actor is not None:
        assurance_check(actor, write=False, target_type="benchmarking.assurancestatement", year=year)
        if actor.local_authority_id != authority.pk:
            raise AssuranceRefused("Only the council's own Prevent lead or auditor may export its assurance.")
    if fmt not in FORMATS:
        raise AssuranceInvalid({"format": f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)}."})
    view = assurance_statement_view(authority=authority, year=year)
    _, sections = self_assessment_sections(authority=authority, year=year, figures=view.figures)
    content = RENDERERS[fmt](document(sections, view, authority))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.ASSURANCE_EXPORTED,
            local_authority_id=authority.pk,
            details={"year": year, "format": fmt, "via": via},
        )
    return filename(authority, year, fmt), content


__all__ = ["CONTENT_TYPES", "FORMATS", "assurance_export", "document"]
