"""A typed code pays once: the payment or authorisation that uses it records when."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0004_functions_use_indexes")]

    operations = [
        migrations.AddField(
            model_name="typedcode",
            name="used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="usato il"),
        ),
    ]
