"""Own money in the ledger. A gateway leg's captured money enters from outside as a TOP_UP of
the buyer's own-money wallet (from the provider's external account) and pays the payee with a
PAYMENT from that wallet, in the same transaction: the wallet is a pass-through, empty again
after every capture, and the ledger shows where each euro came from as for any wallet.

The own-money wallet is one per person, issued by their Comune of residence (the person's home
tenant; every Person has one), with no fund, no expiry and no spending rules.
"""

from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.core.models import Organization, Person
from benecomune.ledger.models import Account, Wallet, WalletSource
from benecomune.ledger.services.accounts import external_account
from benecomune.ledger.services.wallets import open_wallet
from benecomune.payments.services.planning import OWN_MONEY_SOURCE_TYPE

_OPENER = Actor.system_actor("payments")


def own_money_wallet(buyer: Person) -> Wallet:
    """The buyer's own-money wallet, opened on first use. Call inside a transaction."""
    # The person's row lock serialises two first captures of the same buyer.
    Person.objects_unscoped.select_for_update().filter(pk=buyer.pk).first()
    wallet = (
        Wallet.objects_unscoped.select_related("account")
        .filter(person_id=buyer.pk, source_type=OWN_MONEY_SOURCE_TYPE)
        .first()
    )
    if wallet is None:
        wallet = open_wallet(
            _OPENER,
            person=buyer,
            organization=Organization.objects.get(pk=buyer.residence_id),
            title=_("Denaro proprio"),
            source_kind=WalletSource.TOP_UP,
            source_type=OWN_MONEY_SOURCE_TYPE,
            source_id=str(buyer.pk),
        )
    return wallet


def gateway_account(wallet: Wallet, gateway: str) -> Account:
    """The external account standing for the payment provider, in the wallet's tenant. It goes
    negative by what came in through the provider, so the ledger still sums to zero."""
    name = _("Pagamenti online: %(gateway)s") % {"gateway": gateway}
    return external_account(wallet.organization_id, name)
