"""Payment errors: ValidationErrors (from the ledger's), so views show their Italian message."""

from benecomune.ledger.exceptions import LedgerError


class PaymentError(LedgerError):
    """The intent is not in a state that allows the operation, or its data are wrong."""


class GatewayDeclined(PaymentError):
    """The payment provider refused the operation."""


class IntentStateError(PaymentError):
    """The intent's state does not allow the operation (e.g. capturing a voided intent)."""
