"""The application's PostgreSQL role owns nothing and holds exactly the privileges the application uses.

Migrations run as the owner of the tables (DATABASE_MIGRATE_URL); web, worker and beat connect as the
application role (DATABASE_URL). Owning a table is what lets a role ALTER or DROP it, TRUNCATE it, and
disable or drop its triggers; no GRANT gives those rights. So the role granted here may read and write
the application's tables, only INSERT and SELECT audit events, and move the chain head forward: even a
full compromise of the application cannot edit, delete or truncate the audit log (docs/audit.md).

`app_role_grant` is run by `manage.py grant_app_role` after every `migrate`: it revokes whatever the role
held on the schema's tables and sequences and grants the list below, in one transaction, so it is exact,
idempotent, and the application never sees a moment without its privileges.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction

READ_WRITE = ("SELECT", "INSERT", "UPDATE", "DELETE")
# Tables the application must not change freely: everything else in the schema is READ_WRITE.
NARROWED = {
    # The audit log is append-only: never UPDATE, DELETE or TRUNCATE, even without the triggers.
    "audit_auditevent": ("SELECT", "INSERT"),
    # The writer locks the head (FOR UPDATE needs UPDATE) and moves it; its trigger refuses moving back.
    "audit_chainhead": ("SELECT", "UPDATE"),
    # Only migrate (the owner) records migrations; the application may read which ones ran.
    "django_migrations": ("SELECT",),
}
# Role attributes that would make ownership moot (a superuser passes every privilege check).
_POWERS = ("rolsuper", "rolcreaterole", "rolcreatedb", "rolreplication", "rolbypassrls")


class AppRoleError(Exception):
    """The grant cannot be made safely; the message is one line for the operator."""


@dataclass(frozen=True)
class AppRoleGrant:
    role: str
    tables: int
    narrowed: dict[str, tuple[str, ...]]
    sequences: int


def app_role_grant(*, role: str, using: str = DEFAULT_DB_ALIAS) -> AppRoleGrant:
    """Give `role` exactly READ_WRITE on every table of the schema, NARROWED where listed, and nothing else."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise AppRoleError(f"grant_app_role needs PostgreSQL; {connection.vendor} has no database roles.")
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema(), current_database()")
        owner, schema, database = cursor.fetchone()
        _role_check(cursor, role=role, owner=owner, schema=schema)
        cursor.execute(
            "SELECT quote_ident(%s), quote_ident(%s), quote_ident(%s)",
            [role, schema, database],
        )
        q_role, q_schema, q_database = cursor.fetchone()
        cursor.execute(
            "SELECT c.relname, c.relkind FROM pg_class c WHERE c.relnamespace = %s::regnamespace "
            "AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') ORDER BY c.relname",
            [schema],
        )
        relations = cursor.fetchall()
        _owner_check(cursor, owner=owner, schema=schema)
        tables = [name for name, kind in relations if kind != "S"]
        sequences = [name for name, kind in relations if kind == "S"]
        for statement in (
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {q_schema} FROM {q_role}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {q_schema} FROM {q_role}",
            # Nothing the role could create would be its own: no tables in the schema, no temporary tables.
            f"REVOKE CREATE ON SCHEMA {q_schema} FROM PUBLIC, {q_role}",
            f"REVOKE CREATE, TEMPORARY ON DATABASE {q_database} FROM PUBLIC, {q_role}",
            f"GRANT CONNECT ON DATABASE {q_database} TO {q_role}",
            f"GRANT USAGE ON SCHEMA {q_schema} TO {q_role}",
        ):
            cursor.execute(statement)
        for table in tables:
            privileges = ", ".join(NARROWED.get(table, READ_WRITE))
            cursor.execute("SELECT quote_ident(%s)", [table])
            (q_table,) = cursor.fetchone()
            cursor.execute(f"GRANT {privileges} ON TABLE {q_schema}.{q_table} TO {q_role}")
        if sequences:
            cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {q_schema} TO {q_role}")
    narrowed = {table: privileges for table, privileges in NARROWED.items() if table in tables}
    return AppRoleGrant(role=role, tables=len(tables), narrowed=narrowed, sequences=len(sequences))


def _role_check(cursor, *, role: str, owner: str, schema: str) -> None:
    """Refuse a role that is missing, is the owner itself, has powers beyond LOGIN, or owns anything here."""
    if role == owner:
        raise AppRoleError(
            f"The application role {role} is the role running this command: run it as the owner "
            "(DATABASE_MIGRATE_URL) with DATABASE_URL naming the application role."
        )
    cursor.execute(f"SELECT {', '.join(_POWERS)} FROM pg_roles WHERE rolname = %s", [role])  # noqa: S608
    row = cursor.fetchone()
    if row is None:
        raise AppRoleError(
            f"The application role {role} does not exist: create it (LOGIN, nothing else) and run this again."
        )
    if any(row):
        raise AppRoleError(
            f"The application role {role} is a superuser or may create roles or databases, replicate or bypass "
            "row security: it must have LOGIN and nothing else."
        )
    # A member of an owning role holds the owner's rights through it: that counts as owning.
    cursor.execute(
        "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = %(schema)s::regnamespace "
        "        AND pg_has_role(%(role)s::name, relowner, 'MEMBER'))"
        " + (SELECT count(*) FROM pg_proc WHERE pronamespace = %(schema)s::regnamespace "
        "        AND pg_has_role(%(role)s::name, proowner, 'MEMBER'))"
        " + (SELECT count(*) FROM pg_namespace WHERE pg_has_role(%(role)s::name, nspowner, 'MEMBER'))"
        " + (SELECT count(*) FROM pg_database WHERE datname = current_database() "
        "        AND pg_has_role(%(role)s::name, datdba, 'MEMBER'))",
        {"schema": schema, "role": role},
    )
    (owned,) = cursor.fetchone()
    if owned:
        raise AppRoleError(
            f"The application role {role} owns, or is a member of a role that owns, {owned} objects in this "
            "database: it must own nothing (ALTER ... OWNER TO the owner, or REVOKE the membership)."
        )


def _owner_check(cursor, *, owner: str, schema: str) -> None:
    """Refuse to run as a role that does not own every table: PostgreSQL would skip those with a mere warning."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        return
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace "
        "AND relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND NOT pg_has_role(current_user, relowner, 'USAGE') "
        "ORDER BY relname",
        [schema],
    )
    foreign = [name for (name,) in cursor.fetchall()]
    if foreign:
        raise AppRoleError(
            f"{len(foreign)} tables or sequences (first {foreign[0]}) are not owned by {owner}, so it cannot grant "
            "on them: run this as their owner (DATABASE_MIGRATE_URL)."
        )
