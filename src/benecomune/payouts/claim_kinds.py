"""Claim kinds other than a Comune's reimbursement call, registered by the app that pays them.

An expense claim of a registered kind goes through the same review (claim_review: accept in
full or in part, reject, clarifications, the claim lifecycle, its audit and notifications); the
kind says who may review it and moves the money: `accept` pays the accepted amount and returns
the transfer, `reject` gives back whatever it set aside. The corporate app registers
`corporate_plan` (corporate/claim_kind.py): the money comes from the employee's plan wallet.
"""

import dataclasses
from collections.abc import Callable

_KINDS: dict[str, "ClaimKindHandler"] = {}


@dataclasses.dataclass(frozen=True)
class ClaimKindHandler:
    name: str
    # Any of these permissions on the claim's organization lets an actor review it.
    review_permissions: tuple[str, ...]
    # (actor, claim, amount) -> the ledger Transfer paying the accepted amount.
    accept: Callable
    # (actor, claim) -> None: release what the claim set aside.
    reject: Callable


def register(handler: ClaimKindHandler) -> None:
    current = _KINDS.get(handler.name)
    if current is not None and current != handler:
        raise ValueError(f"claim kind {handler.name!r} already registered")
    _KINDS[handler.name] = handler


def handler_for(claim) -> ClaimKindHandler | None:
    """The handler of a claim's kind; None for a call's claim (the default flow)."""
    if claim.kind == "call":
        return None
    try:
        return _KINDS[claim.kind]
    except KeyError:
        raise LookupError(f"no handler registered for claim kind {claim.kind!r}") from None
