"""SQLite (`make run`): a transaction takes the write lock when it begins, so a second writer waits for it.

Begun lazily (SQLite's default), a transaction that has read cannot take the lock while another request writes:
SQLite answers "database is locked" at once, without waiting, and the request ended in a 500 (two API clients
submitting at the same moment did it).
"""

from __future__ import annotations

import sqlite3

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from config.settings import base

# On every database the suite runs on: it opens a SQLite file of its own with the settings' options (the mark
# only lets pytest-django allow the connection).
pytestmark = pytest.mark.django_db


def test_a_transaction_holds_the_write_lock_from_its_start(tmp_path):
    path = tmp_path / "db.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    # The settings of `make run` (the tests' own database is in memory, or PostgreSQL on CI).
    database = base.sqlite_locking({"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)})
    options = database["OPTIONS"]
    configured = DatabaseWrapper({**connection.settings_dict, **database}, alias="locking")
    try:
        # What transaction.atomic() does: BEGIN, in the configured mode.
        configured.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        configured.cursor().execute("SELECT count(*) FROM t")
        other = sqlite3.connect(path, timeout=0)  # does not wait: is the lock taken already?
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    finally:
        configured.rollback()
        configured.close()
    assert options["timeout"] >= 10  # a second writer waits that long for it
