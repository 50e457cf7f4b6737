"""The national figures beside a council's: the Home Office's published totals for England and Wales.

Reference data (DOMAIN.md "Official statistics"), kept here as data because the release's labels and
breakdowns change over the years. A figure is shown only for a whole financial year the release covers; for
any other period, or a row the data below does not hold, the column says so.
"""

from __future__ import annotations

from typing import Any

SOURCE = (
    "Home Office, Individuals referred to and supported through the Prevent Programme, England and Wales, "
    "April {start} to March {end} (national figures, not subject to this report's disclosure control)"
)
NOT_PUBLISHED = "Not published"
NOT_HELD = "Not available"
# Financial year (its first calendar year) -> published counts; "share" rows are rounded percentages of referrals.
RELEASES: dict[int, dict[str, Any]] = {
    2022: {"referrals": 6817, "share": {"education": 40, "police": 28}},
    2023: {"referrals": 6922, "discussed_at_panel": 893, "adopted": 512, "share": {"education": 40, "police": 28}},
    2024: {"referrals": 8778, "share": {"education": 40, "police": 28}},
}
TABLES = ("sector", "outcome")


def _count(value: int, referrals: int) -> str:
    return f"{value:,} ({value / referrals:.1%} of referrals)"


def national_figures(stats: Any) -> None:
    """Fill `national` of the tables the release has figures for (sector shares, panel and adoption counts)."""
    period = stats.period
    year = period.start.year
    whole_year = period.start.month == 4 and (period.end.year, period.end.month, period.end.day) == (year + 1, 3, 31)  # noqa: PLR2004
    release = RELEASES.get(year) if whole_year else None
    for table in stats.tables:
        if table.key not in TABLES:
            continue
        if release is None:
            table.national = {code: NOT_PUBLISHED for code, _, _ in table.rows} | {"total": NOT_PUBLISHED}
            table.national_source = "No national release for this period (national figures cover whole years)."
            continue
        referrals = release["referrals"]
        figures = {"total": f"{referrals:,}"}
        if table.key == "sector":
            figures |= {code: f"About {share}% of referrals" for code, share in release["share"].items()}
        else:
            figures |= {
                code: _count(release[code], referrals) for code in ("discussed_at_panel", "adopted") if code in release
            }
        table.national = {code: figures.get(code, NOT_HELD) for code, _, _ in table.rows} | {"total": figures["total"]}
        table.national_source = SOURCE.format(start=year, end=year + 1)
