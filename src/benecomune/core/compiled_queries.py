"""A read of a fixed shape compiled once per database connection, then run with new values.

Django compiles every queryset to SQL on every run: for a select over four joined models that
is about a millisecond of Python, more than PostgreSQL spends answering it (with prepared
statements, docs/operations.md). The hot paths (a citizen's token on every API call, a
booking's reads) run the same few shapes thousands of times. `CompiledQuery` builds the
queryset once with stand-in values, keeps the SQL and Django's own description of the
columns (the compiler), and on each run executes that SQL with the real values and builds
the instances with Django's own code (`from_db`, the select_related populators, the column
converters): the same objects as the queryset would give.

Only for querysets whose SQL does not depend on the values (no `__in` lists, no tenant scope
managers: their filter changes with the scope) and whose values reach the SQL unchanged (an
exact match on an integer or a string, a boolean): compiling checks that every stand-in value
appears in the parameters exactly once, and refuses otherwise.
"""

import datetime
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.query import ModelIterable, get_related_populators

_STASH = "_bc_compiled_queries"

# Stand-ins for dates and times (no real row is of 1901).
STAND_IN_DAY = datetime.date(1901, 1, 2)
STAND_IN_DAY_2 = datetime.date(1901, 1, 3)
STAND_IN_TIME = datetime.datetime(1901, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
STAND_IN_TIME_2 = datetime.datetime(1901, 1, 3, 3, 4, 5, tzinfo=datetime.UTC)


def _adapt(ops, value):
    """A value as the ORM hands it to the database (SQLite takes dates and times as text)."""
    if isinstance(value, datetime.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return ops.adapt_datefield_value(value)
    return value


def _flat(values):
    for value in values:
        if isinstance(value, list | tuple):
            yield from value
        else:
            yield value


class _Plan:
    """The SQL, where each value goes in its parameters, and the compiler that describes the
    columns (kept for its converters and select_related layout)."""

    def __init__(self, name: str, queryset, stand_ins: tuple):
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        ops = connections[queryset.db].ops
        positions = []
        for value in _flat(stand_ins):
            adapted = _adapt(ops, value)
            where = [
                i
                for i, param in enumerate(params)
                if param == adapted and type(param) is type(adapted)
            ]
            if not where:
                raise ValueError(f"compiled query {name}: stand-in {value!r} not in the SQL")
            positions.append(where)
        self.sql, self.params, self.positions = sql, list(params), positions
        self.compiler = compiler
        self.db = queryset.db
        # The columns' converters (dates, decimals, JSON...), found once: results_iter's work.
        self.converters = compiler.get_converters(
            [c[0] for c in compiler.select[: compiler.col_count]]
        )
        klass_info, select = compiler.klass_info, compiler.select
        # Instances, as the queryset would give; values_list() gives rows.
        rows = queryset._iterable_class is not ModelIterable
        self.model = None if rows else klass_info["model"]
        if self.model is not None:
            fields = klass_info["select_fields"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
            self.populators = get_related_populators(klass_info, select, queryset.db)

    def run(self, values: tuple) -> list:
        connection = connections[self.db]
        params = list(self.params)
        for where, value in zip(self.positions, _flat(values), strict=True):
            adapted = _adapt(connection.ops, value)
            for position in where:  # a value may appear more than once (from <= x <= until)
                params[position] = adapted
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        converted = (
            map(tuple, self.compiler.apply_converters(rows, self.converters))
            if self.converters
            else rows
        )
        if self.model is None:
            return list(converted)
        objects = []
        for row in converted:
            obj = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects


class CompiledQuery:
    """`build(*values)` returns the queryset for those values; `stand_ins` are values of the
    right types that occur nowhere else in it, each used once or more (e.g. -7_000_001,
    "\\x00token", a date or an aware datetime of the year 1901: dates and times are adapted
    as the ORM would). A list of one integer stands for a list of integers (an `__in` filter,
    never empty): one plan per length, made from the integers counting down from it. Calling
    the object with real values returns the list of instances (of rows, for values_list())."""

    def __init__(self, name: str, build: Callable, *stand_ins, using: str = DEFAULT_DB_ALIAS):
        self.name, self.build, self.stand_ins, self.using = name, build, stand_ins, using

    def __call__(self, *values) -> list:
        if any(value is None for value in values):
            # The ORM turns `= None` into IS NULL; compiled SQL would compare with NULL.
            return list(self.build(*values).using(self.using))
        connection = connections[self.using]
        # One plan per connection object: its converters and SQL flavour are that database's,
        # and a thread's connection is its own.
        plans = connection.__dict__.setdefault(_STASH, {})
        key = (self, *(len(v) for v in values if isinstance(v, list | tuple)))
        plan = plans.get(key)
        if plan is None:
            stand_ins = tuple(
                [stand_in[0] - i for i in range(len(value))]
                if isinstance(stand_in, list)
                else stand_in
                for stand_in, value in zip(self.stand_ins, values, strict=True)
            )
            queryset = self.build(*stand_ins).using(self.using)
            plan = plans[key] = _Plan(self.name, queryset, stand_ins)
        return plan.run(values)


def first(query: CompiledQuery, *values):
    """The first instance the compiled query finds, or None."""
    found = query(*values)
    return found[0] if found else None
