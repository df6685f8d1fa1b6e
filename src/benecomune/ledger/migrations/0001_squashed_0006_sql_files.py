"""The ledger's schema in one step (replaces 0001-0006, whose history is in the repository).

Transfers and entries are history: the database refuses to UPDATE them, and on PostgreSQL
to DELETE them too (the test database is emptied with TRUNCATE, which these triggers do not
fire on). On SQLite only UPDATE is refused, so the test runner's flush (DELETE) still works;
the models refuse delete() on both. On PostgreSQL `ledger_transfer()` comes from
ledger/sql/ledger_transfer.sql (core/sql_files.py)."""

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.manager
from django.conf import settings
from django.db import migrations, models

from benecomune.core.sql_files import ApplySqlFiles

TABLES = ["ledger_transfer", "ledger_entry"]

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger history is append-only (%)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
    "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();\n"
    for t in TABLES
)
POSTGRES_BACKWARD = "".join(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};\n" for t in TABLES) + (
    "DROP FUNCTION IF EXISTS ledger_refuse_change();"
)
SQLITE_FORWARD = [
    f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} "
    "BEGIN SELECT RAISE(ABORT, 'ledger history is append-only'); END;"
    for t in TABLES
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {t}_no_update;" for t in TABLES]


def append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def changeable(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ("ledger", "0001_initial"),
        ("ledger", "0002_entries_append_only"),
        ("ledger", "0003_ledger_transfer_function"),
        ("ledger", "0004_lean_indexes"),
        ("ledger", "0005_functions_use_indexes"),
        ("ledger", "0006_sql_files"),
    ]

    dependencies = [
        ('core', '0002_audit_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Account',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('fund', 'Fondo'), ('wallet', 'Borsellino del beneficiario'), ('merchant', "Crediti dell'esercente"), ('clearing', 'Conto di transito'), ('payout', 'Conto dei pagamenti'), ('shared_value', 'Valore condiviso'), ('external', 'Conto esterno')], max_length=20, verbose_name='tipo')),
                ('name', models.CharField(max_length=200, verbose_name='nome')),
                ('currency', models.CharField(default='EUR', editable=False, max_length=3, verbose_name='valuta')),
                ('allow_negative', models.BooleanField(default=False, editable=False)),
                ('balance', models.BigIntegerField(default=0, editable=False, verbose_name='saldo consolidato (centesimi)')),
                ('held', models.BigIntegerField(default=0, editable=False, verbose_name='importo riservato (centesimi)')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ledger_accounts', to='core.organization', verbose_name='organizzazione')),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='ledger_accounts', to='core.person', verbose_name='persona')),
            ],
            options={
                'verbose_name': 'conto',
                'verbose_name_plural': 'conti',
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='BalanceDelta',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.BigIntegerField()),
                ('account', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ledger.account')),
            ],
        ),
        migrations.CreateModel(
            name='Fund',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='nome')),
                ('origin', models.CharField(choices=[('national', 'Statale'), ('regional', 'Regionale'), ('municipal', 'Comunale'), ('mixed', 'Misto pubblico-privato'), ('private', 'Privato')], max_length=20, verbose_name='origine')),
                ('legal_basis', models.TextField(blank=True, verbose_name='base giuridica')),
                ('description', models.TextField(blank=True, verbose_name='descrizione')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='valido dal')),
                ('valid_until', models.DateField(blank=True, null=True, verbose_name='valido fino al')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('account', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='fund', to='ledger.account')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='funds', to='core.organization', verbose_name='titolare')),
            ],
            options={
                'verbose_name': 'fondo',
                'verbose_name_plural': 'fondi',
                'ordering': ['name'],
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='Reservation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.BigIntegerField(verbose_name='importo riservato')),
                ('consumed', models.BigIntegerField(default=0, verbose_name='importo pagato')),
                ('released', models.BigIntegerField(default=0, verbose_name='importo liberato')),
                ('object_type', models.CharField(blank=True, max_length=80)),
                ('object_id', models.CharField(blank=True, max_length=64)),
                ('reason', models.CharField(blank=True, max_length=200, verbose_name='motivo')),
                ('idempotency_key', models.CharField(blank=True, max_length=100, null=True, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reservations', to='ledger.account')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.organization')),
            ],
            options={
                'verbose_name': 'prenotazione di budget',
                'verbose_name_plural': 'prenotazioni di budget',
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='Transfer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('idempotency_key', models.CharField(max_length=100, verbose_name='chiave di idempotenza')),
                ('kind', models.CharField(choices=[('contribution', 'Contributo al fondo'), ('award', 'Assegnazione'), ('top_up', 'Ricarica'), ('payment', 'Pagamento'), ('expiry', 'Restituzione per scadenza'), ('settlement', 'Liquidazione'), ('payout', 'Bonifico in uscita'), ('reimbursement', 'Rimborso'), ('shared_value', 'Quota di valore condiviso'), ('reversal', 'Storno')], max_length=20, verbose_name='tipo')),
                ('amount', models.BigIntegerField(verbose_name='importo (centesimi)')),
                ('object_type', models.CharField(blank=True, max_length=80)),
                ('object_id', models.CharField(blank=True, max_length=64)),
                ('memo', models.CharField(blank=True, max_length=200, verbose_name='causale')),
                ('actor_role', models.CharField(blank=True, max_length=40)),
                ('created_at', models.DateTimeField(db_index=True, verbose_name='quando')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('credit_account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credits', to='ledger.account', verbose_name='accreditato')),
                ('debit_account', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='debits', to='ledger.account', verbose_name='addebitato')),
                ('reservation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='transfers', to='ledger.reservation')),
                ('reversal_of', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reversal', to='ledger.transfer')),
            ],
            options={
                'verbose_name': 'movimento',
                'verbose_name_plural': 'movimenti',
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='Entry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.BigIntegerField(verbose_name='importo (centesimi)')),
                ('created_at', models.DateTimeField(verbose_name='quando')),
                ('account', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='ledger.account')),
                ('transfer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='ledger.transfer')),
            ],
            options={
                'verbose_name': 'scrittura',
                'verbose_name_plural': 'scritture',
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.CreateModel(
            name='Wallet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='nome')),
                ('source_kind', models.CharField(choices=[('call_award', 'Contributo di un bando'), ('company_plan', 'Piano di welfare aziendale'), ('top_up', 'Ricarica personale')], max_length=20, verbose_name='provenienza')),
                ('source_type', models.CharField(blank=True, max_length=80)),
                ('source_id', models.CharField(blank=True, max_length=64)),
                ('allowed_categories', models.JSONField(blank=True, default=list, verbose_name='categorie di esercenti')),
                ('valid_from', models.DateField(blank=True, null=True, verbose_name='spendibile dal')),
                ('valid_until', models.DateField(blank=True, null=True, verbose_name='spendibile fino al')),
                ('nominative', models.BooleanField(default=True, verbose_name='nominativo')),
                ('expired_at', models.DateTimeField(blank=True, null=True, verbose_name='scaduto il')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('account', models.OneToOneField(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='wallet', to='ledger.account')),
                ('fund', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='wallets', to='ledger.fund', verbose_name='fondo')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='wallets', to='core.organization', verbose_name='emesso da')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='wallets', to='core.person', verbose_name='beneficiario')),
                ('territory_municipalities', models.ManyToManyField(blank=True, related_name='+', to='core.municipality', verbose_name='Comuni')),
                ('territory_network', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.network', verbose_name='rete')),
            ],
            options={
                'verbose_name': 'borsellino',
                'verbose_name_plural': 'borsellini',
                'ordering': ['-created_at'],
                'base_manager_name': 'objects_unscoped',
            },
            managers=[
                ('objects', django.db.models.manager.Manager()),
                ('objects_unscoped', django.db.models.manager.Manager()),
            ],
        ),
        migrations.AddConstraint(
            model_name='account',
            constraint=models.CheckConstraint(condition=models.Q(('currency', 'EUR')), name='ledger_account_eur'),
        ),
        migrations.AddConstraint(
            model_name='account',
            constraint=models.CheckConstraint(condition=models.Q(('allow_negative', False), ('kind', 'external'), _connector='OR'), name='ledger_account_only_external_negative'),
        ),
        migrations.AddConstraint(
            model_name='account',
            constraint=models.CheckConstraint(condition=models.Q(('allow_negative', True), models.Q(('balance__gte', models.F('held')), ('held__gte', 0)), _connector='OR'), name='ledger_account_no_overdraft'),
        ),
        migrations.AddConstraint(
            model_name='account',
            constraint=models.CheckConstraint(condition=models.Q(('allow_negative', False), ('held', 0), _connector='OR'), name='ledger_account_external_no_hold'),
        ),
        migrations.AddConstraint(
            model_name='account',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'merchant')), fields=('organization',), name='ledger_one_receivable_per_merchant'),
        ),
        migrations.AddConstraint(
            model_name='account',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'external')), fields=('organization', 'name'), name='ledger_unique_external_name'),
        ),
        migrations.AddIndex(
            model_name='balancedelta',
            index=models.Index(fields=['account'], name='ledger_delta_account'),
        ),
        migrations.AddConstraint(
            model_name='balancedelta',
            constraint=models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='ledger_delta_nonzero'),
        ),
        migrations.AddConstraint(
            model_name='reservation',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0), ('consumed__gte', 0), ('released__gte', 0), ('amount__gte', django.db.models.expressions.CombinedExpression(models.F('consumed'), '+', models.F('released')))), name='ledger_reservation_bounds'),
        ),
        migrations.AddIndex(
            model_name='transfer',
            index=models.Index(fields=['object_type', 'object_id'], name='ledger_tran_object__ef4b19_idx'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.UniqueConstraint(fields=('idempotency_key',), name='ledger_transfer_unique_idempotency_key'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='ledger_transfer_positive'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.CheckConstraint(condition=models.Q(('debit_account', models.F('credit_account')), _negated=True), name='ledger_transfer_two_accounts'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'reversal'), ('reversal_of__isnull', False)), models.Q(models.Q(('kind', 'reversal'), _negated=True), ('reversal_of__isnull', True)), _connector='OR'), name='ledger_reversal_has_original'),
        ),
        migrations.AddIndex(
            model_name='entry',
            index=models.Index(fields=['account', 'created_at', 'id'], name='ledger_entry_statement'),
        ),
        migrations.AddConstraint(
            model_name='entry',
            constraint=models.CheckConstraint(condition=models.Q(('amount', 0), _negated=True), name='ledger_entry_nonzero'),
        ),
        migrations.AddIndex(
            model_name='wallet',
            index=models.Index(fields=['valid_until', 'expired_at'], name='ledger_wall_valid_u_df1e26_idx'),
        ),
        migrations.RunPython(append_only, changeable),
        ApplySqlFiles("ledger", ["ledger_transfer.sql"], creates=True),
    ]
