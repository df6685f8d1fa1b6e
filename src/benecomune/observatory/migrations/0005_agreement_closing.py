import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0011_desk_roles'),
        ('observatory', '0004_usage_rollup'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='sharedvalueagreement',
            name='closing_reason',
            field=models.TextField(blank=True, verbose_name='motivo'),
        ),
        migrations.AddField(
            model_name='sharedvalueagreement',
            name='ended_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='terminato il'),
        ),
        migrations.AddField(
            model_name='sharedvalueagreement',
            name='ended_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='sharedvalueagreement',
            name='refused_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='rifiutato il'),
        ),
        migrations.AddField(
            model_name='sharedvalueagreement',
            name='refused_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='sharedvalueagreement',
            name='signed_until',
            field=models.DateField(blank=True, null=True, verbose_name='scadenza firmata'),
        ),
        migrations.AddField(
            model_name='sharedvalueagreement',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='ritirato il'),
        ),
        migrations.AddField(
            model_name='sharedvalueagreement',
            name='withdrawn_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='sharedvalueagreement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('refused_at__isnull', True), ('withdrawn_at__isnull', True)), models.Q(('ended_at__isnull', True), ('refused_at__isnull', True)), models.Q(('ended_at__isnull', True), ('withdrawn_at__isnull', True)), _connector='OR'), name='observatory_agreement_closed_once'),
        ),
        migrations.AddConstraint(
            model_name='sharedvalueagreement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('refused_at__isnull', True), ('withdrawn_at__isnull', True)), ('merchant_signed_at__isnull', True), _connector='OR'), name='observatory_agreement_refused_unsigned'),
        ),
        migrations.AddConstraint(
            model_name='sharedvalueagreement',
            constraint=models.CheckConstraint(condition=models.Q(('ended_at__isnull', True), models.Q(('merchant_signed_at__isnull', False), ('signed_until__isnull', False)), _connector='OR'), name='observatory_agreement_ended_signed'),
        ),
    ]
