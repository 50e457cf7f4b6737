"""Encryption test helpers: a case factory, raw column access and file storage in a temporary folder."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import connection

from encryption.services import case_key_create
from tests.testapp.models import Case


def ring(active: str, **keys: bytes) -> str:
    """An ENCRYPTION_KEYRING value holding the given raw keys."""
    encoded = {k.replace("_", "-"): base64.urlsafe_b64encode(v).decode() for k, v in keys.items()}
    return json.dumps({"active": active, "keys": encoded, "development": True})


@pytest.fixture(autouse=True)
def _file_root(settings, tmp_path):
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"


@pytest.fixture
def make_case(db):
    """Create and save a Case with its own data key: make_case(name=..., narrative=...)."""

    def _make(**fields) -> Case:
        case = Case(data_key=case_key_create(), **fields)
        case.save()
        return case

    return _make


def raw_get(model, pk, column: str) -> bytes | None:
    """The stored bytes of one column, read with raw SQL."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s",  # noqa: S608
            [model._meta.pk.get_db_prep_value(pk, connection)],
        )
        value = cursor.fetchone()[0]
    return None if value is None else bytes(value)


def raw_set(model, pk, column: str, value: bytes) -> None:
    """Overwrite one column with raw SQL, as an attacker with database access would."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {connection.ops.quote_name(column)} = %s WHERE id = %s",  # noqa: S608
            [connection.Database.Binary(value), model._meta.pk.get_db_prep_value(pk, connection)],
        )
