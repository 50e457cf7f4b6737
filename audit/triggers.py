"""The database triggers that make the audit tables append-only, on PostgreSQL and SQLite.

Migration 0002 creates them; tests/audit_testing.py drops and recreates them around test flushes
(no application code path drops them). verify_audit checks, through problems(), that each one
exists, is enabled and still runs the function body written here. If the trigger text ever
changes, add a new migration with new functions here (keep these).
"""

from __future__ import annotations

import re

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

# What pg_trigger must say of each: (function, tgtype bits). tgtype: 1 row, 2 before, 8 delete, 16 update, 32 truncate.
_PG_EXPECTED = {
    "audit_event_no_update_delete": ("audit_refuse_change", 1 | 2 | 8 | 16),
    "audit_event_no_truncate": ("audit_refuse_change", 2 | 32),
    "audit_head_no_delete": ("audit_refuse_change", 1 | 2 | 8),
    "audit_head_no_truncate": ("audit_refuse_change", 2 | 32),
    "audit_head_forward_only": ("audit_head_forward_only", 1 | 2 | 16),
}
# 'O' fires in ordinary sessions, 'A' in every session; 'D' (disabled) and 'R' (replica only) do not protect.
_PG_ENABLED = {"O", "A"}


def _normalised(text: str) -> str:
    return " ".join(text.split())


# The function bodies as written above (between the $$), whitespace normalised.
_PG_BODIES = {
    match[1]: _normalised(match[2])
    for match in (re.search(r"FUNCTION (\w+)\(\).*?\$\$(.*)\$\$", sql, re.DOTALL) for sql in _PG_CREATE)
    if match
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


def _pg_problems(cursor: object) -> list[str]:
    cursor.execute(
        "SELECT t.tgname, c.relname, p.proname, t.tgtype, t.tgenabled, p.prosrc FROM pg_trigger t"
        " JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid"
        " WHERE NOT t.tgisinternal AND t.tgname = ANY(%s) AND pg_table_is_visible(c.oid)",
        [list(_PG_NAMES)],
    )
    found = {row[0]: row[1:] for row in cursor.fetchall()}
    missing = sorted(set(_PG_NAMES) - set(found))
    problems = [f"the append-only triggers are missing: {', '.join(missing)}"] if missing else []
    for name, (table, function, tgtype, enabled, source) in sorted(found.items()):
        if enabled not in _PG_ENABLED:
            problems.append(f"the append-only trigger {name} is disabled")
        if (table, function, tgtype) != (_PG_NAMES[name], *_PG_EXPECTED[name]):
            problems.append(f"the append-only trigger {name} has been altered")
        elif _normalised(source) != _PG_BODIES[function]:
            problems.append(f"the function {function} behind trigger {name} has been replaced")
    return problems


def _sqlite_problems(cursor: object) -> list[str]:
    cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    found = dict(cursor.fetchall())
    missing = [name for name in _SQLITE_NAMES if name not in found]
    problems = [f"the append-only triggers are missing: {', '.join(missing)}"] if missing else []
    expected = dict(zip(_SQLITE_NAMES, _SQLITE_CREATE, strict=True))
    problems += [
        f"the append-only trigger {name} has been altered"
        for name in _SQLITE_NAMES
        if name in found and _normalised(found[name]) != _normalised(expected[name])
    ]
    return problems


def problems(*, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Each way the triggers fail to protect the log: missing, disabled, altered, or their function replaced."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if _vendor_check(connection) == "postgresql":
            return _pg_problems(cursor)
        return _sqlite_problems(cursor)
