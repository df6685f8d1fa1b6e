"""Plain multi-row INSERTs for batch work (awards of a whole ranking, 100k rows).

`QuerySet.bulk_create` prepares every value through its model field, which costs more than the
database itself at this volume; here the caller passes values already in database form
(see `db_value`), and rows go in as multi-row INSERT statements, returning ids when asked.
Only for rows the caller has validated: no model `save()`, no signals.
"""

import datetime

from django.db import connection

BATCH = 500  # rows per statement: well within SQLite's 32766 parameters


def db_value(value):
    """Database form of a datetime / JSON value on the current connection."""
    if isinstance(value, (dict, list)):
        return connection.ops.adapt_json_value(value, None)
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def insert_rows(model, columns: list[str], rows: list[tuple], *, returning: bool = False):
    """Insert `rows` (tuples in `columns` order, field names) into `model`'s table.
    Returns the new ids in row order when `returning`."""
    if not rows:
        return []
    meta = model._meta
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        return _insert_unnest(meta, columns, rows, returning)
    names = ", ".join(quote(meta.get_field(c).column) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            part = rows[start : start + BATCH]
            sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES {', '.join([one] * len(part))}"  # noqa: S608, E501
            if returning:
                sql += f" RETURNING {quote(meta.pk.column)}"
            cursor.execute(sql, [value for row in part for value in row])
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _unnest(fields) -> str:
    """PostgreSQL row source: one parameter per column (an array), whatever the number of
    rows, so the driver never parses a statement with thousands of placeholders (as Django
    5.2 does)."""
    arrays = ", ".join(
        f"%s::{f.cast_db_type(connection) or f.db_type(connection)}[]" for f in fields
    )
    return f"SELECT * FROM UNNEST({arrays})"  # noqa: S608


def _pg_run(sql: str, rows: list[tuple], chunk: int) -> list[tuple]:
    """Run `sql` (an `_unnest` source inside) over `rows`, `chunk` rows at a time; returns
    what the statements return."""
    connection.ensure_connection()
    # A plain psycopg cursor binds parameters on the server, arrays in binary: Django's
    # client-side cursor would quote every element of every array in Python.
    from psycopg import Cursor

    result = []
    with Cursor(connection.connection) as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            cursor.execute(sql, [list(column) for column in zip(*part, strict=True)])
            if cursor.description:
                result.extend(cursor.fetchall())
    return result


def _insert_unnest(meta, columns, rows, returning):
    quote = connection.ops.quote_name
    fields = [meta.get_field(c) for c in columns]
    names = ", ".join(quote(f.column) for f in fields)
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) {_unnest(fields)}"
    if returning:
        sql += f" RETURNING {quote(meta.pk.column)}"
    return [row[0] for row in _pg_run(sql, rows, BATCH * 10)]


def add_rows(model, key: list[str], added: list[str], rows: list[tuple], returning=()):
    """Upsert that adds: insert `rows` (values for `key` then `added` fields, in database
    form) or, where a row with the same `key` exists (a unique constraint on exactly those
    fields, none of them NULL), add the `added` values to it. One statement per batch
    (`INSERT … ON CONFLICT (key) DO UPDATE SET v = t.v + EXCLUDED.v`; PostgreSQL, SQLite ≥
    3.35). Returns the `returning` fields of every row written (dates as dates). `rows` must
    not repeat a key: add them up first."""
    if not rows:
        return []
    meta, quote = model._meta, connection.ops.quote_name
    table = quote(meta.db_table)
    fields = [meta.get_field(name) for name in (*key, *added)]
    names = ", ".join(quote(f.column) for f in fields)
    keys = ", ".join(quote(f.column) for f in fields[: len(key)])
    sets = ", ".join(
        f"{quote(f.column)} = {table}.{quote(f.column)} + EXCLUDED.{quote(f.column)}"
        for f in fields[len(key) :]
    )
    back = [meta.get_field(name) for name in returning]
    tail = f" ON CONFLICT ({keys}) DO UPDATE SET {sets}"
    if back:
        tail += " RETURNING " + ", ".join(quote(f.column) for f in back)
    if connection.vendor == "postgresql":
        found = _pg_run(f"INSERT INTO {table} ({names}) {_unnest(fields)}{tail}", rows, len(rows))
    else:
        found = []
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                part = rows[start : start + BATCH]
                # "WHERE true": SQLite's parser needs it between a SELECT and ON CONFLICT
                cursor.execute(
                    f"INSERT INTO {table} ({names}) SELECT * FROM (VALUES {', '.join([one] * len(part))}) WHERE true{tail}",  # noqa: S608, E501
                    [db_value(value) for row in part for value in row],
                )
                found.extend(cursor.fetchall() if back else ())
    dates = [i for i, f in enumerate(back) if f.get_internal_type() == "DateField"]
    if not dates:
        return found
    result = []
    for row in found:
        row = list(row)
        for i in dates:
            if isinstance(row[i], str):
                row[i] = datetime.date.fromisoformat(row[i])
        result.append(tuple(row))
    return result


def add_by_id(model, added: list[str], rows: list[tuple]) -> None:
    """Add values to existing rows: `rows` are (id, *values for the `added` fields)."""
    if not rows:
        return
    meta, quote = model._meta, connection.ops.quote_name
    table = quote(meta.db_table)
    fields = [meta.pk, *(meta.get_field(name) for name in added)]
    columns = [quote(f.column) for f in fields]
    if connection.vendor == "postgresql":
        sets = ", ".join(f"{c} = {table}.{c} + v.{c}" for c in columns[1:])
        _pg_run(
            f"UPDATE {table} SET {sets} FROM ({_unnest(fields)}) AS v({', '.join(columns)}) "  # noqa: S608
            f"WHERE {table}.{columns[0]} = v.{columns[0]}",
            rows,
            len(rows),
        )
        return
    sets = ", ".join(f"{c} = {c} + %s" for c in columns[1:])
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE {columns[0]} = %s",  # noqa: S608
            [(*values, pk) for pk, *values in rows],
        )
