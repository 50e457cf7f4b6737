"""Canary values saved through models and files are absent from every raw column, the file bytes and logs."""

from __future__ import annotations

import datetime
import io
import logging

import pytest
from django.db import connection

from encryption.blind_index import person_index
from encryption.exceptions import DecryptionError
from encryption.storage import encrypted_file_open, encrypted_file_path, encrypted_file_save
from tests.testapp.models import Case, CaseNote

from .conftest import raw_set

pytestmark = pytest.mark.django_db


def _needles(canaries: dict[str, str]) -> list[bytes]:
    values = list(canaries.values())
    return [v.encode() for v in values] + [v.casefold().encode() for v in values]


def _all_raw_values():
    """Every value of every column of every table, read with raw SQL."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                    yield table, column, raw


def test_canaries_are_absent_from_every_column_of_the_raw_database(make_case, canaries, caplog):
    caplog.set_level(logging.DEBUG)
    dob = datetime.date.fromisoformat(canaries["date_of_birth"])
    case = make_case(
        name=f"{canaries['first_name']} {canaries['last_name']}",
        narrative=canaries["narrative"],
        date_of_birth=dob,
        details={"first_name": canaries["first_name"], "note": canaries["narrative"]},
        person_index=person_index(
            given_name=canaries["first_name"], family_name=canaries["last_name"], date_of_birth=dob
        ),
    )
    CaseNote.objects.create(case=case, text=canaries["narrative"])
    assert Case.objects.get(pk=case.pk).narrative == canaries["narrative"]

    checked = 0
    for table, column, raw in _all_raw_values():
        checked += 1
        for needle in _needles(canaries):
            assert needle not in raw, f"canary in {table}.{column}"
    assert checked > 10
    assert not any(needle.decode() in caplog.text for needle in _needles(canaries))


def test_canaries_are_absent_from_the_stored_file(make_case, canaries):
    case = make_case()
    content = (canaries["narrative"] + "\n").encode() * 10_000
    ref = encrypted_file_save(
        data_key=case.data_key,
        fileobj=io.BytesIO(content),
        filename=f"{canaries['last_name']}.txt",
        content_type="text/plain",
    )
    raw = encrypted_file_path(ref).read_bytes()
    for needle in _needles(canaries):
        assert needle not in raw
    assert canaries["last_name"] not in ref
    with encrypted_file_open(data_key=case.data_key, ref=ref) as handle:
        assert handle.filename == f"{canaries['last_name']}.txt"
        assert b"".join(handle) == content


def test_decryption_errors_never_carry_the_plaintext(make_case, canaries):
    case = make_case(name=canaries["first_name"], narrative=canaries["narrative"])
    other = make_case(narrative="x")
    raw_set(Case, other.pk, "name", bytes(Case.objects.filter(pk=case.pk).values_list("name", flat=True).get().data))
    with pytest.raises(DecryptionError) as excinfo:
        _ = Case.objects.get(pk=other.pk).name
    message = str(excinfo.value) + repr(excinfo.value)
    assert canaries["first_name"] not in message
