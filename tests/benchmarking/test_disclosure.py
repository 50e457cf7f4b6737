"""Disclosure control: primary and secondary suppression; no withheld count can be worked out from the totals."""

from __future__ import annotations

from fractions import Fraction
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarking import disclosure
from benchmarking.statistics import Period, compute
from tests.benchmarking.conftest import YEAR


def rank(rows: list[list[Fraction]]) -> int:
    """The rank of a matrix of fractions (Gaussian elimination, exact)."""
    rows = [list(row) for row in rows]
    found = 0
    for column in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(found, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for i in range(len(rows)):
            if i != found and rows[i][column] != 0:
                factor = rows[i][column] / rows[found][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[found], strict=True)]
        found += 1
    return found


def linearly_recoverable(hidden: set[str], lines: list[tuple[list[str], str]]) -> set[str]:
    """The withheld keys whose value follows from the published values by adding and subtracting the lines."""
    unknowns = sorted(hidden)
    matrix = []
    for cells, total in lines:
        row = [Fraction(0)] * len(unknowns)
        for key in cells:
            if key in hidden:
                row[unknowns.index(key)] += 1
        if total in hidden:
            row[unknowns.index(total)] -= 1
        matrix.append(row)
    base = rank(matrix)
    found = set()
    for index, key in enumerate(unknowns):
        unit = [Fraction(int(i == index)) for i in range(len(unknowns))]
        if rank([*matrix, unit]) == base:
            found.add(key)
    return found


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=4), st.integers(1, 5))
def test_no_withheld_cell_of_a_table_can_be_worked_out_from_its_total(counts, limit):
    values = {f"c{i}": count for i, count in enumerate(counts)}
    values["total"] = sum(counts)
    cells = [f"c{i}" for i in range(len(counts))]
    hidden = disclosure.suppress_lines(values, [(cells, "total")], limit)
    assert {k for k, v in values.items() if 1 <= v <= limit} <= hidden
    for key in hidden:
        assert len(_possible(values, hidden, cells, key)) > 1, (values, hidden, key)


def _possible(values, hidden, cells, key):
    # The published entries are fixed; the withheld ones range over 0.. the total (or the sum if it is withheld).
    members = [*cells, "total"]
    unknown = [k for k in members if k in hidden]
    limit = max(values.values())
    possible = set()
    for guess in product(range(limit + 1), repeat=len(unknown)):
        trial = {k: values[k] for k in members if k not in hidden} | dict(zip(unknown, guess, strict=True))
        if sum(trial[c] for c in cells) == trial["total"]:
            possible.add(trial[key])
    return possible


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=12, max_size=12), st.integers(1, 5))
def test_no_withheld_month_or_quarter_can_be_worked_out_from_the_quarters_and_the_year(months, limit):
    values = {f"m{i}": count for i, count in enumerate(months)}
    values |= {f"q{q}": sum(months[q * 3 : q * 3 + 3]) for q in range(4)}
    values["year"] = sum(months)
    values["year2"] = sum(months)  # the quarter table's own total
    lines = [([f"m{i}" for i in range(12)], "year"), ([f"q{q}" for q in range(4)], "year2"), (["year"], "year2")]
    lines += [([f"m{q * 3 + i}" for i in range(3)], f"q{q}") for q in range(4)]
    hidden = disclosure.suppress_lines(values, lines, limit)
    assert {k for k, v in values.items() if 1 <= v <= limit} <= hidden
    assert linearly_recoverable(hidden, lines) == set()


@pytest.mark.django_db
def test_the_years_tables_withhold_small_counts_and_the_cells_that_would_give_them_away(year_of_cases):
    stats = disclosure.apply(compute(year_of_cases, Period.financial_year(YEAR)), limit=1)
    hidden = {table.key: table.suppressed for table in stats.tables}
    # Ones: June, July 2024 and February 2025; March 2025 (2) goes with February, the only one of its quarter.
    assert hidden["month"] == {"2024-06", "2024-07", "2025-02", "2025-03"}
    # The second quarter (1) alone in the year: the first (3, first of the smallest) goes with it.
    assert hidden["quarter"] == {"q1", "q2"}
    assert hidden["sector"] == {"community", "education"}
    # Gender: male 2 (tombstones), female 4 (three live cases' records and a tombstone), unknown 1: withheld,
    # with the smallest other (male).
    assert hidden["gender"] == {"male", "unknown"}
    # Age: 10 or under, 18 to 20 and not known (ones) withheld; 21 to 30 (4) with two or more unknowns beside it.
    assert hidden["age"] == {"10_or_under", "18_20", ""}
    # The outcomes do not add up to a total: ones are withheld, nothing else.
    assert hidden["outcome"] == {"no_further_action", "signposted", "police_led", "consent_refused", "exited"}
    assert all("total" not in cells for cells in hidden.values())


@pytest.mark.django_db
def test_timings_resting_on_few_cases_are_withheld(year_of_cases, settings):
    settings.BENCHMARKING_SUPPRESSION_THRESHOLD = 5
    stats = disclosure.apply(compute(year_of_cases, Period.financial_year(YEAR)))
    timings = {t.stage: t for t in stats.timings}
    assert timings["days_to_channel"].withheld
    assert timings["days_to_channel"].median is None
    assert not timings["days_to_screening"].withheld
    assert timings["days_to_screening"].median == 2
    assert "from 1 to 5" in disclosure.rule()
    referral_tables = [table for table in stats.tables if table.unit == "Referrals"]
    assert all(table.total == 7 and "total" not in table.suppressed for table in referral_tables)
