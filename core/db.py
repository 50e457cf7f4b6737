"""Database helpers for the services' hot paths: the statement pipeline and prepared inserts (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


def _row_count_statements_wait(pipeline: Any) -> Callable[..., Any]:
    """An execute wrapper: after an UPDATE or DELETE, wait for its reply, so its row count is known."""

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if sql.lstrip()[:6].upper() in {"UPDATE", "DELETE"}:
            pipeline.sync()
        return result

    return wrapper


@contextmanager
def pipelined(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside a transaction on PostgreSQL, send statements without waiting for each one's reply.

    psycopg's pipeline mode: an INSERT whose result nobody reads goes out with the next statement
    that is read (or with the end of the block), so a transaction of several writes costs a few
    round trips instead of one per statement. The server runs them in order, as before. An error
    may surface at the next read rather than at its own statement, as Django's database exception
    either way, and the transaction rolls back as usual. Elsewhere (SQLite) it does nothing.

    An UPDATE's or DELETE's row count is unknown until its reply arrives (psycopg says -1), and
    Django trusts it (save() of an existing row, ConcurrentTransitionMixin, delete counts): through
    Django's cursors, those two wait for their reply, as outside a pipeline. Inserts gain the most.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        # Only inside a transaction: in autocommit mode each statement is its own transaction anyway.
        with nullcontext():
            yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline() as pipeline:
        with connection.execute_wrapper(_row_count_statements_wait(pipeline)):
            yield


_INSERT_SQL: dict[tuple[str, tuple[str, ...]], bytes] = {}


def _insert_sql(connection: Any, table: str, columns: tuple[str, ...]) -> bytes:
    """`INSERT INTO "t" ("a", "b") VALUES ($1, $2)`, built once per table and column list."""
    key = (table, columns)
    sql = _INSERT_SQL.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        names = ", ".join(quote(column) for column in columns)
        placeholders = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
        # Names come from the model's own metadata, quoted; values are always bound parameters.
        sql = _INSERT_SQL[key] = f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})".encode()  # noqa: S608
    return sql


def _plain_placeholder(field: Any, value: Any, connection: Any) -> bool:
    """True if the insert compiler would bind the value as a plain parameter (BinaryField asks; "%s" here)."""
    get_placeholder = getattr(field, "get_placeholder", None)
    return get_placeholder is None or get_placeholder(value, None, connection) == "%s"


def prepared_insert(instance: models.Model, *, table: str, fields: list[Any], using: str) -> bool:
    """INSERT one new row as a prepared statement on PostgreSQL; False where the ORM must do it instead.

    Each value is prepared exactly as Django's insert compiler prepares it (the field's pre_save, so
    auto_now and encryption happen, then get_db_prep_save), but the statement is built once and the
    server parses and plans it once per connection: no SQL is compiled, nor are some fifty values
    spliced into its text, on every insert. Expressions, custom placeholders, SQLite, and Django's
    query logging (DEBUG, assertNumQueries) take the ORM's path, so nothing changes for them.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.queries_logged:
        return False
    values = [field.pre_save(instance, add=True) for field in fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        return False
    if not all(_plain_placeholder(field, value, connection) for field, value in zip(fields, values, strict=True)):
        return False
    params = [field.get_db_prep_save(value, connection=connection) for field, value in zip(fields, values, strict=True)]
    import psycopg

    sql = _insert_sql(connection, table, tuple(field.column for field in fields))
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.RawCursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
    return True
