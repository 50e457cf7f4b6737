"""seed_demo_benchmarking: the demo council's assurance in each state, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from benchmarking.forms import current_financial_year
from benchmarking.models import AssuranceStatement, BenchmarkRating, SelfAssessment

pytestmark = pytest.mark.django_db


def test_the_demo_has_each_state_once(settings):
    settings.DEMO_PASSWORD = "a-demo-password-for-tests"
    call_command("seed_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo_benchmarking", stdout=out)
    year = current_financial_year()
    assert "submitted" in out.getvalue()
    assert SelfAssessment.objects.get().year == year
    assert BenchmarkRating.objects.exclude(rating="not_assessed").count() == 7
    statements = {s.year: s for s in AssuranceStatement.objects.all()}
    assert statements[year - 1].is_submitted
    assert not statements[year].is_submitted
    assert statements[year].ratings.count() == 4
    again = io.StringIO()
    call_command("seed_demo_benchmarking", stdout=again)
    assert "already exists" in again.getvalue()
    assert AssuranceStatement.objects.count() == 2


def test_without_the_demo_users_it_says_so():
    with pytest.raises(CommandError, match="Run seed_demo first"):
        call_command("seed_demo_benchmarking", stdout=io.StringIO())
