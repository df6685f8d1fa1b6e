"""PostgreSQL: the till's functions now live in vouchers/sql/*.sql (their definitions after
migrations 0002-0006, unchanged, `enable_seqscan = off` included). Later changes are made in
the files and applied by a new migration with the same operation."""

from django.db import migrations

from benecomune.core.sql_files import ApplySqlFiles


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0006_till_checks_token"), ("ledger", "0006_sql_files")]
    operations = [
        ApplySqlFiles(
            "vouchers",
            [
                "vouchers_till_wallet.sql",
                "vouchers_record_redemption.sql",
                "vouchers_redeem.sql",
                "vouchers_redeem_at_till.sql",
            ],
        )
    ]
