"""closure 0004: stored age bands move to the Home Office's current bands where the move is exact, and back."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("closure", "0003_statistical_records_journey_and_activity")
AFTER = ("closure", "0004_home_office_age_bands")
OLD_CODES = ("under_15", "15_20", "21_30", "31_40", "41_50", "51_60", "over_60", "")
NEW_CODES = ("10_or_under", "11_15", "16_17", "18_20", "21_30", "31_40", "41_and_over", "")


def migrate(target):
    """Migrate to `target` and return the models of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def newest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def write(apps, codes) -> None:
    """A tombstone and a statistical record of each code."""
    authority = apps.get_model("accounts", "LocalAuthority").objects.create(
        name="Testshire County Council", ons_code="E10000901", nation="england"
    )
    month = datetime.date(2024, 5, 1)
    for code in codes:
        apps.get_model("closure", "Tombstone").objects.create(
            referral_month=month, local_authority=authority, age_band=code
        )
        apps.get_model("closure", "StatisticalRecord").objects.create(
            id=uuid.uuid4(), referral_month=month, local_authority=authority, age_band=code
        )


def bands(apps) -> dict[str, list[str]]:
    return {
        name: sorted(apps.get_model("closure", name).objects.values_list("age_band", flat=True))
        for name in ("Tombstone", "StatisticalRecord")
    }


def test_the_old_bands_move_where_exact_and_the_two_that_cannot_be_split_stay():
    try:
        write(migrate(BEFORE), OLD_CODES)
        found = bands(migrate(AFTER))
    finally:
        newest()
    # 41 to 50, 51 to 60 and over 60 lie inside 41 and over; under 15 and 15 to 20 straddle the new bands.
    expected = sorted(["under_15", "15_20", "21_30", "31_40", "41_and_over", "41_and_over", "41_and_over", ""])
    assert found == {"Tombstone": expected, "StatisticalRecord": expected}


def test_going_back_moves_the_new_bands_that_lie_inside_an_old_one():
    try:
        apps = migrate(AFTER)
        write(apps, NEW_CODES)
        found = bands(migrate(BEFORE))
        # And forward again: nothing is lost, the earlier bands' codes stay as they are.
        again = bands(migrate(AFTER))
    finally:
        newest()
    # 10 or under lies inside under 15, 16 to 17 and 18 to 20 inside 15 to 20; 11 to 15 and 41 and over have no
    # old band that holds them whole (and the column stays wide enough for "41_and_over").
    expected = sorted(["under_15", "11_15", "15_20", "15_20", "21_30", "31_40", "41_and_over", ""])
    assert found == {"Tombstone": expected, "StatisticalRecord": expected}
    assert again == found
