"""Claim pages: the citizen submits and follows, the desk decides, the Comune sets the rules;
the debit notes command."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benecomune.core.models import Membership, Role
from benecomune.payouts.models import ClaimPolicy, ClaimStatus, ExpenseClaim, PayoutOrder
from benecomune.payouts.services import claims
from tests.helpers import login
from tests.payouts.conftest import new_iban, receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(make_reimbursement_call, beneficiary):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    return award


def staff(actor, organization, role):
    membership = Membership.objects.get(user=actor.user, organization=organization, role=role)
    return login(Client(), actor.user, membership)


def test_citizen_submits_with_a_receipt_and_sees_the_status(award, beneficiary):
    client = login(Client(), beneficiary.user)
    page = client.get(reverse("payouts:citizen_claims"))
    assert "Centri estivi 2026" in page.content.decode()
    assert (
        "Non ho la ricevuta"
        not in client.get(reverse("payouts:citizen_claim_new", args=[award.pk])).content.decode()
    )
    data = {
        "category": "summer_camp",
        "amount": "99,50",
        "expense_date": timezone.localdate().isoformat(),
        "payee": "Centro estivo",
        "document": receipt(),
    }
    response = client.post(reverse("payouts:citizen_claim_new", args=[award.pk]), data)
    claim = ExpenseClaim.objects_unscoped.get()
    assert response.url == reverse("payouts:citizen_claim", args=[claim.pk])
    assert claim.amount == 9_950
    detail = client.get(response.url).content.decode()
    assert "Presentata, in verifica" in detail
    document = client.get(reverse("payouts:citizen_claim_document", args=[claim.pk]))
    assert b"".join(document.streaming_content).startswith(b"%PDF")


def test_citizen_bad_input_changes_nothing(award, beneficiary):
    client = login(Client(), beneficiary.user)
    url = reverse("payouts:citizen_claim_new", args=[award.pk])
    base = {
        "category": "summer_camp",
        "expense_date": timezone.localdate().isoformat(),
        "payee": "Centro estivo",
    }
    too_much = client.post(url, {**base, "amount": "400,00", "document": receipt()})
    assert "al massimo" in too_much.content.decode()
    no_receipt = client.post(url, {**base, "amount": "10,00"})
    assert "Alleghi la ricevuta" in no_receipt.content.decode()
    bad_amount = client.post(url, {**base, "amount": "dieci", "document": receipt()})
    assert "Importo non valido" in bad_amount.content.decode()
    assert not ExpenseClaim.objects_unscoped.exists()


def test_another_citizen_cannot_see_the_claim(
    award, beneficiary, make_user, make_person, municipality
):
    claim = claims.submit_claim(
        beneficiary,
        award,
        category="summer_camp",
        amount=1_000,
        expense_date=timezone.localdate(),
        payee="X",
        upload=receipt(),
    )
    other = make_user("altro@example.org", person=make_person(municipality, first_name="Ugo"))
    client = login(Client(), other)
    assert client.get(reverse("payouts:citizen_claim", args=[claim.pk])).status_code == 404
    assert client.get(reverse("payouts:citizen_claim_new", args=[award.pk])).status_code == 404


def test_desk_decides_and_citizen_fixes_the_iban_after_a_rejection(
    award, beneficiary, operator, municipality
):
    claim = claims.submit_claim(
        beneficiary,
        award,
        category="summer_camp",
        amount=5_000,
        expense_date=timezone.localdate() - datetime.timedelta(days=1),
        payee="Centro",
        upload=receipt(),
    )
    desk = staff(operator, municipality, Role.DESK_OPERATOR)
    assert f"n. {claim.pk}" in desk.get(reverse("payouts:claim_queue")).content.decode()
    partial_without_amount = desk.post(
        reverse("payouts:claim_review", args=[claim.pk]), {"decision": "partial", "reason": "x"}
    )
    assert "Indichi l&#x27;importo riconosciuto" in partial_without_amount.content.decode()
    desk.post(reverse("payouts:claim_review", args=[claim.pk]), {"decision": "accept"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACCEPTED
    order = PayoutOrder.objects_unscoped.get(claim=claim)
    PayoutOrder.objects_unscoped.filter(pk=order.pk).update(
        status="rejected", rejection_reason="AC04 conto chiuso"
    )
    citizen = login(Client(), beneficiary.user)
    url = reverse("payouts:citizen_claim", args=[claim.pk])
    page = citizen.get(url).content.decode()
    assert "Bonifico non riuscito" in page and "AC04 conto chiuso" in page
    wrong_holder = citizen.post(
        url, {"form": "iban", "iban": new_iban(), "holder": "Mario Estraneo"}
    )
    assert "componente del suo nucleo" in wrong_holder.content.decode()
    new = new_iban()
    citizen.post(url, {"form": "iban", "iban": new, "holder": "Giulia Bianchi"})
    order.refresh_from_db()
    assert (order.status, order.iban) == ("ready", new)


def test_comune_sets_the_claim_rules(award, admin, municipality):
    client = staff(admin, municipality, Role.MUNICIPALITY_ADMIN)
    url = reverse("payouts:claim_policy", args=[award.call_id])
    client.post(
        url,
        {
            "categories": ["summer_camp", "rent"],
            "self_declaration_categories": ["rent"],
            "max_per_claim": "150,00",
        },
    )
    policy = ClaimPolicy.objects_unscoped.get(call=award.call)
    assert policy.categories == ["summer_camp", "rent"]
    assert (policy.max_per_claim, policy.max_per_call) == (15_000, None)
    assert client.get(reverse("payouts:reports")).status_code == 200


def test_debit_notes_command(shop, make_wallet, pay, capsys):
    pay(make_wallet(), shop, 700)
    next_week = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    call_command("payouts_debit_notes", "--date", next_week)
    out = capsys.readouterr().out
    assert "Note emesse: 1" in out and "€ 7,00" in out
    call_command("payouts_debit_notes", "--date", next_week)
    assert "Note emesse: 0" in capsys.readouterr().out
