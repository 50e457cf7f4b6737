"""The audit actions of the benchmarking app (Home Office statistics, the toolkit self-assessment and the Channel
assurance statement). Part of the one table (audit/actions.py, ACTIONS), in a module of its own for length: the
format, the period, the year, codes and counts, never a figure, an evidence text or a comment."""

from __future__ import annotations

from .action_spec import ActionSpec, Kind

BENCHMARKING_ACTIONS: dict[str, ActionSpec] = {
    "BENCHMARKING_EXPORTED": ActionSpec(
        "Statistics exported",
        "{actor} exported the council's Prevent statistics from {date_from} to {date_to} as {format} ({via})",
        {"format": Kind.NAME, "date_from": Kind.DATE, "date_to": Kind.DATE, "via": Kind.NAME},
    ),
    "SELF_ASSESSMENT_RATED": ActionSpec(
        "Self-assessment rated",
        "{actor} rated section {section} of the council's Prevent duty toolkit self-assessment for {year} "
        "({changed} benchmarks changed)",
        {"year": Kind.INT, "section": Kind.INT, "changed": Kind.INT, "rated": Kind.INT},
    ),
    "ASSURANCE_AREA_RATED": ActionSpec(
        "Assurance statement area rated",
        "{actor} rated the area {area} of the council's Channel assurance statement for {year} as {rating}",
        {"year": Kind.INT, "area": Kind.NAME, "rating": Kind.NAME},
    ),
    "ASSURANCE_STATEMENT_SUBMITTED": ActionSpec(
        "Assurance statement submitted",
        "{actor} submitted the council's Channel assurance statement for {year} ({rated} areas rated)",
        {"year": Kind.INT, "rated": Kind.INT},
    ),
    "ASSURANCE_READ": ActionSpec(
        "Assurance read",
        "{actor} read the council's {document} for {year}",
        {"document": Kind.NAME, "year": Kind.INT},
    ),
    "ASSURANCE_EXPORTED": ActionSpec(
        "Assurance exported",
        "{actor} exported the council's self-assessment and assurance statement for {year} as {format} ({via})",
        {"year": Kind.INT, "format": Kind.NAME, "via": Kind.NAME},
    ),
}
