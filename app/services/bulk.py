"""Writing many rows at once, in the caller's transaction.

A close writes ~14,000 allocation lines, ~16,000 postings and 2,000 snapshot rows; an import
writes 50,000 records with their journal. ``insert_rows`` writes such a batch:

- **PostgreSQL: ``COPY … FROM STDIN``** through psycopg 3's ``cursor.copy`` on the session's
  own connection, so the rows are part of the same transaction (a rollback takes them back).
  COPY streams the rows in one command; INSERTs, even multi-row ones, are parsed, planned
  and bound per batch and cost several times more per row. psycopg writes COPY's text format
  itself (tabs, newlines, backslashes and ``\\N`` in text are escaped by it, never by us).
- **Where the caller needs the ids** (journal entries → their postings, records → their
  entries), they are reserved up front from the table's sequence in one statement,
  ``SELECT nextval(seq) FROM generate_series(1, n)``, and written with the rows. The sequence
  stays ahead of every id written, so a later ORM insert never collides; the ids come back
  ascending in row order, as the ORM's flush would give them.
- **Elsewhere (SQLite), and for a handful of rows:** one multi-row ``INSERT … VALUES …
  RETURNING id`` per batch (SQLAlchemy's "insertmanyvalues"), the ids read back in row order.
  ``RETURNING`` also keeps SQLAlchemy from falling back to one statement per row.

A row gives the table's columns by name; a column it leaves out gets the model's Python
default (``created_at``, ``comment=""``) as an ORM insert would, or else NULL / the server
default. COPY bypasses SQLAlchemy's statement events: ``insert_rows`` flushes the session
first so rows it points at (a period, an entry added as an object) exist.

``BULK_WRITES`` in the app's config picks the path: ``copy`` (the default: COPY on
PostgreSQL, multi-row INSERTs elsewhere), ``values`` (multi-row INSERTs everywhere — the
previous code, kept so the benchmark can measure both in one run), ``orm`` (one ORM object per
row and a flush — the reference the tests compare against).
"""

from __future__ import annotations

import gc
import operator
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal, overload

from flask import current_app
from sqlalchemy import bindparam, insert, text, update

from app.extensions import db

# Below this many rows a COPY (its own command and round trip) gains nothing over one INSERT.
COPY_MIN_ROWS = 50


@overload
def insert_rows(model, rows: list[dict], *, ids: Literal[True]) -> list[int]: ...
@overload
def insert_rows(model, rows: list[dict], *, ids: Literal[False] = False) -> None: ...


def insert_rows(model, rows: list[dict], *, ids: bool = False) -> list[int] | None:
    """Insert ``rows`` (dicts of column values) into ``model``'s table; with ``ids``, return
    the new rows' ids in the order of ``rows``."""
    if not rows:
        return [] if ids else None
    mode = current_app.config.get("BULK_WRITES", "copy")
    if mode == "orm":
        return _orm(model, rows, ids)
    db.session.flush()
    table = model.__table__
    columns, values = _complete(table, rows)
    if mode == "copy" and len(rows) >= COPY_MIN_ROWS and db.session.get_bind().dialect.name == "postgresql":
        return _copy(table, columns, values, ids)
    return _values(table, columns, values, ids)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one bulk job (a close, a recompute).

    Such a job makes hundreds of thousands of short-lived dicts and tuples; each allocation
    burst starts a collection that walks every live object, ~0.2 s of a 1 s close measured
    (bench/README.md). Reference counting still frees them as they go; the cycles, if any,
    wait for the next collection after the job. Re-entrant: an inner pause leaves the
    collector as the outer one found it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def update_rows(model, rows: list[dict]) -> None:
    """Update rows of ``model`` by id: each dict has ``id`` and the same other columns, the
    new values. PostgreSQL: the rows are COPYed into a temporary table and applied by one
    ``UPDATE … FROM``; elsewhere, or for a handful of rows, one executemany UPDATE."""
    if not rows:
        return
    table = model.__table__
    keys = [k for k in rows[0] if k != "id"]
    db.session.flush()
    if (
        current_app.config.get("BULK_WRITES", "copy") == "copy"
        and len(rows) >= COPY_MIN_ROWS
        and db.session.get_bind().dialect.name == "postgresql"
    ):
        connection = db.session.connection()
        dialect = connection.dialect
        quote = dialect.identifier_preparer.quote
        columns = [table.c.id, *(table.c[k] for k in keys)]
        scratch = quote(f"bulk_update_{table.name}")
        definition = ", ".join(f"{quote(c.name)} {c.type.compile(dialect=dialect)}" for c in columns)
        assignments = ", ".join(f"{quote(c.name)} = u.{quote(c.name)}" for c in columns[1:])
        raw = connection.connection.driver_connection
        if raw is None:
            raise RuntimeError("COPY needs the session's open psycopg connection")
        with raw.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {scratch} ({definition}) ON COMMIT DROP")
            with cursor.copy(f"COPY {scratch} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((row["id"], *(row[k] for k in keys)))
            # Identifiers only, from the model and quoted; the values went through COPY.
            cursor.execute(
                f"UPDATE {quote(table.name)} SET {assignments} "  # noqa: S608
                f"FROM {scratch} AS u WHERE {quote(table.name)}.id = u.id"
            )
            cursor.execute(f"DROP TABLE {scratch}")
        return
    statement = update(table).where(table.c.id == bindparam("row_id"))
    db.session.execute(statement, [{"row_id": row["id"], **{k: row[k] for k in keys}} for row in rows])


def _complete(table, rows: list[dict]):
    """The columns to write and each row's values for them, defaults filled in."""
    keys = set().union(*rows)
    unknown = keys - set(table.columns.keys())
    if unknown:
        raise KeyError(f"{table.name} has no column {', '.join(sorted(unknown))}")
    columns, defaults = [], {}
    for column in table.columns:
        default = column.default
        has_default = default is not None and (default.is_scalar or default.is_callable)
        if column.key not in keys and not has_default:
            continue  # NULL, or the server's default (a sequence for the id)
        columns.append(column)
        if default is not None and default.is_scalar:
            defaults[column.key] = default.arg
        elif default is not None and default.is_callable:
            defaults[column.key] = default.arg(None)  # one timestamp for the whole batch
        else:
            defaults[column.key] = None
    # Defaults under each row, then the columns in order: dict merges and itemgetter run in C,
    # which matters at a close's 30,000 rows (a Python loop per value cost ~0.2 s). A StrEnum
    # (a period's status) is a str, written as its value by psycopg and SQLAlchemy alike.
    pick = operator.itemgetter(*(c.key for c in columns))
    n = len(columns)  # a row with as many keys (all known) has every column: no merge
    if n == 1:
        return columns, [(pick(row if len(row) == n else {**defaults, **row}),) for row in rows]
    return columns, [pick(row if len(row) == n else {**defaults, **row}) for row in rows]


def _copy(table, columns, values, ids: bool):
    connection = db.session.connection()
    new_ids = None
    if ids:
        pk = _pk(table)
        if pk not in columns:
            new_ids = reserve_ids(table, len(values))
            columns = [pk, *columns]
            values = [(i, *row) for i, row in zip(new_ids, values)]
        else:
            new_ids = [row[columns.index(pk)] for row in values]
    quote = connection.dialect.identifier_preparer.quote
    sql = f"COPY {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) FROM STDIN"
    raw = connection.connection.driver_connection  # psycopg, in the session's transaction
    if raw is None:
        raise RuntimeError("COPY needs the session's open psycopg connection")
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in values:
            copy.write_row(row)
    return new_ids


def reserve_ids(table, n: int) -> list[int]:
    """``n`` fresh ids from the table's sequence (PostgreSQL), ascending."""
    pk = _pk(table)
    found = (
        db.session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:table, :column)) FROM generate_series(1, :n)"),
            {"table": table.name, "column": pk.name, "n": n},
        )
        .scalars()
        .all()
    )
    return sorted(found)


def _values(table, columns, values, ids: bool):
    pk = _pk(table)
    statement = insert(table).returning(pk, sort_by_parameter_order=True)
    params = [{c.key: v for c, v in zip(columns, row)} for row in values]
    found = db.session.execute(statement, params).scalars().all()
    return list(found) if ids else None


def _orm(model, rows: list[dict], ids: bool):
    objects = [model(**row) for row in rows]
    db.session.add_all(objects)
    db.session.flush()
    found = [o.id for o in objects]
    for o in objects:  # like the other paths, leave nothing in the identity map
        db.session.expunge(o)
    return found if ids else None


def _pk(table):
    (pk,) = table.primary_key.columns
    return pk
