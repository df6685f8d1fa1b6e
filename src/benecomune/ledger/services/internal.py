"""The ledger's internal API: helpers of the transfer machinery that other ledger modules and
the payment modules (holds, linked payments, the till's one-statement path) build on.

For ledger and payments modules only: everything else calls the services (transfers.transfer,
wallets.pay_from_wallet, funds.*, awards.*).
These names are stable; the underscore names they had in
transfers.py and transfers_pg.py stay as aliases for modules not yet switched.
"""

from benecomune.ledger.services.locks import fold_deltas, lock_accounts, lock_and_settle, lock_row
from benecomune.ledger.services.transfers import (
    check_amount,
    check_rules,
    object_ref,
    replay,
    transfer_result,
)
from benecomune.ledger.services.transfers_pg import (
    pg_cursor,
    pg_params,
    raise_refusal,
    rules_verdict,
)

__all__ = [
    "check_amount",  # refuse anything but a positive int of cents
    "check_rules",  # the spending/crediting rules of a transfer (raises)
    "fold_deltas",  # fold an account's pending credits (caller holds the row lock)
    "lock_accounts",  # lock several accounts in ascending id order
    "lock_and_settle",  # lock one account and fold its deltas: (balance, held)
    "lock_row",  # SELECT ... FOR UPDATE of an account: (balance, held)
    "object_ref",  # (object_type, object_id) of a business object
    "pg_cursor",  # the per-connection psycopg cursor that calls ledger functions
    "pg_params",  # the 19 arguments of ledger_transfer(), in order
    "raise_refusal",  # SQLSTATE LD001-LD003 -> the ledger's exceptions
    "replay",  # the first transfer of an idempotency key (or IdempotencyConflict)
    "rules_verdict",  # the spending rules' refusal as an exception to raise later, or None
    "transfer_result",  # the Transfer just written, built without a query
]
