"""Fringe cap on every path: a plan spend may be a direct payment (the till) instead of a hold,
and the till's one-statement gate sends plan wallets to the Python path, which counts them
(vouchers/sql/vouchers_redeem_at_till.sql applied again)."""

import django.db.models.deletion
from django.db import migrations, models

from benecomune.core.sql_files import ApplySqlFiles


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_desk_roles"),
        ("corporate", "0006_payroll"),
        ("ledger", "0007_refund_kind"),
        ("vouchers", "0001_squashed_0007_sql_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="planspend",
            name="transfer",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plan_spend",
                to="ledger.transfer",
            ),
        ),
        migrations.AlterField(
            model_name="planspend",
            name="hold",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plan_spend",
                to="ledger.reservation",
            ),
        ),
        migrations.AddConstraint(
            model_name="planspend",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("hold__isnull", False), ("transfer__isnull", False), _connector="OR"
                ),
                name="plan_spend_hold_or_payment",
            ),
        ),
        ApplySqlFiles("vouchers", ["vouchers_redeem_at_till.sql"]),
    ]
