"""core.db: prepared inserts and the statement pipeline on PostgreSQL, and the ORM's path elsewhere."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.db import insert_along, pipelined
from core.models import OutboxMessage
from encryption.models import DataKey
from encryption.services import case_key_create, case_key_new
from tests.testapp.models import Case, CaseNote


def _prepared_inserts() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%%INSERT INTO%%'")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgresql
def test_a_save_inserts_through_a_prepared_statement_and_reads_back_exactly(db):
    case = Case(
        data_key=case_key_create(),
        reference="PRV-2026-000042",
        name="Zephyrine-Canary",
        narrative="Canary narrative text 7f3a9c about the concern",
        date_of_birth=datetime.date(2009, 2, 17),
        details={"indicators": ["online_activity"], "count": 2},
        person_index="ab" * 32,
    )
    case.save()
    assert any(s.startswith('INSERT INTO "testapp_case"') and "$1" in s for s in _prepared_inserts())
    loaded = Case.objects.get(pk=case.pk)
    assert (loaded.reference, loaded.name, loaded.narrative) == (
        "PRV-2026-000042",
        "Zephyrine-Canary",
        "Canary narrative text 7f3a9c about the concern",
    )
    assert loaded.date_of_birth == datetime.date(2009, 2, 17)
    assert loaded.details == {"indicators": ["online_activity"], "count": 2}
    assert loaded.created_at is not None
    assert loaded.created_at == case.created_at
    # Encrypted as always: the plaintext is nowhere in the row.
    with connection.cursor() as cursor:
        cursor.execute("SELECT name::text, narrative::text FROM testapp_case WHERE id = %s", [case.pk])
        raw = " ".join(cursor.fetchone())
    assert "Zephyrine" not in raw
    assert "Canary narrative" not in raw


@pytest.mark.postgresql
def test_a_child_row_and_null_values_insert_the_same_way(db):
    case = Case.objects.create(data_key=case_key_create())
    note = CaseNote.objects.create(case=case, text="A note")
    assert CaseNote.objects.get(pk=note.pk).text == "A note"
    assert Case.objects.get(pk=case.pk).date_of_birth is None


@pytest.mark.postgresql
def test_a_duplicate_key_is_djangos_integrity_error_and_the_transaction_rolls_back(db):
    case = Case.objects.create(data_key=case_key_create())
    with pytest.raises(IntegrityError), transaction.atomic():
        Case(pk=case.pk, data_key=case_key_create()).save(force_insert=True)
    assert Case.objects.count() == 1


@pytest.mark.postgresql
def test_in_a_pipeline_an_error_surfaces_as_djangos_and_nothing_is_written(db):
    case = Case.objects.create(data_key=case_key_create())
    before = Case.objects.count()

    def two_inserts_then_a_read() -> None:
        with transaction.atomic(), pipelined():
            Case.objects.create(data_key=case_key_create(), reference="first of two")
            Case(pk=case.pk, data_key=case_key_create()).save(force_insert=True)  # fails at the next read
            Case.objects.filter(reference="first of two").count()

    with pytest.raises(IntegrityError):
        two_inserts_then_a_read()
    assert Case.objects.count() == before
    assert not Case.objects.filter(reference="first of two").exists()


@pytest.mark.postgresql
def test_when_django_logs_queries_the_orm_path_is_taken_so_they_stay_visible(db):
    with CaptureQueriesContext(connection) as captured:
        Case.objects.create(data_key=case_key_create(), reference="logged")
    inserts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 2  # the data key and the case
    assert any('"testapp_case"' in sql and "'logged'" in sql for sql in inserts)


@pytest.mark.postgresql
def test_an_orm_update_inside_a_pipeline_counts_its_rows_as_outside_one(db):
    case = Case.objects.create(data_key=case_key_create(), reference="before")
    with transaction.atomic(), pipelined():
        assert Case.objects.filter(pk=case.pk).update(reference="after") == 1
        assert Case.objects.filter(reference="nobody").update(reference="x") == 0
        case.reference = "saved"
        case.save()  # an UPDATE of an existing row: Django needs its row count to not INSERT again
        assert Case.objects.filter(reference="nobody").delete()[0] == 0
    assert Case.objects.get(pk=case.pk).reference == "saved"
    assert Case.objects.count() == 1


def _case_with_companions() -> tuple[Case, DataKey, OutboxMessage]:
    data_key = case_key_new()
    case = Case(data_key=data_key, name="Zephyrine-Canary")
    message = OutboxMessage(topic="test.record", object_id=case.pk, next_attempt_at=timezone.now())
    insert_along(case, data_key, message)
    return case, data_key, message


def test_rows_given_to_insert_along_are_written_with_the_row_whatever_the_database(db):
    case, data_key, message = _case_with_companions()
    case.save()
    assert DataKey.objects.filter(pk=data_key.pk, wrapped_key__isnull=False).exists()
    assert OutboxMessage.objects.filter(pk=message.pk, object_id=case.pk).exists()
    assert Case.objects.get(pk=case.pk).name == "Zephyrine-Canary"
    assert not data_key._state.adding
    assert not message._state.adding
    # Given once: a later save of the row does not write them again.
    case.name = "Changed"
    case.save()
    assert DataKey.objects.filter(pk=data_key.pk).count() == 1


@pytest.mark.postgresql
def test_on_postgresql_the_row_and_its_companions_are_one_prepared_statement(db):
    case, _, _ = _case_with_companions()
    case.save()
    combined = [s for s in _prepared_inserts() if s.startswith('WITH r0 AS (INSERT INTO "encryption_datakey"')]
    assert len(combined) == 1
    assert 'r1 AS (INSERT INTO "core_outboxmessage"' in combined[0]
    assert combined[0].endswith("$" + str(combined[0].count("$")) + ")")  # every value a parameter
    assert ') INSERT INTO "testapp_case"' in combined[0]


@pytest.mark.postgresql
def test_a_failing_companion_writes_nothing_of_the_three(db):
    taken = OutboxMessage.objects.create(topic="test.record", object_id=uuid.uuid4(), next_attempt_at=timezone.now())
    case, data_key, message = _case_with_companions()
    message.pk = taken.pk  # its key is taken: the one statement fails as a whole

    def save() -> None:
        with transaction.atomic():
            case.save()

    with pytest.raises(IntegrityError):
        save()
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not DataKey.objects.filter(pk=data_key.pk).exists()
