"""Demo money: two funds with their contributors, food-voucher wallets, a few payments.

Idempotent: if the first demo fund exists, nothing is done. Every movement goes through the
ledger's services, so the demo's books balance like real ones (`manage.py ledger_check`).
"""

import datetime

from benecomune.core.models import Municipality, Person, Provider
from benecomune.ledger.models import Fund, FundOrigin, WalletSource
from benecomune.ledger.services import funds, wallets

FOOD_FUND = "Solidarietà alimentare 2026"
FOOD_CATEGORIES = ["grocery", "bakery", "butcher", "pharmacy"]
VOUCHER_CENTS = 15_000  # 150 euro per household in the demo
DEMO_BENEFICIARIES = 24


def seed(actor, network, rng):
    piazzola = Municipality.objects.get(slug="piazzola-sul-brenta")
    if Fund.objects_unscoped.filter(organization=piazzola, name=FOOD_FUND).exists():
        return
    food = funds.create_fund(
        actor,
        organization=piazzola,
        name=FOOD_FUND,
        origin=FundOrigin.MIXED,
        legal_basis=(
            "D.L. 23 novembre 2020, n. 154, art. 2 (misure urgenti di solidarietà "
            "alimentare); delibera di Giunta comunale"
        ),
        description="Buoni spesa nominativi per le famiglie in difficoltà, spendibili nei "
        "negozi di prossimità del circuito.",
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2026, 12, 31),
    )
    funds.add_contribution(
        actor,
        food,
        contributor="Ministero dell'Interno",
        amount=4_000_000,
        idempotency_key="demo-food-state",
    )
    funds.add_contribution(
        actor,
        food,
        contributor="Comune di Piazzola sul Brenta",
        amount=1_000_000,
        idempotency_key="demo-food-comune",
    )

    # A network fund financed by every Comune at one euro per resident plus a foundation,
    # as the Lecco fund in the seeds; Piazzola is the lead Comune (capofila) that holds it.
    social = funds.create_fund(
        actor,
        organization=piazzola,
        name="Fondo sociale Alta Padovana",
        origin=FundOrigin.MIXED,
        legal_basis="Accordo di co-progettazione tra i Comuni della rete (art. 55 D.Lgs. 117/2017)",
        description="Un euro per residente da ogni Comune della rete, più il contributo "
        "di una fondazione del territorio.",
    )
    for municipality in Municipality.objects.filter(network=network).order_by("name"):
        funds.add_contribution(
            actor,
            social,
            contributor=f"Comune di {municipality.name}",
            amount=municipality.population * 100,
            idempotency_key=f"demo-social-{municipality.slug}",
        )
    funds.add_contribution(
        actor,
        social,
        contributor="Fondazione di comunità",
        amount=2_000_000,
        idempotency_key="demo-social-foundation",
    )

    beneficiaries = _beneficiaries(piazzola)
    shops = list(
        Provider.objects.filter(
            network=network, provider_kind="shop", category__in=FOOD_CATEGORIES
        ).order_by("pk")
    )
    for number, person in enumerate(beneficiaries):
        reservation = funds.reserve(
            actor,
            food,
            VOUCHER_CENTS,
            object_type="demo.voucher",
            object_id=str(person.pk),
            reason="Buono spesa Solidarietà alimentare",
            idempotency_key=f"demo-reserve-{person.pk}",
        )
        wallet = wallets.open_wallet(
            actor,
            person=person,
            organization=piazzola,
            title="Buono spesa Solidarietà alimentare",
            source_kind=WalletSource.CALL_AWARD,
            fund=food,
            source_type="demo.call",
            source_id="solidarieta-alimentare-2026",
            allowed_categories=FOOD_CATEGORIES,
            territory_network=network,
            valid_from=datetime.date(2026, 1, 1),
            valid_until=datetime.date(2026, 12, 31),
        )
        funds.award(
            actor,
            food,
            wallet,
            VOUCHER_CENTS,
            reservation=reservation,
            idempotency_key=f"demo-award-{person.pk}",
        )
        # Most beneficiaries have already spent part of the voucher at local shops.
        for purchase in range(2 if number == 0 else number % 4):
            shop = shops[(number + purchase) % len(shops)]
            wallets.pay_from_wallet(
                actor,
                wallet=wallet,
                merchant=shop,
                amount=rng.randint(8, 45) * 100 + rng.randint(0, 99),
                idempotency_key=f"demo-pay-{person.pk}-{purchase}",
            )


def _beneficiaries(piazzola):
    """The demo citizen first (so the citizen login shows a wallet), then other heads."""
    from benecomune.core.models import User

    people = []
    citizen = User.objects.filter(email="cittadino@demo.benecomune.it").first()
    if citizen and citizen.person_id:
        people.append(citizen.person)
    heads = (
        Person.objects_unscoped.filter(residence=piazzola, membership__relationship="head")
        .exclude(pk__in=[p.pk for p in people])
        .order_by("pk")
    )
    people += list(heads[: DEMO_BENEFICIARIES - len(people)])
    return people
