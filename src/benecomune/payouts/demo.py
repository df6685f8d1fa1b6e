"""Demo payouts: shops' bank accounts, a batch already paid (in the history) and an approved
debit note for the demo shop waiting for the next batch. Idempotent: if the demo shop has a
debit note, nothing is done. Everything goes through the services, so the books balance."""

from django.test.utils import override_settings
from schwifty import IBAN

from benecomune.core.models import Municipality, Provider
from benecomune.ledger.models import Account, AccountKind
from benecomune.payouts.models import BatchItem, DebitNote
from benecomune.payouts.services import batches, debit_notes, results
from benecomune.payouts.services.accounts import update_settings
from benecomune.payouts.services.payees import set_payee_account

DEMO_SHOP = "alimentari-da-bepi"
PLATFORM_IBAN = "IT60X0542811101000000123456"


def seed(actor, network, rng):
    # The demo's shops would each get an e-mail per step: the demo sends none.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _seed(actor, network)


def _seed(actor, network):
    piazzola = Municipality.objects.get(slug="piazzola-sul-brenta")
    shop = Provider.objects.filter(slug=DEMO_SHOP).first()
    if shop is None or DebitNote.objects_unscoped.filter(merchant=shop).exists():
        return
    update_settings(
        actor,
        piazzola,
        debtor_name="Welfare Bene Comune - conto dedicato",
        debtor_iban=PLATFORM_IBAN,
    )
    with_payments = Provider.objects.filter(
        pk__in=Account.objects_unscoped.filter(kind=AccountKind.MERCHANT).values("organization_id"),
        network=network,
    ).order_by("pk")
    for number, merchant in enumerate(with_payments):
        iban = IBAN.generate("IT", bank_code="0306962600", account_code=f"{100200 + number:012d}")
        set_payee_account(actor, merchant, iban=str(iban), holder=merchant.name[:70])
    # The other shops were settled last week: their batch is paid and closed.
    paid_notes = []
    for merchant in with_payments.exclude(pk=shop.pk):
        for note in debit_notes.build_debit_notes(actor, merchant, payer_id=piazzola.pk):
            if note.total > 0:
                note = debit_notes.issue_debit_note(actor, note)
                paid_notes.append(debit_notes.approve_debit_note(actor, note))
    if paid_notes:
        batch = batches.generate_batch(batches.prepare_batch(actor, piazzola, start=False).pk)
        batch = batches.approve_batch(actor, batch)
        references = BatchItem.objects_unscoped.filter(batch=batch).values_list(
            "end_to_end_id", flat=True
        )
        rows = "\n".join(f"{ref};pagato;" for ref in references)
        results.import_results(
            actor,
            batch,
            data=f"riferimento;esito;motivo\n{rows}\n".encode(),
            filename="esiti-demo.csv",
        )
    # The demo shop's note is approved and waits for the next batch.
    for note in debit_notes.build_debit_notes(actor, shop, payer_id=piazzola.pk):
        if note.total > 0:
            debit_notes.approve_debit_note(actor, debit_notes.issue_debit_note(actor, note))
