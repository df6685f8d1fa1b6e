"""Issue 13: the IBAN is asked when a claim is filed without one, a claim waiting for an
IBAN is on the citizen's home page, and "Pagato" shows the amount paid, not the one asked."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent, Person
from benecomune.core.scoping import all_tenants
from benecomune.core.services.people import add_household_member, create_household
from benecomune.payouts.models import ExpenseClaim, PayoutOrder, PayoutStatus
from benecomune.payouts.services import batches, claim_review, claims
from benecomune.payouts.services.results import import_results
from tests.helpers import login
from tests.payouts.bank import pain002, ready_batch, refs
from tests.payouts.conftest import new_iban, receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_iban(make_person, municipality, make_user, admin):
    """A citizen with a login, a spouse in the household, and no IBAN."""
    person = make_person(
        municipality, first_name="Rosa", last_name="Neri", sex="F", email="rosa@example.org"
    )
    spouse = make_person(municipality, first_name="Piero", last_name="Neri")
    with all_tenants():
        household = create_household(admin, head=person, address="Via Po 2")
        add_household_member(admin, household, spouse, "spouse")
    return Actor(user=make_user("rosa@example.org", person=person))


@pytest.fixture
def award(make_reimbursement_call, no_iban):
    _call, (award,) = make_reimbursement_call([no_iban.user.person])
    return award


def _form(**extra):
    return {
        "category": "summer_camp",
        "amount": "120,00",
        "expense_date": timezone.localdate().isoformat(),
        "payee": "Centro estivo",
        "document": receipt(body=extra.pop("body", b"uno")),
        **extra,
    }


def _person(actor) -> Person:
    return Person.objects_unscoped.get(pk=actor.user.person_id)


def test_the_claim_form_asks_for_the_iban_and_bad_input_writes_nothing(award, no_iban):
    client = login(Client(), no_iban.user)
    url = reverse("payouts:citizen_claim_new", args=[award.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="iban-asked"' in page and 'name="iban"' in page

    missing = client.post(url, _form()).content.decode()
    assert "Questo campo è obbligatorio" in missing
    wrong = client.post(
        url, _form(iban="IT00X0000000000000000000000", iban_holder="Rosa Neri")
    ).content.decode()
    assert "non è valido" in wrong
    stranger = client.post(
        url, _form(iban=new_iban(), iban_holder="Mario Rossi", body=b"due")
    ).content.decode()
    assert "componente del suo nucleo familiare" in stranger
    assert not ExpenseClaim.objects_unscoped.exists()
    assert _person(no_iban).iban == ""

    iban = new_iban()
    response = client.post(url, _form(iban=iban, iban_holder="Piero Neri", body=b"tre"))
    claim = ExpenseClaim.objects_unscoped.get()
    assert response.url == reverse("payouts:citizen_claim", args=[claim.pk])
    person = _person(no_iban)
    assert (person.iban, person.iban_holder) == (iban, "Piero Neri")
    assert AuditEvent.objects_unscoped.filter(action="person.iban_changed").count() == 1
    # With an IBAN on file the form no longer asks for it.
    assert 'name="iban"' not in client.get(url).content.decode()


def test_the_form_does_not_ask_a_citizen_who_has_an_iban(make_reimbursement_call, beneficiary):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    page = login(Client(), beneficiary.user).get(
        reverse("payouts:citizen_claim_new", args=[award.pk])
    )
    assert 'data-testid="iban-asked"' not in page.content.decode()


def test_a_claim_waiting_for_an_iban_is_on_the_home_page(award, no_iban, operator):
    client = login(Client(), no_iban.user)
    home = reverse("core:home")
    assert "Rimborso in attesa dell&#x27;IBAN" not in client.get(home).content.decode()
    # Filed at a time the form did not ask (or at the desk): the service takes it without one.
    claim = claims.submit_claim(
        no_iban,
        award,
        category="summer_camp",
        amount=5_000,
        expense_date=timezone.localdate(),
        payee="Centro estivo",
        upload=receipt(),
    )
    page = client.get(home).content.decode()
    assert "Rimborso in attesa dell&#x27;IBAN" in page
    assert reverse("core:profile") in page

    claim_review.accept_claim(operator, claim, amount=5_000)
    order = PayoutOrder.objects_unscoped.get(claim=claim)
    assert order.status == PayoutStatus.ON_HOLD
    page = client.get(home).content.decode()
    detail = reverse("payouts:citizen_claim", args=[claim.pk])
    assert "Un rimborso accolto di € 50,00 aspetta il conto" in page and detail in page

    client.post(detail, {"form": "iban", "iban": new_iban(), "holder": "Rosa Neri"})
    order.refresh_from_db()
    assert order.status == PayoutStatus.READY
    assert "Rimborso in attesa dell&#x27;IBAN" not in client.get(home).content.decode()


def test_paid_shows_the_amount_paid_not_the_amount_asked(
    make_reimbursement_call,
    beneficiary,
    operator,
    admin,
    validator,
    payer,
    django_capture_on_commit_callbacks,
):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    claim = claims.submit_claim(
        beneficiary,
        award,
        category="summer_camp",
        amount=12_000,
        expense_date=timezone.localdate(),
        payee="Centro estivo",
        upload=receipt(),
    )
    claim_review.accept_claim(operator, claim, amount=9_000, reason="Solo la quota settimanale")
    batch = batches.approve_batch(validator, ready_batch(admin, payer))
    (ref,) = refs(batch)
    with django_capture_on_commit_callbacks(execute=True):
        import_results(
            admin,
            batch,
            data=pain002(batch.message_id, [(ref, "ACSC", "", None)]),
            filename="esiti.xml",
        )
    assert PayoutOrder.objects_unscoped.get(claim=claim).status == PayoutStatus.PAID

    client = login(Client(), beneficiary.user)
    listing = client.get(reverse("payouts:citizen_claims")).content.decode()
    row = listing[listing.index(f"Richiesta n. {claim.pk}") :]
    row = row[: row.index("</li>")]
    assert "Pagato" in row and "€ 90,00" in row and "pagati" in row
    assert "€ 120,00" not in row
    detail = client.get(reverse("payouts:citizen_claim", args=[claim.pk])).content.decode()
    paid = detail[detail.index('data-testid="paid-amount"') :]
    assert paid[: paid.index("</dd>")].count("€ 90,00") == 1
