"""Operator command (run by the migrate service after migrating): the application role's exact privileges."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS

from audit.database_roles import AppRoleError, app_role_grant
from core.management.base import OperatorCommand

from .audit_checkpoint import database_check


class Command(OperatorCommand):
    help = (
        "On PostgreSQL, as the owner of the tables (DATABASE_MIGRATE_URL), give the application role (the user "
        "of DATABASE_URL) exactly what it needs on every table: read and write, but only SELECT and INSERT on "
        "audit events. Run it after every migrate; running it twice changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--role", default="", help="the application role (default: the user of DATABASE_URL)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the connection to grant through")

    def handle(self, *args: object, **options: object) -> None:
        role = str(options["role"] or getattr(settings, "DATABASE_APP_ROLE", "") or "")
        if not role:
            raise CommandError("No application role: set DATABASE_URL to the application role's URL, or pass --role.")
        database_check(str(options["database"]))
        try:
            grant = app_role_grant(role=role, using=str(options["database"]))
        except AppRoleError as error:
            raise CommandError(str(error)) from error
        narrowed = ", ".join(f"{table} {'/'.join(p)}" for table, p in sorted(grant.narrowed.items()))
        self.stdout.write(
            f"Granted {grant.role} read and write on {grant.tables - len(grant.narrowed)} tables and "
            f"{grant.sequences} sequences, and only {narrowed}; it owns nothing."
        )
