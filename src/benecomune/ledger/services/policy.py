"""Which movements are allowed between which kinds of account.

Kept as data so later apps (payouts, corporate, marketplace) add their flows here, in one
place, instead of moving money in ways nobody reviewed. A wallet is nominative: it is only
ever debited to pay a merchant, to return money to its fund on expiry, or by a reversal, so
there is no cash-out and no transfer between people.
"""

from benecomune.ledger.models import AccountKind as A
from benecomune.ledger.models import TransferKind as T

ALLOWED: dict[str, frozenset[tuple[str, str]]] = {
    T.CONTRIBUTION: frozenset({(A.EXTERNAL, A.FUND)}),
    T.AWARD: frozenset({(A.FUND, A.WALLET)}),
    T.TOP_UP: frozenset({(A.EXTERNAL, A.WALLET)}),
    T.PAYMENT: frozenset({(A.WALLET, A.MERCHANT)}),
    T.EXPIRY: frozenset({(A.WALLET, A.FUND)}),
    T.SETTLEMENT: frozenset(
        {(A.MERCHANT, A.CLEARING), (A.MERCHANT, A.PAYOUT), (A.CLEARING, A.PAYOUT)}
    ),
    T.PAYOUT: frozenset({(A.PAYOUT, A.EXTERNAL), (A.CLEARING, A.EXTERNAL)}),
    T.REIMBURSEMENT: frozenset({(A.FUND, A.PAYOUT), (A.FUND, A.CLEARING)}),
    T.SHARED_VALUE: frozenset({(A.MERCHANT, A.SHARED_VALUE), (A.SHARED_VALUE, A.FUND)}),
}


def is_allowed(kind: str, debit_kind: str, credit_kind: str) -> bool:
    return (debit_kind, credit_kind) in ALLOWED.get(kind, frozenset())
