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
# Financial year (its first calendar year) -> the release's published counts, by table and row (the counts the
# release gives in its key results; a row it gives no count for says "Not available"). Checked against the
# releases of 26 November 2020 (2019 to 2020), 18 November 2021 (2020 to 2021), 26 January 2023 (2021 to 2022),
# 14 December 2023 (2022 to 2023), 5 December 2024 (2023 to 2024) and November 2025 (2024 to 2025).
RELEASES: dict[int, dict[str, Any]] = {
    2019: {
        "referrals": 6287,
        "sector": {"police": 1950, "education": 1928},
        "gender": {"male": 5514},
        "outcome": {"discussed_at_panel": 1424, "adopted": 697},
    },
    2020: {
        "referrals": 4915,
        "sector": {"police": 1770, "education": 1221},
        "gender": {"male": 4316},
        # No age figure: the release's 1,398 aged 15 to 20 is a band of the earlier banding, no current row's.
        "outcome": {"discussed_at_panel": 1333, "adopted": 688},
    },
    2021: {
        "referrals": 6406,
        "sector": {"education": 2305, "police": 1808},
        "gender": {"male": 5725},
    },
    2022: {
        "referrals": 6817,
        "sector": {"education": 2684, "police": 1943},
        "gender": {"male": 6125},
    },
    2023: {
        "referrals": 6922,
        "sector": {"education": 2788, "police": 1921},
        "outcome": {"discussed_at_panel": 893, "adopted": 512},
    },
    2024: {
        "referrals": 8778,
        "sector": {"education": 3129, "police": 2631, "local_authority": 895},
        "concern": {"extreme_right_wing": 1798, "islamist": 870},
    },
}
TABLES = ("sector", "age", "gender", "concern", "outcome")


def _count(value: int, referrals: int) -> str:
    return f"{value:,} ({value / referrals:.1%} of referrals)"


def national_figures(stats: Any) -> None:
    """Fill `national` of the tables the release has figures for (sector, age, gender, concern, panel, adoption)."""
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
        figures = {code: _count(value, referrals) for code, value in release.get(table.key, {}).items()}
        table.national = {code: figures.get(code, NOT_HELD) for code, _, _ in table.rows} | {"total": f"{referrals:,}"}
        table.national_source = SOURCE.format(start=year, end=year + 1)
