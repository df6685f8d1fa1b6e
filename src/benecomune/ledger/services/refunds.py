"""Refunds: part or all of a PAYMENT, or of the TOP_UP that brought own money in, given back
the way it came, as one REFUND transfer of exactly the amount given back.

A refund mirrors its original (from the original's credit account to its debit account:
merchant → wallet for a payment, own-money wallet → the provider's external account for a
top-up) and names it as its object (`object_type = "ledger.transfer"`, `object_id` = its id).
This module is the one place that decides how much may still be given back: the original's
amount, minus its refunds so far, and nothing once it is reversed (`reverse` refuses, in turn,
a transfer with refunds). `check_invariants` verifies both rules over the whole ledger.

Money refunded to a wallet is spendable again under the wallet's rules. A wallet that expired
since the purchase still receives it (the money is the fund's, not the merchant's); it cannot be
spent there, and the next expiry sweep (`ledger_expire`) returns it to the wallet's fund, as it
does for any expired wallet that still holds money.
"""

from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.ledger import spending
from benecomune.ledger.exceptions import IdempotencyConflict, RefundExceeded, TransferNotAllowed
from benecomune.ledger.models import REFUND_OBJECT, Account, Transfer, TransferKind
from benecomune.ledger.money import format_euro
from benecomune.ledger.services import policy
from benecomune.ledger.services.locks import lock_row
from benecomune.ledger.services.transfers import check_amount, transfer


def refunds_of(original: Transfer):
    """The REFUND transfers that give back part of `original` (indexed by object)."""
    return Transfer.objects_unscoped.filter(
        kind=TransferKind.REFUND, object_type=REFUND_OBJECT, object_id=str(original.pk)
    )


def refunded(original: Transfer) -> int:
    """Cents of `original` given back by refunds so far."""
    return refunds_of(original).aggregate(total=Coalesce(Sum("amount"), 0))["total"]


def refundable(original: Transfer) -> int:
    """Cents of `original` that may still be refunded: none once it is reversed."""
    if original.kind not in policy.REFUNDABLE:
        return 0
    if Transfer.objects_unscoped.filter(reversal_of_id=original.pk).exists():
        return 0
    return original.amount - refunded(original)


def refund(
    actor: Actor,
    original: Transfer,
    amount: int,
    *,
    idempotency_key: str,
    memo: str = "",
) -> Transfer:
    """Give back `amount` cents of `original` to the account it came from. Callers have
    authorised `actor`. Replaying the key returns the first refund and moves nothing.

    Refuses a kind that cannot be refunded (TransferNotAllowed) and more than is left of the
    original (RefundExceeded). The payer of the refund (the merchant's receivable, or the
    own-money wallet) must hold the money: InsufficientFunds otherwise, as for any debit."""
    check_amount(amount)
    if original.kind not in policy.REFUNDABLE:
        raise TransferNotAllowed(
            _("Si rimborsano solo pagamenti e ricariche, non un movimento di tipo %(kind)s.")
            % {"kind": TransferKind(original.kind).label}
        )
    if not idempotency_key:
        raise TransferNotAllowed(_("Un rimborso richiede la sua chiave di idempotenza."))
    debit = Account.objects_unscoped.get(pk=original.credit_account_id)
    credit = Account.objects_unscoped.get(pk=original.debit_account_id)
    with transaction.atomic():
        # Every refund and the reversal of `original` debit this account, and each takes its
        # row lock before counting what is left: two of them never both see the same rest.
        with connection.cursor() as cursor:
            lock_row(cursor, debit.pk)
        first = Transfer.objects_unscoped.filter(idempotency_key=idempotency_key).first()
        if first is not None and first.object_id != str(original.pk):
            raise IdempotencyConflict(
                _("Questo movimento è già stato registrato con dati diversi: non è stato ripetuto.")
            )
        if first is None:
            left = refundable(original)
            if amount > left:
                raise RefundExceeded(
                    _(
                        "Del movimento n. %(id)s si possono ancora rimborsare %(left)s, "
                        "non %(amount)s."
                    )
                    % {"id": original.pk, "left": format_euro(left), "amount": format_euro(amount)}
                )
        # A replay with other accounts or amount is refused by transfer() (IdempotencyConflict).
        result = transfer(
            actor,
            debit=debit,
            credit=credit,
            amount=amount,
            kind=TransferKind.REFUND,
            idempotency_key=idempotency_key,
            object_type=REFUND_OBJECT,
            object_id=str(original.pk),
            memo=memo,
            _refund_of=original,
        )
        if first is None:  # the wallet source's counters (a plan's fringe cap) go down
            spending.payment_given_back(original, amount)
        return result
