"""Repeat referrals: one blind index, the whole person, computed at submission."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from encryption.blind_index import BlindIndexField, person_index
from referrals.models import Referral

from .factories import submitted_referral

pytestmark = pytest.mark.django_db


def test_the_referral_has_no_blind_index_of_one_name_or_the_date_of_birth():
    removed = {"given_name_index", "family_name_index", "date_of_birth_index"}
    indexes = [f.name for f in Referral._meta.get_fields() if isinstance(f, BlindIndexField)]
    assert indexes == ["person_index"]
    migrated = MigrationLoader(None, ignore_no_migrations=True).project_state().models["referrals", "referral"]
    assert not removed & set(migrated.fields)
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, Referral._meta.db_table)}
    assert "person_index" in columns
    assert not removed & columns


def test_submit_still_computes_the_person_index_used_for_detection(referrer):
    referral = submitted_referral(user=referrer, given_name="Seán", family_name="O'Brien")
    stored = Referral.objects.filter(pk=referral.pk).values_list("person_index", flat=True).get()
    expected = person_index(given_name="sean", family_name="OBRIEN", date_of_birth=referral.date_of_birth)
    assert stored == expected
    assert len(stored) == 64
