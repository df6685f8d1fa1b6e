"""The REFUND transfer kind: only the field's choices change (no schema change in the database)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_squashed_0006_sql_files"),
    ]

    operations = [
        migrations.AlterField(
            model_name="transfer",
            name="kind",
            field=models.CharField(
                choices=[
                    ("contribution", "Contributo al fondo"),
                    ("award", "Assegnazione"),
                    ("top_up", "Ricarica"),
                    ("payment", "Pagamento"),
                    ("expiry", "Restituzione per scadenza"),
                    ("settlement", "Liquidazione"),
                    ("payout", "Bonifico in uscita"),
                    ("reimbursement", "Rimborso"),
                    ("shared_value", "Quota di valore condiviso"),
                    ("reversal", "Storno"),
                    ("refund", "Rimborso di un pagamento"),
                ],
                max_length=20,
                verbose_name="tipo",
            ),
        ),
    ]
