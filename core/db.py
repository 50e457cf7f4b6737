"""Database helpers for the services' hot paths: the statement pipeline and prepared inserts (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline() as pipeline:
        with connection.execute_wrapper(_row_count_statements_wait(pipeline)):
            yield


def _prepares(connection: Any) -> bool:
    """PostgreSQL, and Django not logging queries (DEBUG, assertNumQueries): else the ORM's own path, visibly."""
    return connection.vendor == "postgresql" and not connection.queries_logged


@contextmanager
def prepared_cursor(using: str = DEFAULT_DB_ALIAS, *, raw: bool = False) -> Iterator[Any]:
    """A cursor whose statements the server prepares once per connection (PostgreSQL), else Django's own.

    On PostgreSQL, a server-side-binding psycopg cursor on Django's connection (so inside its
    transaction): psycopg prepares a statement after DJANGO_DB_PREPARE_THRESHOLD uses, so the
    server no longer parses and plans it each time. `raw` takes `$1` placeholders, which psycopg
    passes on untouched (no per-call parsing of a long statement). Errors arrive as Django's
    exceptions. When Django logs queries (DEBUG, assertNumQueries), or on SQLite, Django's own
    cursor is used (with `%s` placeholders), so every statement stays visible.
    """
    connection = connections[using]
    if _prepares(connection):
        import psycopg

        connection.ensure_connection()
        cursor_class = psycopg.RawCursor if raw else psycopg.Cursor
        with connection.wrap_database_errors, cursor_class(connection.connection) as cursor:
            yield cursor
        return
    with connection.cursor() as cursor:
        yield cursor


_INSERT_SQL: dict[tuple[tuple[str, tuple[str, ...]], ...], bytes] = {}


def _insert_sql(connection: Any, rows: tuple[tuple[str, tuple[str, ...]], ...]) -> bytes:
    """One INSERT for the last (table, columns), the others as data-modifying WITHs; `$n` placeholders.

    `INSERT INTO "t" ("a", "b") VALUES ($1, $2)`, or `WITH r0 AS (INSERT INTO ...) INSERT INTO ...`:
    built once per shape, so the server parses and plans it once per connection.
    """
    sql = _INSERT_SQL.get(rows)
    if sql is None:
        quote = connection.ops.quote_name
        statements, number = [], 0
        for table, columns in rows:
            names = ", ".join(quote(column) for column in columns)
            placeholders = ", ".join(f"${n}" for n in range(number + 1, number + len(columns) + 1))
            number += len(columns)
            # Names come from the models' own metadata, quoted; values are always bound parameters.
            statements.append(f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})")  # noqa: S608
        withs = ", ".join(f"r{n} AS ({statement})" for n, statement in enumerate(statements[:-1]))
        sql = _INSERT_SQL[rows] = ((f"WITH {withs} " if withs else "") + statements[-1]).encode()
    return sql


def _plain_placeholder(field: Any, value: Any, connection: Any) -> bool:
    """True if the insert compiler would bind the value as a plain parameter (BinaryField asks; "%s" here)."""
    get_placeholder = getattr(field, "get_placeholder", None)
    return get_placeholder is None or get_placeholder(value, None, connection) == "%s"


def _row_params(instance: models.Model, fields: list[Any], connection: Any) -> list[Any] | None:
    """The row's values prepared as Django's insert compiler prepares them; None if only the ORM can."""
    values = [field.pre_save(instance, add=True) for field in fields]
    if any(hasattr(value, "resolve_expression") for value in values):
        return None
    if not all(_plain_placeholder(field, value, connection) for field, value in zip(fields, values, strict=True)):
        return None
    return [field.get_db_prep_save(value, connection=connection) for field, value in zip(fields, values, strict=True)]


def insert_along(instance: models.Model, *companions: models.Model) -> None:
    """Have new rows (the case's data key, an outbox message) inserted by `instance`'s next INSERT.

    On PostgreSQL they go in the same statement (each a data-modifying WITH), so creating a case
    costs one statement, not three; elsewhere, or when the ORM must do the insert, each companion
    is saved just before it, in the order given. Companions are not sent pre_save/post_save.
    """
    instance._state.insert_along = [*getattr(instance._state, "insert_along", ()), *companions]


def _companion_fields(companion: models.Model) -> list[Any] | None:
    meta = companion._meta
    if meta.db_returning_fields or meta.parents:
        return None  # a database-made key, or a multi-table row: only the ORM knows how
    return [field for field in meta.local_concrete_fields if not field.generated]


def prepared_insert(
    instance: models.Model, *, table: str, fields: list[Any], using: str, companions: list[models.Model] = ()
) -> bool:
    """INSERT a new row (and its companions, see insert_along) as one prepared statement on PostgreSQL.

    Returns False, having written nothing, where the ORM must do it instead. Each value is prepared
    exactly as Django's insert compiler prepares it (the field's pre_save, so auto_now and encryption
    happen, then get_db_prep_save), but the statement is built once and the server parses and plans
    it once per connection: no SQL is compiled, nor are some fifty values spliced into its text, on
    every insert. Expressions, custom placeholders, SQLite, and Django's query logging (DEBUG,
    assertNumQueries) take the ORM's path, so nothing changes for them.
    """
    connection = connections[using]
    if not _prepares(connection):
        return False
    shapes, params = [], []
    for row, row_table, row_fields in [
        *((c, c._meta.db_table, _companion_fields(c)) for c in companions),
        (instance, table, fields),
    ]:
        row_params = None if row_fields is None else _row_params(row, row_fields, connection)
        if row_params is None:
            return False
        shapes.append((row_table, tuple(field.column for field in row_fields)))
        params.extend(row_params)
    with prepared_cursor(using, raw=True) as cursor:
        cursor.execute(_insert_sql(connection, tuple(shapes)), params, prepare=True)
    for companion in companions:
        companion._state.adding, companion._state.db = False, using
    return True
