"""Expense claims: submission rules, duplicates, caps, review, ledger and payout."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from benecomune.core.models import Notification
from benecomune.ledger.models import Reservation, TransferKind
from benecomune.ledger.services.statements import balance
from benecomune.payouts.models import ClaimStatus, ExpenseClaim, PayoutOrder, PayoutStatus
from benecomune.payouts.services import claim_review, claims
from benecomune.payouts.services.accounts import payer_setup
from tests.payouts.conftest import receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(make_reimbursement_call, beneficiary):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    return award


def submit(actor, award, amount=12_000, **kwargs):
    values = {
        "category": "summer_camp",
        "amount": amount,
        "expense_date": timezone.localdate() - datetime.timedelta(days=3),
        "payee": "Centro estivo Il Girasole",
        "upload": receipt(body=str(amount).encode() + kwargs.pop("salt", b"")),
    }
    values.update(kwargs)
    return claims.submit_claim(actor, award, **values)


def test_claim_with_receipt_then_partial_acceptance_moves_money_and_orders_the_payout(
    award, beneficiary, operator, fund, payer
):
    claim = submit(beneficiary, award, 12_000)
    assert claim.status == ClaimStatus.SUBMITTED and claim.document_type == "application/pdf"
    reservation_before = Reservation.objects_unscoped.get(account=fund.account).open_amount
    with pytest.raises(ValidationError) as error:
        claim_review.accept_claim(operator, claim, amount=9_000)
    assert "Spieghi perché" in str(error.value)
    claim = claim_review.accept_claim(
        operator, claim, amount=9_000, reason="Ammessa solo la quota settimanale"
    )
    assert (claim.status, claim.accepted_amount) == (ClaimStatus.PARTIALLY_ACCEPTED, 9_000)
    money = claim.reimbursement_transfer
    assert (money.kind, money.amount, money.debit_account_id) == (
        TransferKind.REIMBURSEMENT,
        9_000,
        fund.account_id,
    )
    # The award's money was reserved: the reservation is consumed, not the fund's free balance.
    assert (
        Reservation.objects_unscoped.get(account=fund.account).open_amount
        == reservation_before - 9_000
    )
    assert balance(payer_setup(payer).payable_account) == 9_000
    order = PayoutOrder.objects_unscoped.get(claim=claim)
    person = beneficiary.user.person
    assert (order.amount, order.iban, order.status) == (9_000, person.iban, PayoutStatus.READY)
    assert Notification.objects.filter(person=person, subject="Rimborso accolto").exists()


def test_caps_per_claim_beneficiary_and_call(award, beneficiary, operator, admin):
    claims.set_policy(admin, award.call, max_per_claim=20_000, max_per_call=25_000)
    with pytest.raises(ValidationError) as error:
        submit(beneficiary, award, 20_001)
    assert "al massimo € 200,00" in str(error.value)
    first = submit(beneficiary, award, 20_000)
    submit(beneficiary, award, 10_000)
    with pytest.raises(ValidationError) as error:
        submit(beneficiary, award, 1)  # 300 euro awarded, 300 claimed
    assert "al massimo € 0,00" in str(error.value)
    claim_review.accept_claim(operator, first)
    second = ExpenseClaim.objects_unscoped.get(amount=10_000)
    with pytest.raises(ValidationError) as error:
        claim_review.accept_claim(operator, second)  # the call's cap: 250 euro
    assert "massimo dei rimborsi del bando" in str(error.value)
    second.refresh_from_db()
    assert second.status == ClaimStatus.SUBMITTED


def test_duplicates_are_refused_or_flagged(
    make_reimbursement_call, beneficiary, make_person, municipality, make_user
):
    from benecomune.core.actors import Actor

    other_person = make_person(municipality, first_name="Luca", last_name="Verdi")
    other = Actor(user=make_user("luca@example.org", person=other_person))
    _call, (award, other_award) = make_reimbursement_call([beneficiary.user.person, other_person])
    first = submit(beneficiary, award, 5_000)
    with pytest.raises(ValidationError) as error:
        submit(other, other_award, 5_000)  # same file: same bytes
    assert "già stata presentata" in str(error.value)
    with pytest.raises(ValidationError) as error:
        submit(beneficiary, award, 5_000, salt=b"altro file")  # same payee, date and amount
    assert "Ha già chiesto il rimborso di questa spesa" in str(error.value)
    flagged = submit(other, other_award, 5_000, salt=b"altro file")
    assert flagged.possible_duplicate == first
    assert ExpenseClaim.objects_unscoped.count() == 2


BAD_UPLOADS = {
    "an executable renamed": (
        SimpleUploadedFile("ricevuta.pdf", b"MZ\x90\x00" * 10),
        "non è un documento accettato",
    ),
    "an empty file": (SimpleUploadedFile("ricevuta.pdf", b""), "vuoto"),
    "too large": (
        SimpleUploadedFile("r.pdf", b"%PDF-1.4" + b"0" * (5 * 1024 * 1024 + 1)),
        "troppo grande",
    ),
}


@pytest.mark.parametrize("name", BAD_UPLOADS)
def test_bad_receipts_are_refused(award, beneficiary, name):
    upload, message = BAD_UPLOADS[name]
    with pytest.raises(ValidationError) as error:
        submit(beneficiary, award, upload=upload)
    assert message in str(error.value)
    assert not ExpenseClaim.objects_unscoped.exists()


def test_self_declaration_only_where_the_call_allows_it(award, beneficiary, admin):
    with pytest.raises(ValidationError) as error:
        submit(beneficiary, award, upload=None, self_declared=True, declaration_confirmed=True)
    assert "l'autocertificazione non basta" in str(error.value)
    claims.set_policy(admin, award.call, self_declaration_categories=["utilities", "rent"])
    with pytest.raises(ValidationError) as error:
        submit(beneficiary, award, upload=None, category="rent", self_declared=True)
    assert "Confermi la dichiarazione" in str(error.value)
    claim = submit(
        beneficiary,
        award,
        upload=None,
        category="rent",
        self_declared=True,
        declaration_confirmed=True,
    )
    assert claim.self_declared and claim.sha256 == ""


def test_other_refusals(award, beneficiary, admin, make_user, municipality, make_person):
    from benecomune.core.actors import Actor

    stranger = Actor(user=make_user("x@example.org", person=make_person(municipality)))
    with pytest.raises(PermissionDenied):
        submit(stranger, award)
    with pytest.raises(ValidationError):
        submit(beneficiary, award, expense_date=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        submit(beneficiary, award, expense_date=timezone.localdate() - datetime.timedelta(days=365))
    claims.set_policy(admin, award.call, categories=["summer_camp"])
    with pytest.raises(ValidationError) as error:
        submit(beneficiary, award, category="health")
    assert "non rimborsa questa categoria" in str(error.value)
    assert not ExpenseClaim.objects_unscoped.exists()


def test_clarification_round_trip_and_rejection(award, beneficiary, operator, validator):
    claim = submit(beneficiary, award)
    with pytest.raises(ValidationError):
        claim_review.request_claim_clarification(operator, claim, question=" ")
    claim_review.request_claim_clarification(
        operator, claim, question="Manca il timbro del centro estivo"
    )
    with pytest.raises(ValidationError):
        claim_review.accept_claim(validator, claim)  # waiting for the beneficiary
    claim_review.answer_clarification(
        beneficiary, claim, answer="Allego la ricevuta timbrata", upload=receipt(body=b"timbro")
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED and claim.clarification_answer
    claim_review.reject_claim(validator, claim, reason="Spesa fuori dal periodo del centro estivo")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert not PayoutOrder.objects_unscoped.exists()
    # A rejected claim frees its amount and its receipt.
    assert claims.award_usage(award)["remaining"] == award.amount


def test_the_merchant_or_the_registry_cannot_review(award, beneficiary, shopkeeper, admin):
    claim = submit(beneficiary, award)
    with pytest.raises(PermissionDenied):
        claim_review.accept_claim(shopkeeper, claim)
    with pytest.raises(PermissionDenied):
        claim_review.accept_claim(beneficiary, claim)
    with pytest.raises(PermissionDenied):
        claim_review.accept_claim(admin, claim)  # the municipality admin has no applications.decide
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
