"""mash's data migration opens the assessment of cases submitted before mash existed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mash.calendar import working_days_after
from tests.referrals.factories import submitted_referral

pytestmark = pytest.mark.django_db(transaction=True)


def test_earlier_cases_get_their_assessment(referrer, local_authority):
    from django.utils import timezone

    referral = submitted_referral(user=referrer)
    executor = MigrationExecutor(connection)
    executor.migrate([("mash", "0001_initial")])
    executor.loader.build_graph()
    Assessment = executor.loader.project_state([("mash", "0001_initial")]).apps.get_model("mash", "Assessment")
    Assessment.objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate([("mash", "0002_open_assessments_of_earlier_cases")])
    # Back to the newest migrations, so the tests after this one find every table.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from mash.models import Assessment as Current

    assessment = Current.objects.get(referral_id=referral.pk)
    # Back to the newest schema, so later tests on this database find mash's later tables.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    submitted_on = timezone.localtime(referral.submitted_at).date()
    assert assessment.screening_due_on == working_days_after(submitted_on, 5, local_authority.nation)
    assert assessment.assigned_to is None


def test_the_screening_reasons_come_back_after_a_round_trip():
    from mash.models import ScreeningReason

    executor = MigrationExecutor(connection)
    executor.migrate([("mash", "0002_open_assessments_of_earlier_cases")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert ScreeningReason.objects.filter(active=True).count() == 8
