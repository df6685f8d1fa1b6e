"""The vouchers' schema in one step (replaces 0001-0007, whose history is in the repository).
On PostgreSQL the till's functions come from vouchers/sql/*.sql (core/sql_files.py)."""

import django.db.models.deletion
import django.db.models.manager
from django.conf import settings
from django.db import migrations, models

from benecomune.core.sql_files import ApplySqlFiles


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ("vouchers", "0001_initial"),
        ("vouchers", "0002_till_functions"),
        ("vouchers", "0003_redeem_at_till"),
        ("vouchers", "0004_functions_use_indexes"),
        ("vouchers", "0005_single_use_codes"),
        ("vouchers", "0006_till_checks_token"),
        ("vouchers", "0007_sql_files"),
    ]

    dependencies = [
        ('core', '0003_person_disability'),
        ('ledger', '0001_squashed_0006_sql_files'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='TillNotice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=10)),
                ('object_id', models.BigIntegerField()),
                ('created_at', models.DateTimeField()),
            ],
            options={
                'verbose_name': 'avviso di cassa da inviare',
                'verbose_name_plural': 'avvisi di cassa da inviare',
            },
        ),
        migrations.CreateModel(
            name='Authorisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('idempotency_key', models.CharField(max_length=64)),
                ('amount', models.BigIntegerField(verbose_name='importo autorizzato (centesimi)')),
                ('status', models.CharField(choices=[('authorised', 'Autorizzata'), ('captured', 'Incassata'), ('voided', 'Annullata')], default='authorised', max_length=20)),
                ('channel', models.CharField(choices=[('qr', 'Codice QR dal telefono'), ('code', 'Codice digitato'), ('card', 'Tessera stampata')], max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('closed_at', models.DateTimeField(blank=True, null=True)),
                ('void_key', models.CharField(blank=True, max_length=64)),
                ('device', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.apitoken')),
                ('hold', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.reservation')),
                ('issuer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization')),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.provider')),
                ('staff', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('wallet', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.wallet')),
            ],
            options={
                'verbose_name': 'autorizzazione',
                'verbose_name_plural': 'autorizzazioni',
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='Circuit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='nome')),
                ('convention_text', models.TextField(verbose_name='testo della convenzione')),
                ('convention_version', models.PositiveIntegerField(default=1, verbose_name='versione della convenzione')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('organization', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='voucher_circuit', to='core.organization', verbose_name='Comune o rete')),
            ],
            options={
                'verbose_name': 'circuito degli esercenti',
                'verbose_name_plural': 'circuiti degli esercenti',
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='PointOfSale',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='nome')),
                ('address', models.CharField(max_length=200, verbose_name='indirizzo')),
                ('is_active', models.BooleanField(default=True, verbose_name='attivo')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='points_of_sale', to='core.provider')),
            ],
            options={
                'verbose_name': 'punto vendita',
                'verbose_name_plural': 'punti vendita',
                'ordering': ['name', 'pk'],
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='TypedCode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=8, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('expires_at', models.DateTimeField(db_index=True)),
                ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='usato il')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.organization')),
                ('wallet', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ledger.wallet')),
            ],
            options={
                'verbose_name': 'codice da digitare',
                'verbose_name_plural': 'codici da digitare',
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='VoucherCard',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=12, unique=True, verbose_name='numero della tessera')),
                ('pin_hash', models.CharField(max_length=64)),
                ('status', models.CharField(choices=[('active', 'Attiva'), ('locked', 'Bloccata per PIN errati'), ('blocked', 'Bloccata dal titolare'), ('replaced', 'Sostituita')], default='active', max_length=20, verbose_name='stato')),
                ('failed_pins', models.PositiveSmallIntegerField(default=0, verbose_name='PIN errati di fila')),
                ('issued_at', models.DateTimeField(auto_now_add=True, verbose_name='emessa il')),
                ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='bloccata o sostituita il')),
                ('close_reason', models.CharField(blank=True, max_length=200, verbose_name='motivo')),
                ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization')),
                ('wallet', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cards', to='ledger.wallet')),
            ],
            options={
                'verbose_name': 'tessera del buono',
                'verbose_name_plural': 'tessere dei buoni',
                'ordering': ['-issued_at'],
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='Redemption',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.BigIntegerField(verbose_name='importo (centesimi)')),
                ('balance_after', models.BigIntegerField(verbose_name='saldo residuo (centesimi)')),
                ('channel', models.CharField(choices=[('qr', 'Codice QR dal telefono'), ('code', 'Codice digitato'), ('card', 'Tessera stampata')], max_length=10, verbose_name='come')),
                ('created_at', models.DateTimeField(verbose_name='quando')),
                ('voided_at', models.DateTimeField(blank=True, null=True, verbose_name='annullato il')),
                ('void_reason', models.CharField(blank=True, max_length=200, verbose_name="motivo dell'annullamento")),
                ('authorisation', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='redemptions', to='vouchers.authorisation')),
                ('device', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.apitoken')),
                ('issuer', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization')),
                ('merchant', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.provider', verbose_name='esercente')),
                ('staff', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('transfer', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='voucher_redemption', to='ledger.transfer')),
                ('void_transfer', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.transfer')),
                ('voided_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('wallet', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.wallet')),
                ('card', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='vouchers.vouchercard')),
            ],
            options={
                'verbose_name': 'incasso di un buono',
                'verbose_name_plural': 'incassi di buoni',
                'ordering': ['-created_at', '-pk'],
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.AddField(
            model_name='authorisation',
            name='card',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='vouchers.vouchercard'),
        ),
        migrations.CreateModel(
            name='CircuitMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('pending', 'In attesa di approvazione'), ('approved', 'Approvata'), ('rejected', 'Respinta'), ('suspended', 'Sospesa')], default='pending', max_length=20, verbose_name='stato')),
                ('category', models.CharField(choices=[('grocery', 'Alimentari'), ('pharmacy', 'Farmacia'), ('bakery', 'Panificio'), ('stationery', 'Cartoleria'), ('clothing', 'Abbigliamento'), ('butcher', 'Macelleria'), ('home_care', 'Assistenza domiciliare'), ('tutoring', 'Doposcuola e tutoraggio'), ('education', 'Servizi educativi'), ('other', 'Altro')], max_length=30, verbose_name='categoria')),
                ('vat_number', models.CharField(max_length=11, verbose_name='partita IVA')),
                ('iban', models.CharField(max_length=34, verbose_name='IBAN per i rimborsi')),
                ('iban_holder', models.CharField(max_length=200, verbose_name='intestatario del conto')),
                ('address', models.CharField(max_length=200, verbose_name='indirizzo della sede')),
                ('contact_name', models.CharField(blank=True, max_length=200, verbose_name='referente')),
                ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail del referente')),
                ('contact_phone', models.CharField(blank=True, max_length=30, verbose_name='telefono')),
                ('requested_at', models.DateTimeField(verbose_name='richiesta il')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decisa il')),
                ('decision_reason', models.TextField(blank=True, verbose_name='motivazione')),
                ('convention_version', models.PositiveIntegerField(blank=True, null=True)),
                ('convention_accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='convenzione accettata il')),
                ('circuit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='vouchers.circuit')),
                ('convention_accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='circuit_memberships', to='core.provider', verbose_name='esercente')),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.municipality', verbose_name='Comune della sede')),
                ('organization', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'adesione al circuito',
                'verbose_name_plural': 'adesioni al circuito',
                'ordering': ['merchant__name'],
                'base_manager_name': 'objects_unscoped',
                'indexes': [models.Index(fields=['merchant', 'status'], name='vouchers_member_merchant')],
                'constraints': [models.UniqueConstraint(fields=('circuit', 'merchant'), name='vouchers_one_membership')],
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.AddConstraint(
            model_name='vouchercard',
            constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['active', 'locked'])), fields=('wallet',), name='vouchers_one_open_card'),
        ),
        migrations.AddIndex(
            model_name='redemption',
            index=models.Index(fields=['merchant', 'created_at'], name='vouchers_red_merchant'),
        ),
        migrations.AddIndex(
            model_name='redemption',
            index=models.Index(fields=['issuer', 'created_at'], name='vouchers_red_issuer'),
        ),
        migrations.AddConstraint(
            model_name='redemption',
            constraint=models.UniqueConstraint(condition=models.Q(('authorisation__isnull', False)), fields=('authorisation',), name='vouchers_one_capture'),
        ),
        migrations.AddConstraint(
            model_name='authorisation',
            constraint=models.UniqueConstraint(fields=('merchant', 'idempotency_key'), name='vouchers_auth_key_per_merchant'),
        ),
        migrations.AddConstraint(
            model_name='authorisation',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='vouchers_auth_positive'),
        ),
        ApplySqlFiles(
            "vouchers",
            [
                "vouchers_till_wallet.sql",
                "vouchers_record_redemption.sql",
                "vouchers_redeem.sql",
                "vouchers_redeem_at_till.sql",
            ],
            creates=True,
        ),
    ]
