"""Payout batches: generation, SEPA files valid against the official XSD, maker-checker,
the single funding transfer, crash and resume without duplicates, withdrawal."""

import io

import pytest
import xmlschema
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from lxml import etree

from benecomune.core.models import Role
from benecomune.ledger.models import Transfer, TransferKind
from benecomune.ledger.services.statements import balance
from benecomune.payouts.models import (
    BatchItem,
    BatchStatus,
    DebitNoteStatus,
    ItemStatus,
    PayoutBatch,
    PayoutOrder,
    PayoutStatus,
)
from benecomune.payouts.sepa import pain001
from benecomune.payouts.services import batch_generation, batches
from benecomune.payouts.services.accounts import payer_setup
from benecomune.payouts.services.payees import set_payee_account
from tests.helpers import actor_for
from tests.payouts.bank import approved_notes, ready_batch
from tests.payouts.conftest import new_iban

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops(make_shop, system_actor):
    result = []
    for name in ("Panificio Già & Figli", "Farmacia Àlfa", "Macelleria Ü"):
        shop = make_shop(name)
        set_payee_account(system_actor, shop, iban=new_iban(), holder=f"{name} s.n.c.")
        result.append(shop)
    return result


@pytest.fixture
def notes(shops, system_actor, admin, make_wallet, pay, payer):
    return approved_notes(
        system_actor, admin, list(zip(shops, [12_345, 800, 99_999], strict=True)), make_wallet, pay
    )


def test_a_batch_gathers_every_payable_order_and_writes_valid_files(notes, admin, payer):
    batch = ready_batch(admin, payer)
    assert batch.status == BatchStatus.READY
    assert (batch.item_count, batch.total) == (3, 12_345 + 800 + 99_999)
    assert set(PayoutOrder.objects_unscoped.values_list("status", flat=True)) == {
        PayoutStatus.IN_BATCH
    }
    assert {n.status for n in type(notes[0]).objects_unscoped.all()} == {DebitNoteStatus.IN_BATCH}
    for field, scheme in (
        (batch.sepa_file, batch.scheme),
        (batch.sepa_file_legacy, "pain.001.001.03"),
    ):
        content = field.read()
        # Two independent validators against the official ISO 20022 schemas: libxml2 (what
        # the generator uses) and the pure-Python xmlschema (what sepaxml itself uses).
        schema_file = pain001.schema_path(scheme)
        xmlschema.XMLSchema(str(schema_file)).validate(io.BytesIO(content))
        etree.XMLSchema(etree.parse(str(schema_file))).assertValid(etree.fromstring(content))
        doc = etree.fromstring(content)
        ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:{scheme}"}
        assert doc.findtext(".//p:GrpHdr/p:MsgId", namespaces=ns) == batch.message_id
        assert doc.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=ns) == "3"
        assert doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns) == "1131.44"
        names = doc.xpath("//p:Cdtr/p:Nm/text()", namespaces=ns)
        assert names[0] == "Panificio Gia e Figli s.n.c."  # transliterated to the EPC set
        assert (
            doc.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=ns)
            == payer_setup(payer).debtor_iban
        )


def test_an_invalid_file_never_leaves_the_generator(tmp_path):
    path = tmp_path / "bad.xml"
    with open(path, "w") as out:
        pain001.write_pain001(
            out,
            scheme="pain.001.001.09",
            message_id="BC-1",
            created_at=__import__("datetime").datetime(2026, 11, 22, 10, 0),
            execution_date=__import__("datetime").date(2026, 11, 23),
            debtor=pain001.Debtor("Comune", "IT60X0542811101000000123456"),
            count=1,
            total=100,
            transactions=[("BC1-1", 100, "not-an-iban", "Mario Rossi", "Rimborso")],
        )
    with pytest.raises(pain001.BankFileInvalid) as error:
        pain001.validate_pain001(path, "pain.001.001.09")
    assert "non rispetta lo schema" in str(error.value)


def test_maker_and_checker_are_two_people(notes, admin, payer, validator, make_user, municipality):
    batch = ready_batch(admin, payer)
    with pytest.raises(PermissionDenied):
        batches.approve_batch(admin, batch)  # the municipality admin has no payouts.approve
    # Someone holding both roles still cannot approve what they prepared.
    both = make_user(
        "entrambi@piazzola.example.org", role=Role.VALIDATOR, organization=municipality
    )
    from benecomune.core.models import Membership

    Membership.objects.create(user=both, organization=municipality, role=Role.MUNICIPALITY_ADMIN)
    maker = actor_for(both, Role.MUNICIPALITY_ADMIN, municipality)
    checker_same_person = actor_for(both, Role.VALIDATOR, municipality)
    batches.withdraw_batch(admin, batch, reason="rifaccio")
    own = ready_batch(maker, payer)
    with pytest.raises(PermissionDenied) as error:
        batches.approve_batch(checker_same_person, own)
    assert "persona diversa" in str(error.value)
    own.refresh_from_db()
    assert own.status == BatchStatus.READY and own.funding_transfer_id is None
    batches.approve_batch(validator, own)
    own.refresh_from_db()
    assert own.status == BatchStatus.APPROVED and own.approved_by == validator.user


def test_approval_records_the_single_funding_transfer(notes, admin, payer, validator):
    batch = batches.approve_batch(validator, ready_batch(admin, payer))
    setup = payer_setup(payer)
    funding = batch.funding_transfer
    assert (funding.kind, funding.amount) == (TransferKind.SETTLEMENT, batch.total)
    assert (funding.debit_account_id, funding.credit_account_id) == (
        setup.payable_account_id,
        setup.platform_account_id,
    )
    assert balance(setup.payable_account) == 0
    assert balance(setup.platform_account) == batch.total
    assert (
        Transfer.objects.filter(
            kind=TransferKind.SETTLEMENT, object_type="payouts.payoutbatch"
        ).count()
        == 1
    )
    with pytest.raises(ValidationError):
        batches.approve_batch(validator, batch)


def test_preparing_needs_a_debit_account_and_something_to_pay(admin, municipality, payer):
    with pytest.raises(ValidationError) as error:
        batches.prepare_batch(admin, payer, start=False)
    assert "Non ci sono pagamenti" in str(error.value)
    assert not PayoutBatch.objects_unscoped.exists()


def test_a_second_open_batch_is_refused(notes, admin, payer):
    ready_batch(admin, payer)
    with pytest.raises(ValidationError) as error:
        batches.prepare_batch(admin, payer, start=False)
    assert "ancora da completare" in str(error.value)


def test_crash_mid_generation_and_rerun_pays_nobody_twice(
    notes, admin, payer, monkeypatch, system_actor, make_shop, make_wallet, pay
):
    more_shops = [make_shop() for _ in range(4)]
    for shop in more_shops:
        set_payee_account(system_actor, shop, iban=new_iban(), holder="Titolare")
    approved_notes(system_actor, admin, [(s, 1_000) for s in more_shops], make_wallet, pay)
    monkeypatch.setattr(batch_generation, "CHUNK", 2)
    batch = batches.prepare_batch(admin, payer, start=False)
    real_take = batch_generation._take_chunk
    calls = {"n": 0}

    def crash_after_two_chunks(*args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return real_take(*args)

    monkeypatch.setattr(batch_generation, "_take_chunk", crash_after_two_chunks)
    with pytest.raises(RuntimeError):
        batches.generate_batch(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREPARING
    assert BatchItem.objects_unscoped.filter(batch=batch).count() == 4
    monkeypatch.setattr(batch_generation, "_take_chunk", real_take)
    batches.generate_batch(batch.pk)
    batches.generate_batch(batch.pk)  # a third run changes nothing
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY
    orders = PayoutOrder.objects_unscoped.all()
    assert BatchItem.objects_unscoped.filter(batch=batch).count() == orders.count() == 7
    assert sorted(BatchItem.objects_unscoped.values_list("order_id", flat=True)) == sorted(
        orders.values_list("pk", flat=True)
    )
    assert batch.total == sum(orders.values_list("amount", flat=True))


def test_the_database_refuses_an_order_in_two_live_batches(notes, admin, payer):
    batch = ready_batch(admin, payer)
    item = BatchItem.objects_unscoped.filter(batch=batch).first()
    # Even if a bug set the order back to payable, a second live item cannot be written.
    PayoutOrder.objects_unscoped.filter(pk=item.order_id).update(status=PayoutStatus.READY)
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchItem.objects_unscoped.create(
            batch=batch,
            order_id=item.order_id,
            organization_id=item.organization_id,
            end_to_end_id="another",
            amount=item.amount,
            iban=item.iban,
            holder=item.holder,
            remittance=item.remittance,
        )


def test_withdrawn_batch_gives_the_orders_back(notes, admin, payer, validator):
    batch = ready_batch(admin, payer)
    with pytest.raises(ValidationError):
        batches.withdraw_batch(validator, batch, reason="")
    batches.withdraw_batch(validator, batch, reason="Importi da ricontrollare")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.WITHDRAWN
    assert set(BatchItem.objects_unscoped.values_list("status", flat=True)) == {
        ItemStatus.WITHDRAWN
    }
    assert set(PayoutOrder.objects_unscoped.values_list("status", flat=True)) == {
        PayoutStatus.READY
    }
    again = ready_batch(admin, payer)
    assert (again.item_count, again.number) == (3, batch.number + 1)
    approved = batches.approve_batch(validator, again)
    with pytest.raises(ValidationError):
        batches.withdraw_batch(validator, approved, reason="troppo tardi")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mario Rossi", "Mario Rossi"),
        ("Panificio Già & Figli", "Panificio Gia e Figli"),
        ("  doppio  spazio ", "doppio spazio"),
        ("/a//b/", "a/b"),
        ("Straße Ünïcødé", "Strasse Unicode"),
        ("", "-"),
        ("x" * 80, "x" * 70),
        ("fine ", "fine"),
    ],
)
def test_texts_fit_the_epc_character_set(text, expected):
    from benecomune.payouts.sepa.text import sepa_text

    assert sepa_text(text, 70) == expected
