"""The database triggers that make the audit tables append-only, on PostgreSQL and SQLite.

Migration 0002 creates them; audit.testing drops and recreates them around test flushes.
If the trigger text ever changes, add a new migration with new functions here (keep these).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

EVENT_TABLE = "audit_auditevent"
HEAD_TABLE = "audit_chainhead"
MESSAGE = "audit log is append-only"

_PG_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.sequence < OLD.sequence OR NEW.id <> OLD.id THEN
            RAISE EXCEPTION '{MESSAGE}: the chain head cannot move back' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$
    """,
    f"""CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON {EVENT_TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    f"""CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {EVENT_TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
    f"""CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON {HEAD_TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    f"""CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON {HEAD_TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
    f"""CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON {HEAD_TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()""",
]
_PG_NAMES = {
    "audit_event_no_update_delete": EVENT_TABLE,
    "audit_event_no_truncate": EVENT_TABLE,
    "audit_head_no_delete": HEAD_TABLE,
    "audit_head_no_truncate": HEAD_TABLE,
    "audit_head_forward_only": HEAD_TABLE,
}

# SQLite has no TRUNCATE; its DELETE without WHERE still fires row triggers when they exist.
_SQLITE_CREATE = [
    f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {EVENT_TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused'); END""",
    f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {EVENT_TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END""",
    f"""CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON {HEAD_TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused'); END""",
    f"""CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON {HEAD_TABLE}
        WHEN NEW.sequence < OLD.sequence OR NEW.id <> OLD.id
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}: the chain head cannot move back'); END""",
]
_SQLITE_NAMES = ["audit_event_no_update", "audit_event_no_delete", "audit_head_no_delete", "audit_head_forward_only"]


def _vendor_check(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in {"postgresql", "sqlite"}:
        raise NotImplementedError(f"Append-only triggers exist for PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def create_sql(connection: BaseDatabaseWrapper) -> list[str]:
    return _PG_CREATE if _vendor_check(connection) == "postgresql" else _SQLITE_CREATE


def drop_sql(connection: BaseDatabaseWrapper) -> list[str]:
    if _vendor_check(connection) == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _PG_NAMES.items()]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_NAMES]


def execute(statements: list[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    with connections[using].cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def present(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when every append-only trigger exists (SQLite drops them when a migration rebuilds the table)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if _vendor_check(connection) == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(%s)", [list(_PG_NAMES)]
            )
            expected = set(_PG_NAMES)
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = set(_SQLITE_NAMES)
        return expected <= {row[0] for row in cursor.fetchall()}
