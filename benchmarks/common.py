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
