"""Disclosure control: small counts are withheld, and enough other cells with them that none can be worked out.

Primary suppression: a count from 1 to BENCHMARKING_SUPPRESSION_THRESHOLD (default 5) is withheld (0 is shown:
it discloses no one). Secondary suppression: every published sum (a table's total over its rows; a quarter
over its three months) is a line `cells = total`; a line with exactly one withheld entry would give it away, so
the smallest other entry of that line (a row, or the total) is withheld too, until no line has exactly one.
A withheld entry is then one of at least two unknowns of every line it is in.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from .statistics import Statistics, Table

MARK = "[c]"  # the Home Office's mark for a figure withheld for confidentiality
TOTAL = "total"


def threshold() -> int:
    return int(settings.BENCHMARKING_SUPPRESSION_THRESHOLD)


def rule(limit: int | None = None) -> str:
    limit = threshold() if limit is None else limit
    return (
        f"Disclosure control: counts from 1 to {limit} are withheld and shown as {MARK}; other counts, which may be "
        "larger or zero, are also withheld where a withheld count could otherwise be worked out from a total. "
        f"Median and 90th percentile times are withheld when they rest on {limit} cases or fewer."
    )


def suppress_lines(values: dict[str, int], lines: Iterable[tuple[list[str], str]], limit: int) -> set[str]:
    """The keys of `values` to withhold. `lines`: (cell keys, total key), each saying sum(cells) == total."""
    lines = [(list(cells), total) for cells, total in lines]
    hidden = {key for key, value in values.items() if 1 <= value <= limit}
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            members = [*cells, total]
            withheld = [key for key in members if key in hidden]
            if len(withheld) != 1:
                continue
            others = [key for key in members if key not in hidden]
            # The smallest other entry, non-zero first (withholding a zero protects less), cells before the total.
            others.sort(key=lambda key: (values[key] == 0, values[key], key == total))
            hidden.add(others[0])
            changed = True
    return hidden


def apply(stats: Statistics, limit: int | None = None) -> Statistics:
    """Mark the withheld cells of every table of `stats` (in place) and return it."""
    limit = threshold() if limit is None else limit
    values: dict[str, int] = {}
    lines: list[tuple[list[str], str]] = []
    for table in stats.tables:
        for code, _, count in table.rows:
            values[f"{table.key}:{code}"] = count
        values[f"{table.key}:{TOTAL}"] = table.total
        if table.additive:
            lines.append(([f"{table.key}:{code}" for code, _, _ in table.rows], f"{table.key}:{TOTAL}"))
    # The months of each quarter add up to it; all tables share the number of referrals as their total.
    months = [code for code, _, _ in stats.table("month").rows]
    for index, (quarter, _, _) in enumerate(stats.table("quarter").rows):
        lines.append(([f"month:{code}" for code in months[index * 3 : index * 3 + 3]], f"quarter:{quarter}"))
    # (Tables of requests, interventions or panel members have totals of their own.)
    totals = [f"{table.key}:{TOTAL}" for table in stats.tables if table.unit == "Referrals"]
    lines += [([first], second) for first, second in zip(totals, totals[1:], strict=False)]
    hidden = suppress_lines(values, lines, limit)
    for table in stats.tables:
        table.suppressed = {key.split(":", 1)[1] for key in hidden if key.split(":", 1)[0] == table.key}
    for timing in stats.timings:
        if 1 <= timing.cases <= limit:
            timing.median = timing.p90 = None
            timing.withheld = True
    return stats


def shown(table: Table, code: str, count: int) -> str:
    return MARK if code in table.suppressed else f"{count:,}"
