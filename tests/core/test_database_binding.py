"""PostgreSQL connections bind parameters on the server and prepare statements they repeat."""

from __future__ import annotations

import pytest
from django.db import connection

from config.settings.base import postgresql_binding
from tests.conftest import run_with_production_settings

POSTGRESQL = "django.db.backends.postgresql"


def test_postgresql_gets_server_side_binding_and_prepared_statements(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    database = postgresql_binding({"ENGINE": POSTGRESQL})
    assert database["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}


@pytest.mark.parametrize("value", ["off", ""])
def test_prepared_statements_can_be_switched_off_for_a_transaction_pooler(monkeypatch, value):
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", value)
    database = postgresql_binding({"ENGINE": POSTGRESQL})
    assert database["OPTIONS"]["prepare_threshold"] is None
    assert database["OPTIONS"]["server_side_binding"] is True


def test_options_in_the_database_url_win(monkeypatch):
    # environ gives "?server_side_binding=false&prepare_threshold=2" as a string and an int.
    monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    options = {"server_side_binding": "false", "prepare_threshold": 2}
    database = postgresql_binding({"ENGINE": POSTGRESQL, "OPTIONS": options})
    assert database["OPTIONS"] == {"server_side_binding": False, "prepare_threshold": 2}


def test_sqlite_is_left_alone():
    assert postgresql_binding({"ENGINE": "django.db.backends.sqlite3"}) == {"ENGINE": "django.db.backends.sqlite3"}


def test_production_settings_bind_on_the_server(production_env):
    show = (
        "import django; django.setup(); from django.conf import settings; "
        "o = settings.DATABASES['default']['OPTIONS']; print(o['server_side_binding'], o['prepare_threshold'])"
    )
    result = run_with_production_settings(production_env, "-c", show)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "5"]


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_repeated_statement_is_prepared_on_the_server():
    with connection.cursor() as cursor:
        for _ in range(6):  # prepared from the sixth run on (threshold 5)
            cursor.execute("SELECT count(*) FROM referrals_referencecounter WHERE year = %s", [2026])
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%referencecounter%"])
        assert cursor.fetchone() == (1,)
