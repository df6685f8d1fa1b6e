"""Which of the buyer's sources pay a purchase, and in which order (the wallet-order rule).

The rule: only wallets whose spending rules allow this payee today (and, for an intent paying
an object with a purchase rule, e.g. a marketplace service, that rule too), with money available;
the one that expires first goes first (money that would otherwise go back to its fund),
among equal expiry the most restricted (fewest categories, narrowest territory: the wider
wallet stays for what the narrow one cannot pay), then the smallest available balance (fewer
wallets left with crumbs), then the oldest (ledger.spending.payment_order).
Wallets without an expiry (own top-ups) therefore come last, and own money through the
payment provider pays whatever the wallets do not cover, if the buyer chose a provider.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from benecomune.core.models import Person, Provider
from benecomune.ledger.exceptions import InsufficientFunds
from benecomune.ledger.models import Account, Wallet
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.rules import check_spendable
from benecomune.ledger.services.statements import with_balances
from benecomune.ledger.spending import buying, payment_order, purchase_refusal
from benecomune.payments.models import LegSource

OWN_MONEY_SOURCE_TYPE = "payments.own_money"


@dataclass(frozen=True)
class LegSpec:
    amount: int
    wallet: Wallet | None = None
    gateway: str = ""

    @property
    def source(self) -> str:
        return LegSource.WALLET if self.wallet is not None else LegSource.GATEWAY

    def signature(self) -> tuple:
        return (self.source, self.wallet.pk if self.wallet else None, self.gateway, self.amount)


def wallet_leg(wallet: Wallet, amount: int) -> LegSpec:
    return LegSpec(amount=amount, wallet=wallet)


def gateway_leg(gateway: str, amount: int) -> LegSpec:
    return LegSpec(amount=amount, gateway=gateway)


def spendable_wallets(
    buyer: Person,
    payee: Provider,
    at=None,
    *,
    object_type: str = "",
    object_id: str = "",
    usable: list[Wallet] | None = None,
) -> list[tuple[Wallet, int]]:
    """The buyer's wallets that may pay `payee` (for the object `object_type`/`object_id`
    when given), with what is available on each, in the wallet-order rule's order. `usable`:
    the caller already checked them (each with `available`, cents): only ordered here."""
    if usable is None:
        usable = wallets_paying(person_wallets(buyer), payee, at, object_type, object_id)
    return [(wallet, wallet.available) for wallet in payment_order(usable)]


def person_wallets(buyer: Person) -> list[Wallet]:
    """The buyer's unexpired wallets, each with `available` (cents), in two queries."""
    wallets = list(
        Wallet.objects_unscoped.filter(person=buyer, expired_at__isnull=True)
        .exclude(source_type=OWN_MONEY_SOURCE_TYPE)
        .select_related("account")
        .prefetch_related("territory_municipalities")
    )
    accounts = {
        a.pk: a.current_balance - a.held
        for a in with_balances(
            Account.objects_unscoped.filter(pk__in=[w.account_id for w in wallets])
        )
    }
    for wallet in wallets:
        wallet.available = accounts.get(wallet.account_id, 0)
    return wallets


def wallet_refusal(wallet: Wallet, payee: Provider, at=None, object_type="", object_id=""):
    """Why `wallet` may not pay `payee` (for the object, when given), or None: its spending
    policy and the object's purchase rule, as an intent's legs are checked."""
    with buying(object_type, object_id):
        return check_spendable(wallet, payee, None, at) or purchase_refusal(
            wallet, payee, object_type, object_id, at
        )


def wallets_paying(wallets, payee, at=None, object_type="", object_id="") -> list[Wallet]:
    """Of `wallets` (from person_wallets), those with money that may pay `payee`."""
    return [
        wallet
        for wallet in wallets
        if wallet.available > 0
        and wallet_refusal(wallet, payee, at, object_type, object_id) is None
    ]


def plan_legs(
    buyer: Person,
    payee: Provider,
    amount: int,
    *,
    gateway: str = "",
    object_type: str = "",
    object_id: str = "",
    usable: list[Wallet] | None = None,
) -> list[LegSpec]:
    """The legs that pay `amount`: wallets by the wallet-order rule, the rest from own money
    through `gateway` (when given). InsufficientFunds when they cannot cover it. `usable`: as
    `spendable_wallets`."""
    legs, rest = [], amount
    wallets = spendable_wallets(
        buyer, payee, object_type=object_type, object_id=object_id, usable=usable
    )
    for wallet, available in wallets:
        if rest == 0:
            break
        part = min(available, rest)
        legs.append(wallet_leg(wallet, part))
        rest -= part
    if rest and gateway:
        legs.append(gateway_leg(gateway, rest))
        rest = 0
    if rest:
        raise InsufficientFunds(
            _("I buoni utilizzabili qui coprono %(covered)s su %(amount)s.")
            % {"covered": format_euro(amount - rest), "amount": format_euro(amount)}
        )
    return legs
