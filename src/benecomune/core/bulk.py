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


def _insert_unnest(meta, columns, rows, returning):
    """PostgreSQL: one parameter per column (an array), whatever the number of rows, so the
    driver never parses a statement with thousands of placeholders (as Django 5.2 does)."""
    quote = connection.ops.quote_name
    fields = [meta.get_field(c) for c in columns]
    names = ", ".join(quote(f.column) for f in fields)
    arrays = ", ".join(
        f"%s::{f.cast_db_type(connection) or f.db_type(connection)}[]" for f in fields
    )
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT * FROM UNNEST({arrays})"  # noqa: S608
    if returning:
        sql += f" RETURNING {quote(meta.pk.column)}"
    ids = []
    connection.ensure_connection()
    # A plain psycopg cursor binds parameters on the server, arrays in binary: Django's
    # client-side cursor would quote every element of every array in Python.
    from psycopg import Cursor

    with Cursor(connection.connection) as cursor:
        for start in range(0, len(rows), BATCH * 10):
            part = rows[start : start + BATCH * 10]
            cursor.execute(sql, [list(column) for column in zip(*part, strict=True)])
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids
