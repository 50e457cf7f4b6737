"""What a submission writes, with the ORM's public API: the referral, its data key and its outbox message
commit together or not at all, in a handful of statements."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from core.models import OutboxMessage
from encryption.models import DataKey
from referrals import services
from referrals.models import ReferenceCounter, Referral
from referrals.services import intake
from referrals.services.notifications import MASH_NOTIFY

from .factories import adult_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def mash_inbox(local_authority):
    local_authority.mash_email = "mash@testshire.example"
    local_authority.save(update_fields=["mash_email"])
    return local_authority


def _rows() -> tuple[int, int, int, int, int]:
    return (
        Referral.objects.count(),
        DataKey.objects.count(),
        OutboxMessage.objects.count(),
        AuditEvent.objects.count(),
        sum(ReferenceCounter.objects.values_list("last", flat=True)),
    )


def test_a_submission_writes_the_referral_its_data_key_and_its_outbox_message(referrer, mash_inbox):
    referral, created = services.referral_create_submitted(actor=referrer, answers=adult_answers())
    assert created
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.given_name, stored.reference) == (adult_answers()["given_name"], referral.reference)
    assert DataKey.objects.filter(pk=stored.data_key_id, wrapped_key__isnull=False).exists()
    assert OutboxMessage.objects.filter(topic=MASH_NOTIFY, object_id=str(referral.pk)).exists()


def test_a_failure_late_in_the_submission_rolls_back_every_row_it_wrote(referrer, mash_inbox, monkeypatch):
    before = _rows()

    def audit_fails(**kwargs):
        raise RuntimeError("the audit write failed")

    # The last step of the transaction fails: the data key, reference, outbox row and referral go too.
    monkeypatch.setattr(intake.audit, "record", audit_fails)
    with pytest.raises(RuntimeError):
        services.referral_create_submitted(actor=referrer, answers=adult_answers())
    assert _rows() == before


def test_a_failed_draft_creation_leaves_no_orphan_data_key(referrer, monkeypatch):
    before = _rows()
    monkeypatch.setattr(intake.audit, "record", lambda **kwargs: (_ for _ in ()).throw(RuntimeError("audit")))
    with pytest.raises(RuntimeError):
        services.referral_draft_create(actor=referrer)
    assert _rows() == before


def test_a_submission_is_one_insert_per_row_and_no_more(referrer, mash_inbox):
    services.referral_create_submitted(actor=referrer, answers=adult_answers())  # warm caches
    with CaptureQueriesContext(connection) as captured:
        services.referral_create_submitted(actor=referrer, answers=adult_answers())
    statements = [query["sql"] for query in captured.captured_queries]
    inserts = sorted(table for sql in statements for table in re.findall(r'INSERT INTO "?(\w+)', sql))
    assert inserts == [
        "audit_auditevent",
        "closure_statisticalrecord",
        "core_outboxmessage",
        "encryption_datakey",
        "mash_assessment",
        "referrals_referencecounter",
        "referrals_referral",
    ]
    assert not [sql for sql in statements if sql.startswith("UPDATE") and "referrals_referral" in sql]
    # A savepoint and its release, the data key, the reference (with the repeat count on PostgreSQL),
    # the outbox row, the referral, the MASH assessment (mash's receiver of referral_submitted), the unlinked
    # statistical record (closure's receiver), and the audit event (taking the head; inserting and moving it).
    assert len(statements) == (10 if connection.vendor == "postgresql" else 12)


@pytest.mark.postgresql  # SQLite binds a database default as a parameter (no DEFAULT in INSERT ... VALUES)
def test_the_referral_insert_binds_few_enough_parameters_for_psycopg_to_cache_its_parsing(referrer, mash_inbox):
    """psycopg parses a statement's placeholders again on every run once it binds more than 50 parameters
    (psycopg._queries.MAX_CACHED_STATEMENT_PARAMS): a new answer column on Referral needs another column
    filled by the database (db_default), as closing_reason is, or each submission pays that parse again."""
    inserts: list[int] = []

    def spy(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "referrals_referral"'):
            inserts.append(len(params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        services.referral_create_submitted(actor=referrer, answers=adult_answers())
    assert len(inserts) == 1
    from psycopg import _queries  # noqa: PLC0415 - psycopg's own limit, read here only to notice a change

    assert _queries.MAX_CACHED_STATEMENT_PARAMS == 50  # noqa: PLR2004
    assert inserts[0] <= _queries.MAX_CACHED_STATEMENT_PARAMS
