"""Bank results: pain.002 and CSV outcomes; rejected payouts corrected into a follow-up batch;
malformed or mismatching files refused with a clear message and nothing changed."""

import pytest
from django.core.exceptions import ValidationError

from benecomune.core.models import AuditEvent, Notification
from benecomune.ledger.models import Transfer, TransferKind
from benecomune.ledger.services.statements import balance
from benecomune.payouts.models import (
    BankReport,
    BatchItem,
    BatchStatus,
    DebitNote,
    DebitNoteStatus,
    ItemStatus,
    PayoutOrder,
    PayoutStatus,
)
from benecomune.payouts.services import batches
from benecomune.payouts.services.accounts import payer_setup
from benecomune.payouts.services.payees import set_payee_account
from benecomune.payouts.services.results import import_results
from tests.payouts.bank import approved_notes, pain002, ready_batch, refs
from tests.payouts.conftest import new_iban

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(
    make_shop,
    system_actor,
    admin,
    validator,
    make_wallet,
    pay,
    payer,
    django_capture_on_commit_callbacks,
):
    shops = [make_shop() for _ in range(3)]
    for shop in shops:
        set_payee_account(system_actor, shop, iban=new_iban(), holder="Titolare")
    approved_notes(
        system_actor, admin, [(s, 1_000 * (i + 1)) for i, s in enumerate(shops)], make_wallet, pay
    )
    return batches.approve_batch(validator, ready_batch(admin, payer))


def upload(admin, batch, data, capture, name="esiti.xml"):
    with capture(execute=True):
        return import_results(admin, batch, data=data, filename=name)


def snapshot():
    return (
        sorted(BatchItem.objects_unscoped.values_list("pk", "status")),
        sorted(PayoutOrder.objects_unscoped.values_list("pk", "status", "iban")),
        Transfer.objects_unscoped.count(),
        BankReport.objects_unscoped.count(),
        sorted(DebitNote.objects_unscoped.values_list("pk", "status")),
    )


def test_paid_and_rejected_outcomes(batch, admin, payer, django_capture_on_commit_callbacks):
    first, second, third = refs(batch)
    report = upload(
        admin,
        batch,
        pain002(batch.message_id, [(first, "ACSC", "", 1_000), (second, "RJCT", "AC04", None)]),
        django_capture_on_commit_callbacks,
    )
    report.refresh_from_db()
    assert (report.paid, report.rejected) == (1, 1)
    items = {i.end_to_end_id: i for i in BatchItem.objects_unscoped.all()}
    assert items[first].status == ItemStatus.PAID
    assert items[first].payout_transfer.kind == TransferKind.PAYOUT
    assert items[second].status == ItemStatus.REJECTED
    assert items[second].reason == "AC04 conto chiuso"
    assert items[third].status == ItemStatus.QUEUED
    paid_note = DebitNote.objects_unscoped.get(payout_order__batch_items__end_to_end_id=first)
    assert paid_note.status == DebitNoteStatus.PAID
    rejected_order = PayoutOrder.objects_unscoped.get(batch_items__end_to_end_id=second)
    assert rejected_order.status == PayoutStatus.REJECTED
    assert (
        DebitNote.objects_unscoped.get(payout_order=rejected_order).status
        == DebitNoteStatus.APPROVED
    )
    setup = payer_setup(payer)
    # Rejected money stays on the platform's account until it is paid again.
    assert balance(setup.platform_account) == 2_000 + 3_000
    assert balance(setup.beneficiaries_account) == 1_000  # paid out to the world
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED
    upload(
        admin,
        batch,
        pain002(batch.message_id, [(third, "ACSC", "", None)]),
        django_capture_on_commit_callbacks,
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CLOSED


def test_a_group_status_covers_every_transfer(batch, admin, django_capture_on_commit_callbacks):
    upload(
        admin,
        batch,
        pain002(batch.message_id, [], group_status="ACSC"),
        django_capture_on_commit_callbacks,
    )
    assert set(BatchItem.objects_unscoped.values_list("status", flat=True)) == {ItemStatus.PAID}
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CLOSED


def test_csv_outcomes(batch, admin, django_capture_on_commit_callbacks):
    first, second, third = refs(batch)
    data = (
        "riferimento;esito;motivo;importo\n"
        f"{first};pagato;;10,00\n{second};respinto;IBAN inesistente;20,00\n{third};pagato;;\n"
    ).encode()
    upload(admin, batch, data, django_capture_on_commit_callbacks, name="esiti.csv")
    statuses = dict(BatchItem.objects_unscoped.values_list("end_to_end_id", "status"))
    assert statuses == {first: "paid", second: "rejected", third: "paid"}


def test_rejected_payout_is_corrected_and_paid_in_a_follow_up_batch(
    batch, admin, validator, payer, shopkeeper, django_capture_on_commit_callbacks, system_actor
):
    first, second, third = refs(batch)
    upload(
        admin,
        batch,
        pain002(
            batch.message_id,
            [(first, "ACSC", "", None), (second, "RJCT", "AC01", None), (third, "ACSC", "", None)],
        ),
        django_capture_on_commit_callbacks,
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CLOSED
    order = PayoutOrder.objects_unscoped.get(batch_items__end_to_end_id=second)
    with pytest.raises(ValidationError):
        batches.prepare_batch(admin, payer, start=False)  # nothing payable until corrected
    set_payee_account(system_actor, order.provider, iban=new_iban(), holder="Titolare nuovo")
    order.refresh_from_db()
    assert order.status == PayoutStatus.READY
    follow_up = ready_batch(admin, payer)
    assert (follow_up.item_count, follow_up.resent_count, follow_up.total) == (1, 1, order.amount)
    follow_up = batches.approve_batch(validator, follow_up)
    # Funded once already: the follow-up batch needs no second transfer from the Comune.
    assert follow_up.funding_transfer is None
    item = BatchItem.objects_unscoped.get(batch=follow_up)
    assert (item.attempt, item.holder) == (2, "Titolare nuovo")
    upload(
        admin,
        follow_up,
        pain002(follow_up.message_id, [(item.end_to_end_id, "ACSC", "", None)]),
        django_capture_on_commit_callbacks,
    )
    order.refresh_from_db()
    assert order.status == PayoutStatus.PAID
    assert Transfer.objects.filter(kind=TransferKind.PAYOUT).count() == 3
    assert balance(payer_setup(payer).platform_account) == 0


def test_reimport_of_the_same_file_changes_nothing(
    batch, admin, django_capture_on_commit_callbacks
):
    data = pain002(batch.message_id, [(refs(batch)[0], "ACSC", "", None)])
    upload(admin, batch, data, django_capture_on_commit_callbacks)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        upload(admin, batch, data, django_capture_on_commit_callbacks)
    assert "non porta esiti nuovi" in str(error.value)
    assert snapshot() == before


BAD_FILES = {
    "not xml": (b"<Document><oops", "non è un XML leggibile"),
    "not a status report": (
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn/>'
        b"</Document>",
        "non è un esito di pagamento pain.002",
    ),
    "entity expansion": (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<Document>&b;</Document>",
        "DTD o entità",
    ),
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<Document>&x;</Document>",
        "DTD o entità",
    ),
    "empty csv": (b"", "vuoto"),
    "csv without header": (b"BC1-1;pagato\n", "Intestazione del CSV non valida"),
    "csv unknown outcome": (b"riferimento;esito\nBC1-1;forse\n", "non riconosciuto"),
    "csv rejection without reason": (b"riferimento;esito\nBC1-1;respinto\n", "motivo del rifiuto"),
    "csv not utf-8": ("riferimento;esito\nè;pagato\n".encode("latin-1"), "UTF-8"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_malformed_files_are_refused_and_change_nothing(
    batch, admin, name, django_capture_on_commit_callbacks
):
    data, message = BAD_FILES[name]
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        upload(admin, batch, data, django_capture_on_commit_callbacks)
    assert message in str(error.value)
    assert snapshot() == before


def test_mismatching_files_are_refused_and_change_nothing(
    batch, admin, django_capture_on_commit_callbacks
):
    first, second, _third = refs(batch)
    cases = [
        (pain002("BC-999-2026-00001", [(first, "ACSC", "", None)]), "riguarda un'altra distinta"),
        (pain002(batch.message_id, [("BC999-1", "ACSC", "", None)]), "non fa parte della distinta"),
        (pain002(batch.message_id, [(first, "ACSC", "", 999)]), "Importo diverso"),
        (
            pain002(batch.message_id, [(first, "ACSC", "", None), (first, "RJCT", "AC01", None)]),
            "compare due volte",
        ),
        (pain002(batch.message_id, [(first, "XXXX", "", None)]), "sconosciuto"),
        # One good outcome and one bad one: the good one is not recorded either.
        (
            pain002(batch.message_id, [(first, "ACSC", "", None), ("BC999-9", "ACSC", "", None)]),
            "non fa parte",
        ),
    ]
    before = snapshot()
    for data, message in cases:
        with pytest.raises(ValidationError) as error:
            upload(admin, batch, data, django_capture_on_commit_callbacks)
        assert message in str(error.value), message
        assert snapshot() == before
    # An outcome that contradicts one already recorded.
    upload(
        admin,
        batch,
        pain002(batch.message_id, [(first, "ACSC", "", None)]),
        django_capture_on_commit_callbacks,
    )
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        upload(
            admin,
            batch,
            pain002(batch.message_id, [(first, "RJCT", "AC04", None), (second, "ACSC", "", None)]),
            django_capture_on_commit_callbacks,
        )
    assert "risulta già pagato" in str(error.value)
    assert snapshot() == before


def test_results_only_for_approved_batches(
    notes_batch_ready, admin, django_capture_on_commit_callbacks
):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        upload(
            admin,
            notes_batch_ready,
            pain002(notes_batch_ready.message_id, []),
            django_capture_on_commit_callbacks,
        )
    assert "non è stata approvata" in str(error.value)
    assert snapshot() == before


@pytest.fixture
def notes_batch_ready(make_shop, system_actor, admin, make_wallet, pay, payer):
    shop = make_shop()
    set_payee_account(system_actor, shop, iban=new_iban(), holder="Titolare")
    approved_notes(system_actor, admin, [(shop, 500)], make_wallet, pay)
    return ready_batch(admin, payer)


def test_results_are_audited_and_beneficiaries_told(
    batch, admin, django_capture_on_commit_callbacks, mailoutbox
):
    first, second, _ = refs(batch)
    upload(
        admin,
        batch,
        pain002(batch.message_id, [(first, "ACSC", "", None), (second, "RJCT", "AC01", None)]),
        django_capture_on_commit_callbacks,
    )
    assert AuditEvent.objects_unscoped.filter(action="payouts.results_uploaded").count() == 1
    assert AuditEvent.objects_unscoped.filter(action="payouts.results_applied").count() == 1
    subjects = sorted(m.subject for m in mailoutbox)
    assert "[Bene Comune] Nota di debito pagata" in subjects
    assert "[Bene Comune] Bonifico non riuscito: aggiorni l'IBAN" in subjects
    assert Notification  # citizens are told in-app (see the claims tests)
