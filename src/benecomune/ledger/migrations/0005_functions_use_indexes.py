"""PostgreSQL only: `ledger_transfer()` plans its statements with `enable_seqscan = off`.

PL/pgSQL keeps a statement's plan for the life of the connection. A plan made while
`ledger_balancedelta` was nearly empty (a new database, or just after the pending credits were
folded) reads the whole table, which then grows with every payment until autovacuum's next
ANALYZE forces a new plan: measured in bench/redeem, PostgreSQL's time per payment doubled within
a minute. Every statement of the function looks rows up by key, so it is told to use the
indexes whatever the statistics say. A later migration that re-creates the function must set it
again (CREATE OR REPLACE FUNCTION drops it).
"""

from django.db import migrations

FUNCTIONS = ["ledger_transfer"]


def set_index_plans(functions, value):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in functions:
            action = "SET enable_seqscan = off" if value else "RESET enable_seqscan"
            schema_editor.execute(f"ALTER FUNCTION {name} {action}", params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_lean_indexes")]
    operations = [
        migrations.RunPython(set_index_plans(FUNCTIONS, True), set_index_plans(FUNCTIONS, False))
    ]
