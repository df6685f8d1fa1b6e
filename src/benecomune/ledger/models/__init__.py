from .accounts import NEGATIVE_KINDS, Account, AccountKind, BalanceDelta
from .funds import Fund, FundOrigin, Reservation
from .transfers import Entry, LedgerImmutableError, Transfer, TransferKind
from .wallets import Wallet, WalletSource

__all__ = [
    "NEGATIVE_KINDS",
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
