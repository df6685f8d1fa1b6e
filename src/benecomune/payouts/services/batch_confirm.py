"""What approving a batch will do, shown before the approver confirms it: how many payments
to how many payees, the total, what the payer transfers, by Comune, and whether any payment
goes to the approver's own household (the rule of `batches.own_household_items`, which
then refuses the approval). The fingerprint goes back with the approval
(`batches.approve_batch`): if the payments changed in between, nothing is approved."""

from dataclasses import dataclass

from django.db.models import Count, Sum

from benecomune.core.actors import Actor
from benecomune.payouts.models import PayoutBatch
from benecomune.payouts.services.batch_generation import queued_items
from benecomune.payouts.services.batches import (
    batch_fingerprint,
    funding_amount,
    own_household_items,
)


@dataclass(frozen=True)
class PayeeGroup:
    """The payments of one Comune: the claimant's Comune for a citizen's claim, the paying
    Comune (or network) for a merchant's debit note."""

    name: str
    payments: int
    total: int


@dataclass(frozen=True)
class BatchSummary:
    payments: int
    payees: int
    total: int  # cents
    funding: int  # the payer's single transfer on approval (orders not funded before)
    by_comune: list[PayeeGroup]
    own_household: list  # BatchItems to the approver or their household (max 20)
    fingerprint: str


def summarise_batch(actor: Actor, batch: PayoutBatch) -> BatchSummary:
    items = queued_items(batch)
    totals = items.aggregate(n=Count("pk"), total=Sum("amount"))
    payees = (
        items.order_by()
        .values_list("order__beneficiary_kind", "order__provider_id", "order__person_id")
        .distinct()
        .count()
    )
    groups: dict[str, list[int]] = {}
    rows = (
        items.order_by()
        .values_list("order__claim__organization__name", "order__organization__name")
        .annotate(n=Count("pk"), total=Sum("amount"))
    )
    for claim_comune, payer, n, total in rows:
        group = groups.setdefault(claim_comune or payer, [0, 0])
        group[0] += n
        group[1] += total
    return BatchSummary(
        payments=totals["n"] or 0,
        payees=payees,
        total=totals["total"] or 0,
        funding=funding_amount(batch),
        by_comune=[PayeeGroup(name, n, total) for name, (n, total) in sorted(groups.items())],
        own_household=list(own_household_items(actor, batch)[:20]),
        fingerprint=batch_fingerprint(batch),
    )
