from .accounts import NEGATIVE_KINDS, Account, AccountKind, BalanceDelta
from .funds import Fund, FundOrigin, Reservation
from .transfers import REFUND_OBJECT, Entry, LedgerImmutableError, Transfer, TransferKind
from .wallets import Wallet, WalletSource

__all__ = [
    "NEGATIVE_KINDS",
    "REFUND_OBJECT",
    "Account",
    "AccountKind",
    "BalanceDelta",
    "Entry",
    "Fund",
    "FundOrigin",
    "LedgerImmutableError",
    "Reservation",
    "Transfer",
    "TransferKind",
    "Wallet",
    "WalletSource",
]
