"""Ledger errors. They are ValidationErrors, so views show their (Italian) message as is."""

from django.core.exceptions import ValidationError


class LedgerError(ValidationError):
    pass


class InsufficientFunds(LedgerError):
    pass


class IdempotencyConflict(LedgerError):
    """The key was already used for a different movement."""


class TransferNotAllowed(LedgerError):
    pass


class NotSpendable(LedgerError):
    pass


class AlreadyReversed(LedgerError):
    pass


class ReservationExceeded(LedgerError):
    pass


class RefundExceeded(LedgerError):
    """More than is left of the payment (or top-up) being refunded."""
