"""Which movements are allowed between which kinds of account.

Kept as data so later apps (payouts, corporate, marketplace) add their flows here, in one
place, instead of moving money in ways nobody reviewed. A wallet is nominative: it is only
ever debited to pay a merchant, to return money to its fund on expiry, by a reversal, or by a
refund of own money back to the payment provider it came from, so there is no cash-out and no
transfer between people.

A REFUND is allowed only as the mirror of a transfer of a kind in `REFUNDABLE` and for no more
than that transfer moved (services/refunds.py; `check_invariants` verifies both): merchant →
wallet gives back a PAYMENT, wallet → external gives back the TOP_UP that brought own money in
from that same external account. A voucher wallet's money came by AWARD, so it can never leave
the platform this way.
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
    # A company plan's wallet pays an accepted claim to the company's payable account (the
    # employee is paid with the payroll): corporate/plan_wallets.py.
    T.REIMBURSEMENT: frozenset({(A.FUND, A.PAYOUT), (A.FUND, A.CLEARING), (A.WALLET, A.CLEARING)}),
    # Shared value (services/sharing.py): a payment's share to a project and back with its
    # refund or void; a project's money disbursed through the payer's payable account.
    T.SHARED_VALUE: frozenset(
        {
            (A.MERCHANT, A.SHARED_VALUE),
            (A.SHARED_VALUE, A.MERCHANT),
            (A.SHARED_VALUE, A.FUND),
            (A.SHARED_VALUE, A.CLEARING),
        }
    ),
    T.REFUND: frozenset({(A.MERCHANT, A.WALLET), (A.WALLET, A.EXTERNAL)}),
}

# The kinds a REFUND may give back (each mirrored: from its credit account to its debit account).
REFUNDABLE = frozenset({T.PAYMENT, T.TOP_UP})


def is_allowed(kind: str, debit_kind: str, credit_kind: str) -> bool:
    return (debit_kind, credit_kind) in ALLOWED.get(kind, frozenset())
