"""The application's PostgreSQL role owns nothing: it writes audit events but can never change or remove them.

Each test creates its own login role in the test cluster, lets `grant_app_role` (run by the test's
superuser connection, standing in for the owner) grant it, then connects as that role.
"""

from __future__ import annotations

import io
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from audit import services as audit
from audit.models import AuditEvent
from referrals import services
from referrals.choices import ReferralStatus
from tests.conftest import REPO
from tests.referrals.factories import adult_answers


@dataclass(frozen=True)
class LoginRole:
    name: str
    password: str


def _new_role(*attributes: str) -> LoginRole:
    role = LoginRole(name=f"prevent_app_test_{secrets.token_hex(4)}", password=secrets.token_urlsafe(24))
    with connection.cursor() as cursor:
        # CREATE ROLE takes no bound parameter (the server binds them: settings.postgresql_binding), so the
        # password is quoted by the server first, as a literal.
        cursor.execute("SELECT quote_literal(%s)", [role.password])
        (password,) = cursor.fetchone()
        cursor.execute(f"CREATE ROLE {role.name} LOGIN {' '.join(attributes)} PASSWORD {password}")
    return role


@pytest.fixture
def app_role(transactional_db) -> Iterator[LoginRole]:
    """A committed login role with no privileges yet; dropped with everything granted to it afterwards."""
    role = _new_role()
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role.name}")  # revokes its privileges here; it owns nothing to drop
        cursor.execute(f"DROP ROLE {role.name}")


def _grant(role: LoginRole) -> str:
    out = io.StringIO()
    call_command("grant_app_role", role=role.name, stdout=out)
    return out.getvalue()


@contextmanager
def connected_as(role: LoginRole) -> Iterator[None]:
    """Django's default connection (and the audit writer's side connections) as `role` for the block."""
    saved = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update(USER=role.name, PASSWORD=role.password)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def _psycopg_as(role: LoginRole) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=int(settings["PORT"] or 5432),
        dbname=settings["NAME"],
        user=role.name,
        password=role.password,
        autocommit=True,
    )


@pytest.mark.postgresql
def test_the_application_does_its_work_as_the_app_role(app_role, client, referrer, triage_officer, assert_audited):
    assert f"Granted {app_role.name} read and write on" in _grant(app_role)
    with connected_as(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role.name,)
        # Submitting writes the referral, its key, its reference counter, the outbox and the audit chain.
        referral, _ = services.referral_create_submitted(actor=referrer, answers=adult_answers())
        referral = services.referral_start_screening(referral=referral, actor=triage_officer)
        # A page: session and device rows, the selector, and the read event the detail page records.
        client.force_login(triage_officer)
        response = client.get(reverse("referrals:referral-detail", args=[referral.reference]))
        assert response.status_code == 200
        # A refusal inside a transaction goes through the writer's side connection, as the same role.
        audit.record_refusal(actor=triage_officer, target=referral)
        call_command("verify_audit", stdout=io.StringIO())
    assert referral.status == ReferralStatus.SCREENING
    assert_audited(audit.AuditAction.REFERRAL_SUBMITTED, referral)
    assert_audited(audit.AuditAction.CASE_CONTENT_READ, referral)
    assert_audited(audit.AuditAction.ACCESS_REFUSED, referral, outcome="refused")


# Refused by the privileges themselves: the audit triggers also raise insufficient_privilege, so the
# message tells which one refused ("permission denied for table" or "must be owner", never "append-only").
REFUSED = [
    ("UPDATE audit_auditevent SET reason_code = 'EDITED'", "permission denied for table audit_auditevent"),
    ("DELETE FROM audit_auditevent", "permission denied for table audit_auditevent"),
    ("TRUNCATE audit_auditevent", "permission denied for table audit_auditevent"),
    ("DELETE FROM audit_chainhead", "permission denied for table audit_chainhead"),
    ("TRUNCATE audit_chainhead", "permission denied for table audit_chainhead"),
    (
        "INSERT INTO audit_chainhead (id, sequence, mac) VALUES (2, 0, '')",
        "permission denied for table audit_chainhead",
    ),
    ("DELETE FROM django_migrations", "permission denied for table django_migrations"),
    ("ALTER TABLE audit_auditevent ADD COLUMN note text", "must be owner of table audit_auditevent"),
    ("ALTER TABLE audit_auditevent RENAME TO audit_old", "must be owner of table audit_auditevent"),
    (
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update_delete",
        "must be owner of table audit_auditevent",
    ),
    ("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL", "must be owner of table audit_auditevent"),
    ("ALTER TABLE audit_chainhead DISABLE TRIGGER audit_head_forward_only", "must be owner of table audit_chainhead"),
    ("DROP TRIGGER audit_event_no_update_delete ON audit_auditevent", "must be owner of relation audit_auditevent"),
    ("DROP TABLE audit_auditevent", "must be owner of table audit_auditevent"),
    ("DROP TABLE audit_chainhead", "must be owner of table audit_chainhead"),
    ("DROP FUNCTION audit_refuse_change()", "must be owner of function audit_refuse_change"),
    ("ALTER TABLE referrals_referral ADD COLUMN note text", "must be owner of table referrals_referral"),
    ("TRUNCATE referrals_referral CASCADE", "permission denied for table referrals_referral"),
    ("CREATE TABLE audit_shadow (id int)", "permission denied for schema public"),
    ("CREATE TEMPORARY TABLE audit_auditevent (id int)", "permission denied to create temporary tables"),
    # Turning triggers off for a whole session needs a superuser.
    ("SET session_replication_role = replica", 'permission denied to set parameter "session_replication_role"'),
]


@pytest.mark.postgresql
def test_the_app_role_may_insert_and_read_audit_events_but_never_change_them(app_role, triage_officer):
    _grant(app_role)
    with connected_as(app_role):
        audit.record(
            actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED, case_reference="PRV-2026-000004"
        )
    with _psycopg_as(app_role) as conn:
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone() == (1,)
        refusals = []
        for sql, message in REFUSED:
            with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
                conn.execute(sql)
            refusals.append((sql, str(refused.value).splitlines()[0]))
            assert message in str(refused.value), (sql, str(refused.value))
        # The head may move forward only (UPDATE is granted for that); its trigger still refuses moving back.
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute("UPDATE audit_chainhead SET sequence = 0")
    assert not any("append-only" in text for _, text in refusals)
    assert AuditEvent.objects.count() == 1
    call_command("verify_audit", stdout=io.StringIO())


def _table_privileges(role: LoginRole) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = %s",
            [role.name],
        )
        return set(cursor.fetchall())


@pytest.mark.postgresql
def test_the_grant_is_exact_idempotent_and_leaves_the_role_owning_nothing(app_role):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT TRUNCATE, TRIGGER ON referrals_referral, audit_auditevent TO {app_role.name}")
    _grant(app_role)
    first = _table_privileges(app_role)
    _grant(app_role)
    assert _table_privileges(app_role) == first
    by_table: dict[str, set[str]] = {}
    for table, privilege in first:
        by_table.setdefault(table, set()).add(privilege)
    assert by_table["audit_auditevent"] == {"SELECT", "INSERT"}
    assert by_table["audit_chainhead"] == {"SELECT", "UPDATE"}
    assert by_table["django_migrations"] == {"SELECT"}
    assert by_table["referrals_referral"] == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert by_table["django_session"] == {"SELECT", "INSERT", "UPDATE", "DELETE"}
    assert {privilege for privileges in by_table.values() for privilege in privileges} <= {
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relowner = %s::regrole", [app_role.name])
        assert cursor.fetchone() == (0,)


@pytest.mark.postgresql
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("", "does not exist"),
        ("CREATEDB", "must have LOGIN and nothing else"),
        ("SUPERUSER", "must have LOGIN and nothing else"),
        ("owns", "must own nothing"),
    ],
)
def test_the_grant_is_refused_for_a_role_that_could_bypass_it(setup, message):
    if setup == "":
        role_name = f"prevent_missing_{secrets.token_hex(4)}"
    elif setup == "owns":
        # Created inside the test's transaction, so rolled back with it.
        role_name = _new_role().name
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE stray_owned (id int)")
            cursor.execute(f"ALTER TABLE stray_owned OWNER TO {role_name}")
    else:
        role_name = _new_role(setup).name
    with pytest.raises(CommandError, match=message):
        call_command("grant_app_role", role=role_name)


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_grant_is_refused_for_the_role_running_it():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (current,) = cursor.fetchone()
    with pytest.raises(CommandError, match="is the role running this command"):
        call_command("grant_app_role", role=current)


def test_the_command_on_sqlite_exits_non_zero_with_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "grant_app_role", "--role", "prevent_app"],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "CommandError: grant_app_role needs PostgreSQL; sqlite has no database roles."


@pytest.fixture
def fresh_cluster_database() -> Iterator[dict[str, str]]:
    """A new empty database, as the postgres image's superuser first sees it; dropped with its roles afterwards."""
    settings = connection.settings_dict
    names = {
        "db": f"prevent_init_{secrets.token_hex(4)}",
        "owner": f"prevent_owner_test_{secrets.token_hex(4)}",
        "app": f"prevent_app_test_{secrets.token_hex(4)}",
        "host": settings["HOST"] or "127.0.0.1",
        "port": str(settings["PORT"] or 5432),
        "superuser": settings["USER"],
    }
    admin = {"host": names["host"], "port": int(names["port"]), "user": names["superuser"], "autocommit": True}
    if settings["PASSWORD"]:
        admin["password"] = settings["PASSWORD"]
    with psycopg.connect(dbname="postgres", **admin) as conn:
        conn.execute(f"CREATE DATABASE {names['db']}")
    yield names
    with psycopg.connect(dbname="postgres", **admin) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {names['db']} WITH (FORCE)")
        conn.execute(f"DROP ROLE IF EXISTS {names['app']}")
        conn.execute(f"DROP ROLE IF EXISTS {names['owner']}")


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.postgresql
def test_the_compose_flow_init_script_migrate_as_owner_then_grant(fresh_cluster_database, tmp_path):
    """docker/postgres/init-roles.sh, then migrate's command with DATABASE_MIGRATE_URL, then the app's role."""
    n = fresh_cluster_database
    passwords = {"owner": secrets.token_urlsafe(16), "app": secrets.token_urlsafe(16)}
    base = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PGHOST": n["host"], "PGPORT": n["port"]}
    if connection.settings_dict["PASSWORD"]:
        base["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    _run(
        {
            **base,
            "POSTGRES_USER": n["superuser"],
            "POSTGRES_DB": n["db"],
            "PREVENT_OWNER_ROLE": n["owner"],
            "PREVENT_APP_ROLE": n["app"],
            "POSTGRES_OWNER_PASSWORD": passwords["owner"],
            "POSTGRES_APP_PASSWORD": passwords["app"],
        },
        "sh",
        str(REPO / "docker" / "postgres" / "init-roles.sh"),
    )
    server = f"{n['host']}:{n['port']}/{n['db']}"
    app_env = {**base, "DATABASE_URL": f"postgres://{n['app']}:{passwords['app']}@{server}"}
    migrate_env = {**app_env, "DATABASE_MIGRATE_URL": f"postgres://{n['owner']}:{passwords['owner']}@{server}"}
    _run(migrate_env, sys.executable, "manage.py", "migrate", "--noinput")
    granted = _run(migrate_env, sys.executable, "manage.py", "grant_app_role").stdout
    assert f"Granted {n['app']} read and write on" in granted
    # A table some other role owns would be skipped by GRANT with a mere warning: the command refuses instead.
    admin = {"host": n["host"], "port": int(n["port"]), "dbname": n["db"], "user": n["superuser"]}
    if connection.settings_dict["PASSWORD"]:
        admin["password"] = connection.settings_dict["PASSWORD"]
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute("CREATE TABLE stray_superuser_table (id int)")
    refused = subprocess.run(
        [sys.executable, "manage.py", "grant_app_role"],
        cwd=REPO,
        env=migrate_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1
    assert refused.stderr.startswith("CommandError: 1 tables or sequences (first stray_superuser_table) are not")
    assert refused.stderr.strip().count("\n") == 0
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute("DROP TABLE stray_superuser_table")
    # The application's own command, as the application role: reads the chain and the triggers.
    verified = _run(app_env, sys.executable, "manage.py", "verify_audit").stdout
    assert "0 events verified, chain intact" in verified

    with psycopg.connect(
        host=n["host"], port=int(n["port"]), dbname=n["db"], user=n["app"], password=passwords["app"]
    ) as conn:
        attributes = conn.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb, rolinherit FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert attributes == (False, False, False, False)
        owners = conn.execute(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
        ).fetchall()
        assert owners == [(n["owner"],)]
        database_owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        ).fetchone()
        assert database_owner == (n["owner"],)
        for sql in ("DROP TABLE audit_auditevent", "DELETE FROM audit_auditevent", "CREATE TABLE x (id int)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
            conn.rollback()
