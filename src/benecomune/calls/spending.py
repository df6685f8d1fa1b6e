"""The spending policy of a call's award (wallet source `call_award`): the call's merchant or
service categories, its territory (the Comuni of the call, or its network) and its spending
dates, all stored on the wallet when the award opens it (ledger.services.awards)."""

from benecomune.ledger import spending
from benecomune.ledger.models import WalletSource

CALL_AWARD = spending.SpendingPolicy(
    "call_award",
    (*spending.VALIDITY, spending.CATEGORIES, spending.MUNICIPALITIES, spending.NETWORK),
)


def register() -> None:
    spending.register_policy(WalletSource.CALL_AWARD, CALL_AWARD)
