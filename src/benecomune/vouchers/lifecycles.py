"""The lifecycle of a shop's membership of a circuit (see core.lifecycle and
docs/lifecycles.md)."""

from benecomune.core.lifecycle import Lifecycle
from benecomune.core.lifecycle import Transition as T
from benecomune.vouchers.models import CircuitMembership, MembershipStatus

M = MembershipStatus
CIRCUIT, SHOP = "circuit.manage", "merchant.manage"
MEMBERSHIP = Lifecycle(
    CircuitMembership,
    initial=M.PENDING,
    transitions=[
        T(M.PENDING, M.APPROVED, CIRCUIT, "vouchers.membership_approved"),
        T(M.PENDING, M.REJECTED, CIRCUIT, "vouchers.membership_rejected"),
        # A rejected shop may ask again.
        T(M.REJECTED, M.PENDING, SHOP, "vouchers.membership_requested", scope="merchant_id"),
        T(M.APPROVED, M.SUSPENDED, CIRCUIT, "vouchers.membership_suspended"),
        T(M.SUSPENDED, M.APPROVED, CIRCUIT, "vouchers.membership_reinstated"),
    ],
)

LIFECYCLES = {"vouchers.CircuitMembership": MEMBERSHIP}
