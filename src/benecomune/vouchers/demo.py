"""Demo circuit: the shops of the Alta Padovana join the network's circuit (approved, with the
convention accepted), and the demo citizen gets a printed card with a known PIN.

Idempotent: a shop already in the circuit is left alone; the card is issued only once; the
two demo sales at the grocery replay their idempotency keys.
"""

from schwifty import IBAN

from benecomune.core.models import Provider, User
from benecomune.ledger.models import Wallet
from benecomune.vouchers.models import CircuitMembership
from benecomune.vouchers.services import cards, circuit
from benecomune.vouchers.services.lookup import merchant_context
from benecomune.vouchers.services.redeem import redeem

DEMO_CARD_PIN = "2468"
DEMO_CITIZEN = "cittadino@demo.benecomune.it"
STREETS = ["Via Roma", "Piazza Camerini", "Via Dante", "Via Garibaldi", "Via Marconi"]


def seed(actor, network, rng):
    shops = Provider.objects.filter(network=network, provider_kind="shop").select_related(
        "municipality"
    )
    for n, shop in enumerate(shops.order_by("pk")):
        if CircuitMembership.objects_unscoped.filter(merchant=shop).exists():
            continue
        town = shop.municipality.name if shop.municipality_id else network.name
        street = f"{STREETS[n % len(STREETS)]} {3 + n * 7}"
        membership = circuit.request_membership(
            actor,
            shop,
            network,
            category=shop.category,
            vat_number=shop.vat_number,
            iban=str(
                IBAN.generate("IT", bank_code="0306962740", account_code=f"{100000 + shop.pk:012d}")
            ),
            iban_holder=shop.name,
            address=street,
            municipality=shop.municipality,
            points_of_sale=[(shop.name, f"{street}, {town}")],
            contact_name="Referente " + shop.name,
            contact_email=shop.email,
        )
        circuit.approve(actor, membership, reason="Adesione dimostrativa")
        circuit.accept_convention(actor, membership)
    _citizen_card(actor)
    _demo_sales(actor)


def _citizen_wallet():
    user = User.objects.filter(email=DEMO_CITIZEN).first()
    if user is None or user.person_id is None:
        return None
    return (
        Wallet.objects_unscoped.filter(person_id=user.person_id, expired_at=None)
        .order_by("pk")
        .first()
    )


def _citizen_card(actor):
    wallet = _citizen_wallet()
    if wallet is None or cards.cards_of(wallet).exists():
        return
    cards.issue_card(actor, wallet, pin=DEMO_CARD_PIN)


def _demo_sales(actor):
    """Two sales at the demo grocery's till, so its list of receipts is not empty."""
    wallet = _citizen_wallet()
    grocery = Provider.objects.filter(slug="alimentari-da-bepi").first()
    if wallet is None or grocery is None:
        return
    from benecomune.vouchers.services.codes import make_qr_token

    ctx = merchant_context(grocery.pk)
    for key, amount in (("demo-till-1", 1_280), ("demo-till-2", 645)):
        redeem(
            actor,
            ctx,
            code=make_qr_token(wallet.pk)[0],
            amount=amount,
            idempotency_key=key,
        )
