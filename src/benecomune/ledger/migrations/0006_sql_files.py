"""PostgreSQL: `ledger_transfer()` now lives in ledger/sql/ledger_transfer.sql (its definition
after migrations 0003 and 0005, unchanged, `enable_seqscan = off` included). Later changes are
made in the file and applied by a new migration with the same operation."""

from django.db import migrations

from benecomune.core.sql_files import ApplySqlFiles


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_functions_use_indexes")]
    operations = [ApplySqlFiles("ledger", ["ledger_transfer.sql"])]
