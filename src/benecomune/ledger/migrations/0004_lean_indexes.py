"""Indexes every transfer paid for and no query used: the LIKE index PostgreSQL got with the
unique idempotency key (now a UniqueConstraint, without one), and the single-column account
indexes of entries and balance deltas (their composite indexes start with the account).
The unique index on the key is rebuilt: on a large ledger, run it in a quiet hour."""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models



def restore_sqlite_triggers(apps, schema_editor):
    """SQLite changes a table by rebuilding it, which drops its triggers: put back the
    append-only ones."""
    if schema_editor.connection.vendor != "sqlite":
        return
    append_only = importlib.import_module("benecomune.ledger.migrations.0002_entries_append_only")
    for statement in append_only.SQLITE_FORWARD[0:]:
        schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_ledger_transfer_function'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='balancedelta',
            name='account',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.account'),
        ),
        migrations.AlterField(
            model_name='entry',
            name='account',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='ledger.account'),
        ),
        migrations.AlterField(
            model_name='transfer',
            name='idempotency_key',
            field=models.CharField(max_length=100, verbose_name='chiave di idempotenza'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.UniqueConstraint(fields=('idempotency_key',), name='ledger_transfer_unique_idempotency_key'),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
