"""What a buyer may order and with what: the price of a service (or of one of its variants),
the buyer's wallets with what each has available and, for those that cannot pay it, why not,
and the proposed split (payments' wallet-order rule, `plan_legs`).

Pure reads: the checkout (services/orders.py) checks everything again under its locks.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from benecomune.core.compiled_queries import CompiledQuery
from benecomune.core.models import Person
from benecomune.ledger.models import Account, Wallet
from benecomune.ledger.services.rules import check_spendable
from benecomune.ledger.services.statements import with_balances
from benecomune.ledger.spending import buying, purchase_refusal
from benecomune.marketplace.models import PriceKind, Service, ServiceVariant
from benecomune.marketplace.queries import SERVICE_OBJECT_TYPE
from benecomune.marketplace.services.offer import offer_refusal, still_offered
from benecomune.payments import fake_hosted
from benecomune.payments.services.planning import OWN_MONEY_SOURCE_TYPE, plan_legs

MAX_QUANTITY = 20


@dataclass
class WalletOption:
    wallet: Wallet
    available: int
    refusal: str = ""  # why it cannot pay this order ("" when it can)
    proposed: int = 0


@dataclass
class Offer:
    service: Service
    variant: ServiceVariant | None
    quantity: int
    unit_price: int
    amount: int
    options: list[WalletOption] = field(default_factory=list)
    own_proposed: int = 0

    @property
    def usable(self) -> list[WalletOption]:
        return [o for o in self.options if not o.refusal]

    @property
    def refused(self) -> list[WalletOption]:
        return [o for o in self.options if o.refusal]

    @property
    def object_id(self) -> str:
        return object_id(self.service, self.variant)

    @property
    def title(self) -> str:
        if self.variant is None:
            return self.service.title
        return f"{self.service.title} · {self.variant.label}"


def object_id(service: Service, variant: ServiceVariant | None) -> str:
    """The intent's object: "<service id>" or "<service id>:<variant id>" (marketplace)."""
    return f"{service.pk}:{variant.pk}" if variant is not None else str(service.pk)


def orderable_refusal(service: Service, buyer: Person | None) -> str | None:
    """None when `buyer` may order `service` online; otherwise why not, in Italian."""
    if buyer is None:
        return _("Per ordinare acceda con la sua identità digitale.")
    if service.price_kind != PriceKind.PRICED or not service.price:
        return _("«%(title)s» non ha un prezzo fisso: non si può ordinare online.") % {
            "title": service.title
        }
    if not still_offered(service):
        return _("«%(title)s» non è più offerto.") % {"title": service.title}
    return offer_refusal(service, buyer)


def price_of(service: Service, variant: ServiceVariant | None) -> int:
    return variant.price if variant is not None else service.price


def _open_wallets(person_id: int):
    return (
        Wallet.objects_unscoped.filter(person_id=person_id, expired_at__isnull=True)
        .exclude(source_type=OWN_MONEY_SOURCE_TYPE)
        .select_related("account", "organization")
        .order_by("valid_until", "pk")
    )


def _balances(account_ids: list[int]):
    return with_balances(Account.objects_unscoped.filter(pk__in=account_ids)).values_list(
        "pk", "current_balance", "held"
    )


# Read by every checkout (core.compiled_queries).
OPEN_WALLETS = CompiledQuery("open_wallets", _open_wallets, -7_008_000)
BALANCES = CompiledQuery("wallet_balances", _balances, [-7_009_000])


def _wallets(buyer: Person) -> list[Wallet]:
    wallets = OPEN_WALLETS(buyer.pk)
    if not wallets:
        return []
    prefetch_related_objects(wallets, "territory_municipalities")
    balances = {
        pk: balance - held for pk, balance, held in BALANCES([w.account_id for w in wallets])
    }
    for wallet in wallets:
        wallet.available = balances.get(wallet.account_id, 0)
    return wallets


def offer_for(
    buyer: Person, service: Service, variant: ServiceVariant | None = None, quantity: int = 1
) -> Offer:
    """The price and the buyer's wallets for an order; ValidationError (Italian) when the
    buyer may not order it."""
    refusal = orderable_refusal(service, buyer)
    if refusal:
        raise ValidationError(refusal)
    if variant is not None and variant.service_id != service.pk:
        raise ValidationError(_("Questa variante non è del servizio scelto."))
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError(_("La quantità deve essere tra 1 e %(max)s.") % {"max": MAX_QUANTITY})
    unit = price_of(service, variant)
    offer = Offer(service, variant, quantity, unit, unit * quantity)
    payee = service.provider
    for wallet in _wallets(buyer):
        reason = ""
        if wallet.available <= 0:
            reason = _("non ha saldo disponibile.")
        else:
            # What is bought is told to the wallet's policy: a company plan then decides by
            # the service's art. 51 category, not the provider's merchant category.
            with buying(SERVICE_OBJECT_TYPE, offer.object_id):
                reason = check_spendable(wallet, payee) or purchase_refusal(
                    wallet, payee, SERVICE_OBJECT_TYPE, offer.object_id
                )
        offer.options.append(WalletOption(wallet, wallet.available, reason or ""))
    # The proposal: payments' own rule; own money pays the rest.
    legs = plan_legs(
        buyer,
        payee,
        offer.amount,
        gateway=fake_hosted.NAME,
        object_type=SERVICE_OBJECT_TYPE,
        object_id=offer.object_id,
        usable=[o.wallet for o in offer.options if not o.refusal],  # checked just above
    )
    proposed = {leg.wallet.pk: leg.amount for leg in legs if leg.wallet is not None}
    for option in offer.options:
        option.proposed = proposed.get(option.wallet.pk, 0)
    offer.own_proposed = sum(leg.amount for leg in legs if leg.wallet is None)
    # The usable ones first, in the order they are drawn on.
    order = {pk: n for n, pk in enumerate(proposed)}
    offer.options.sort(key=lambda o: (bool(o.refusal), order.get(o.wallet.pk, len(order))))
    return offer
