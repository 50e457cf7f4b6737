"""The demo year of statistics: every referral table, outcome, timing and activity table has figures."""

from __future__ import annotations

import pytest

from accounts.models import LocalAuthority
from accounts.services.users import DEMO_AUTHORITIES
from benchmarking.statistics import AGE_LABELS, Period, compute
from benchmarking.statistics_demo import YEAR, statistics_demo_seed

pytestmark = pytest.mark.django_db


def test_the_demo_year_shows_every_figure():
    spec = DEMO_AUTHORITIES[0]
    authority = LocalAuthority.objects.create(name=spec.name, ons_code=spec.ons_code, nation=spec.nation)
    assert statistics_demo_seed() == 120
    assert statistics_demo_seed() == 0  # once
    stats = compute(authority, Period.financial_year(YEAR))
    counts = {table.key: {code: n for code, _, n in table.rows} for table in stats.tables}
    assert all(counts["outcome"].values())
    # Every current age band has cases, and the demo writes no code of the earlier bands.
    assert all(counts["age"][code] for code in AGE_LABELS)
    assert set(counts["age"]) == set(AGE_LABELS)
    assert all(counts["requests"][code] for code in ("on_time", "late", "overdue"))
    assert all(counts["interventions"][code] for code in ("on_time", "late", "never"))
    assert all(timing.cases for timing in stats.timings)
    assert stats.table("sector").national["total"] == "8,778"
