"""Helpers shared by the voucher pages."""

from benecomune.core.forms_helpers import add_errors  # noqa: F401 (used by the views)
from benecomune.ledger.models import Account, Wallet
from benecomune.ledger.own_wallets import own_issuers, own_wallet  # noqa: F401 (used by the views)
from benecomune.ledger.services.statements import spendable, with_balances


def balances(account_ids) -> dict[int, int]:
    """What each account can spend now: holds of bookings and orders in progress are not."""
    return {pk: amount for pk, (amount, _held) in spendable(account_ids).items()}


def available(wallet: Wallet) -> int:
    row = (
        with_balances(Account.objects_unscoped.filter(pk=wallet.account_id))
        .values_list("current_balance", "held")
        .get()
    )
    return row[0] - row[1]
