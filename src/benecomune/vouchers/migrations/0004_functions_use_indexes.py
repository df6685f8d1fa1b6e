"""PostgreSQL only: the till's functions plan their statements with `enable_seqscan = off`, as
`ledger_transfer()` does (ledger migration 0005 says why: the sum of a wallet's pending credits
must stay an index lookup while `ledger_balancedelta` grows). A later migration that re-creates
one of them must set it again."""

import importlib

from django.db import migrations

set_index_plans = importlib.import_module(
    "benecomune.ledger.migrations.0005_functions_use_indexes"
).set_index_plans

FUNCTIONS = [
    "vouchers_till_wallet",
    "vouchers_record_redemption",
    "vouchers_redeem",
    "vouchers_redeem_at_till",
]


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0003_redeem_at_till"),
        ("ledger", "0005_functions_use_indexes"),
    ]
    operations = [
        migrations.RunPython(set_index_plans(FUNCTIONS, True), set_index_plans(FUNCTIONS, False))
    ]
