"""The audit actions of the benchmarking app (Home Office statistics). Part of the one table (audit/actions.py,
ACTIONS), in a module of its own for length: the format, the period and how it was produced, never a figure."""

from __future__ import annotations

from .action_spec import ActionSpec, Kind

BENCHMARKING_ACTIONS: dict[str, ActionSpec] = {
    "BENCHMARKING_EXPORTED": ActionSpec(
        "Statistics exported",
        "{actor} exported the council's Prevent statistics from {date_from} to {date_to} as {format} ({via})",
        {"format": Kind.NAME, "date_from": Kind.DATE, "date_to": Kind.DATE, "via": Kind.NAME},
    ),
}
