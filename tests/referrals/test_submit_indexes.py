"""The tables a submission writes keep only indexes something reads: no LIKE (pattern) indexes."""

from __future__ import annotations

import pytest
from django.db import connection

SUBMIT_TABLES = ["referrals_referral", "encryption_datakey", "core_outboxmessage", "audit_auditevent"]


@pytest.mark.postgresql
@pytest.mark.django_db
def test_no_pattern_index_is_kept_up_on_submission():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
            [SUBMIT_TABLES, "%pattern_ops%"],
        )
        assert cursor.fetchall() == []


@pytest.mark.postgresql
@pytest.mark.django_db
def test_what_must_stay_unique_still_is():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexdef LIKE %s",
            [SUBMIT_TABLES, "CREATE UNIQUE INDEX%"],
        )
        unique = {(table, definition.split("(", 1)[1].split(")", 1)[0]) for table, definition in cursor.fetchall()}
    assert ("referrals_referral", "reference") in unique
    assert ("audit_auditevent", "previous_mac") in unique  # the chain cannot fork
    assert ("referrals_referral", "data_key_id") in unique
