"""Staff may stop an e-mail that must not go: the outbox's "cancelled" status
(core/services/outbox.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_notifications_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboxmessage",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Da inviare"),
                    ("sent", "Inviato"),
                    ("failed", "Non inviato"),
                    ("cancelled", "Annullato"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
    ]
