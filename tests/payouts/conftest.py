"""Payouts fixtures: a funded Comune, voucher wallets that paid a shop, staff actors, a payer
with its debit account; the ledger's invariants checked after every database test."""

import datetime
import itertools

import pytest
from django.core.management import call_command
from django.utils import timezone

from benecomune.core.models import Provider, Role
from benecomune.ledger.models import FundOrigin, WalletSource
from benecomune.ledger.services import funds, wallets
from benecomune.ledger.services.invariants import check_invariants
from benecomune.payouts.services.accounts import update_settings
from benecomune.payouts.services.payees import set_payee_account

IBANS = itertools.count(1000)
DEBTOR_IBAN = "IT60X0542811101000000123456"


def new_iban() -> str:
    from schwifty import IBAN

    return str(IBAN.generate("IT", bank_code="0306909606", account_code=f"{next(IBANS):012d}"))


@pytest.fixture(autouse=True)
def ledger_stays_sound(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    yield
    assert check_invariants() == []
    call_command("ledger_check", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def admin(make_actor, municipality):
    return make_actor("admin@piazzola.example.org", Role.MUNICIPALITY_ADMIN, municipality)


@pytest.fixture
def validator(make_actor, municipality):
    return make_actor("convalida@piazzola.example.org", Role.VALIDATOR, municipality)


@pytest.fixture
def shopkeeper(make_actor, shop):
    return make_actor("cassa@bepi.example.org", Role.MERCHANT_STAFF, shop)


@pytest.fixture
def payer(municipality, admin):
    """The Comune with the account its bank files debit."""
    update_settings(
        admin, municipality, debtor_name="Piattaforma Bene Comune", debtor_iban=DEBTOR_IBAN
    )
    return municipality


@pytest.fixture
def fund(municipality, system_actor):
    fund = funds.create_fund(
        system_actor,
        organization=municipality,
        name="Solidarietà alimentare",
        origin=FundOrigin.MIXED,
    )
    funds.add_contribution(
        system_actor, fund, contributor="Ministero dell'Interno", amount=10_000_000
    )
    return fund


@pytest.fixture
def make_wallet(municipality, make_person, system_actor, fund, network):
    def make(amount=20_000, *, person=None, organization=None, fund_=None):
        person = person or make_person(municipality)
        wallet = wallets.open_wallet(
            system_actor,
            person=person,
            organization=organization or municipality,
            title="Buono spesa",
            source_kind=WalletSource.CALL_AWARD,
            fund=fund_ or fund,
            territory_network=network,
            valid_until=timezone.localdate() + datetime.timedelta(days=365),
        )
        funds.award(system_actor, fund_ or fund, wallet, amount)
        return wallet

    return make


_keys = itertools.count()


@pytest.fixture
def pay(system_actor):
    def pay(wallet, merchant, amount):
        return wallets.pay_from_wallet(
            system_actor,
            wallet=wallet,
            merchant=merchant,
            amount=amount,
            idempotency_key=f"test-pay-{next(_keys)}",
        )

    return pay


_vat = itertools.count(2000)


@pytest.fixture
def make_shop(network, municipality):
    def make(name="Panificio"):
        n = next(_vat)
        return Provider.objects.create(
            name=f"{name} {n}",
            slug=f"negozio-{n}",
            provider_kind="shop",
            category="bakery",
            vat_number=f"{n:011d}",
            network=network,
            municipality=municipality,
            email=f"negozio{n}@example.org",
        )

    return make


@pytest.fixture
def shop_iban(shop, shopkeeper):
    return set_payee_account(shopkeeper, shop, iban=new_iban(), holder="Bepi Rossi")


REIMBURSEMENT_RULES = {
    "amount": {"kind": "fixed", "base": 30_000},
    "scoring": {"isee_bands": [{"isee_max": 900_000, "points": 10}]},
    "tie_breaks": ["isee_asc"],
}


@pytest.fixture
def make_reimbursement_call(municipality, admin, fund, make_person):
    """An awarded reimbursement call: make(people) -> (call, [awards]) with 300 euro each."""
    from django.utils import timezone

    from benecomune.calls.models import Award, RankingKind
    from benecomune.calls.services import award as award_service
    from benecomune.calls.services import definition, ranking
    from benecomune.core.scoping import all_tenants
    from tests.calls.factories import admitted_application

    counter = itertools.count(1)

    def make(people, *, budget=300_000, title="Centri estivi 2026"):
        now = timezone.now()
        with all_tenants():
            call = definition.create_call(
                admin,
                organization=municipality,
                code=f"rimborsi-{next(counter)}",
                title=title,
                benefit_type="reimbursement",
                fund=fund,
                budget=budget,
                rules=REIMBURSEMENT_RULES,
                opens_at=now - datetime.timedelta(days=1),
                closes_at=now + datetime.timedelta(days=30),
                spend_from=now.date() - datetime.timedelta(days=60),
                spend_until=now.date() + datetime.timedelta(days=120),
            )
            call = definition.publish_call(admin, call)
        for minute, person in enumerate(people):
            admitted_application(call, person, isee=200_000, minutes=minute)
        with all_tenants():
            definition.close_call(admin, call, reason="Test")
            ranking.build_ranking(admin, call, RankingKind.PROVISIONAL)
            ranking.build_ranking(admin, call, RankingKind.FINAL, reason="Nessun ricorso")
            award_service.award_call(admin, call)
        call.refresh_from_db()
        awards = [Award.objects_unscoped.get(call=call, person=p) for p in people]
        return call, awards

    return make


@pytest.fixture
def operator(make_actor, municipality):
    return make_actor("sportello@piazzola.example.org", Role.DESK_OPERATOR, municipality)


@pytest.fixture
def beneficiary(make_person, municipality, make_user):
    """A citizen with a login and an IBAN, and the actor acting as them."""
    from benecomune.core.actors import Actor
    from benecomune.core.scoping import all_tenants

    person = make_person(
        municipality, first_name="Giulia", last_name="Bianchi", sex="F", email="giulia@example.org"
    )
    with all_tenants():
        person.iban, person.iban_holder = new_iban(), "Giulia Bianchi"
        person.save()
    user = make_user("giulia@example.org", person=person)
    return Actor(user=user)


def receipt(name="ricevuta.pdf", body=b"centro estivo"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name, b"%PDF-1.4\n" + body + b"\n%%EOF\n", content_type="application/pdf"
    )
