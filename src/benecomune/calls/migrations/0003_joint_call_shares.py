"""Joint calls say how they use the shares of their Comuni (calls.services.shares).

Existing calls keep today's behaviour: one ranking for the whole network, no redistribution.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("calls", "0002_recompute_rank_key")]

    operations = [
        migrations.AddField(
            model_name="call",
            name="share_mode",
            field=models.CharField(
                choices=[
                    ("network", "Graduatoria unica della rete"),
                    ("per_municipality", "Quota di ciascun Comune"),
                ],
                default="network",
                max_length=20,
                verbose_name="uso delle quote dei Comuni",
            ),
        ),
        migrations.AddField(
            model_name="call",
            name="redistribute_unused",
            field=models.BooleanField(
                default=False, verbose_name="ridistribuzione delle quote non usate"
            ),
        ),
    ]
