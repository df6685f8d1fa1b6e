"""Observatory fixtures: the ledger's (funds, wallets, merchants, invariants checked after each
test) and the calls' (a funded Comune and its calls)."""

from tests.calls.conftest import admin_actor, call_fund, make_call  # noqa: F401
from tests.ledger.conftest import (  # noqa: F401
    allow_corrupt_ledger,
    ledger_stays_sound,
    make_fund,
    make_provider,
    make_wallet,
)
