"""Transfers and entries are history: the database refuses to UPDATE them, and on PostgreSQL
to DELETE them too (the test database is emptied with TRUNCATE, which these triggers do not
fire on). On SQLite only UPDATE is refused, so the test runner's flush (DELETE) still works;
the models refuse delete() on both."""

from django.db import migrations

TABLES = ["ledger_transfer", "ledger_entry"]

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger history is append-only (%)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();\n"
    for t in TABLES
)
POSTGRES_BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};\n" for t in TABLES) + (
    "DROP FUNCTION IF EXISTS ledger_refuse_change();"
)
SQLITE_FORWARD = [
    f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} "
    "BEGIN SELECT RAISE(ABORT, 'ledger history is append-only'); END;"
    for t in TABLES
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {t}_no_update;" for t in TABLES]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
