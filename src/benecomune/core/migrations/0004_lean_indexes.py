"""Audit events: no index on the action (every lookup by action also filters by the indexed
object) nor on the organisation alone (the (organisation, created_at) index serves it)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models



def restore_sqlite_triggers(apps, schema_editor):
    """SQLite changes a table by rebuilding it, which drops its triggers: put back the
    append-only ones."""
    if schema_editor.connection.vendor != "sqlite":
        return
    append_only = importlib.import_module("benecomune.core.migrations.0002_audit_append_only")
    for statement in append_only.SQLITE_FORWARD[1:]:
        schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_person_disability'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(max_length=80, verbose_name='azione'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='organization',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization', verbose_name='organizzazione'),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
