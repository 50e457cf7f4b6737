"""What every benchmark shares: the PostgreSQL server it runs on (BENCH_PGHOST, BENCH_PGPORT, BENCH_PGUSER), a
throwaway database of its own there, and Django set up on that database with the test settings (fixed, fake keys).
A benchmark puts the repository first on sys.path before importing this (benchmarks/queue.py would otherwise
shadow the standard library's queue)."""

from __future__ import annotations

import os

HOST = os.environ.get("BENCH_PGHOST", "127.0.0.1")
PORT = int(os.environ.get("BENCH_PGPORT", "5432"))
USER = os.environ.get("BENCH_PGUSER", "postgres")


def database_url(name: str) -> str:
    return f"postgres://{USER}@{HOST}:{PORT}/{name}"


def admin(sql: str) -> None:
    """One statement on the server's maintenance database (creating and dropping the benchmark's own)."""
    import psycopg

    with psycopg.connect(f"host={HOST} port={PORT} user={USER} dbname=postgres", autocommit=True) as conn:
        conn.execute(sql)


def database_fresh(name: str) -> None:
    database_drop(name)
    admin(f'CREATE DATABASE "{name}"')


def database_drop(name: str) -> None:
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_setup(url: str, *, migrate: bool = True, **environ: str) -> None:
    """Django on the benchmark's database with the test settings; `environ` sets further variables first."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = url
    os.environ.update(environ)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def demo_councils_and_users() -> tuple[list, dict]:
    """The two demo councils (seed_demo's) and their demo users, keyed (council number, role) as
    bulk_cases_fill and benchmarks/queue.py's writer want them."""
    from accounts.models import LocalAuthority, Role, User
    from accounts.services.users import DEMO_AUTHORITIES, demo_email

    authorities = [LocalAuthority.objects.get(ons_code=spec.ons_code) for spec in DEMO_AUTHORITIES]
    users = {
        (number, role): User.objects.get(email=demo_email(role, spec.email_prefix))
        for number, spec in enumerate(DEMO_AUTHORITIES)
        for role in Role
    }
    return authorities, users


def bulk_cases_fill(authorities: list, users: dict, rows: int) -> None:
    """`rows` cases across the two demo councils, written by benchmarks/queue.py's writer, from referrers of their
    own (one per council: a demo referrer's own list stays a person's). `users` maps (council number, role) to the
    demo users, as the writer wants them."""
    import importlib.util
    from pathlib import Path

    from django.utils.crypto import get_random_string

    from accounts.models import Role
    from accounts.services.users import user_create_with_membership

    # Loaded from its file: imported by name, benchmarks/queue.py would be the standard library's queue.
    spec = importlib.util.spec_from_file_location("bench_queue", Path(__file__).with_name("queue.py"))
    queue = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(queue)
    queue.ROWS = rows
    referrers = {
        (number, Role.REFERRER): user_create_with_membership(
            email=f"bulk-referrer-{number}@bench.example.org",
            password=get_random_string(24),
            local_authority=authority,
            role=Role.REFERRER,
        )
        for number, authority in enumerate(authorities)
    }
    queue._fill({0: authorities[0], 1: authorities[1], **users, **referrers})
