"""Awards in bulk: a call's ranking pays thousands of wallets from one fund at once.

Each award is still its own Transfer with its two entries, so statements and reports read the
same rows as for a single `award`; what changes is how they are written: the fund is locked
and debited once per batch for the batch total (consuming the call's reservation), and
transfers, entries and the wallets' balance deltas are inserted with one statement each.
The batch is all-or-nothing (one transaction); the caller makes it resumable by skipping
items already awarded (their idempotency keys are unique in the database).
"""

import dataclasses

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Organization
from benecomune.ledger.exceptions import InsufficientFunds, ReservationExceeded
from benecomune.ledger.models import (
    Account,
    AccountKind,
    BalanceDelta,
    Entry,
    Fund,
    Reservation,
    Transfer,
    TransferKind,
)
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.funds import AWARD_PERMISSIONS
from benecomune.ledger.services.transfers import _check_amount, lock_and_settle


@dataclasses.dataclass(frozen=True)
class AwardItem:
    wallet_account_id: int
    amount: int
    idempotency_key: str
    object_type: str = ""
    object_id: str = ""
    memo: str = ""


@transaction.atomic
def award_many(
    actor: Actor, fund: Fund, reservation: Reservation, items: list[AwardItem]
) -> list[Transfer]:
    """Pay every item from `fund` into its wallet, consuming `reservation`. All or nothing."""
    if not any(actor.has_perm(p, fund.organization_id) for p in AWARD_PERMISSIONS):
        actor.require("funds.manage", fund.organization_id)
    if not items:
        return []
    for item in items:
        _check_amount(item.amount)
    total = sum(item.amount for item in items)
    if reservation.account_id != fund.account_id:
        raise ReservationExceeded(_("La prenotazione non riguarda il fondo."))
    wallet_ids = {item.wallet_account_id for item in items}
    if len(wallet_ids) != len(items):
        raise ReservationExceeded(_("Un borsellino compare due volte nello stesso lotto."))
    kinds = set(Account.objects_unscoped.filter(pk__in=wallet_ids).values_list("kind", flat=True))
    if kinds != {AccountKind.WALLET} or (
        Account.objects_unscoped.filter(pk__in=wallet_ids).count() != len(wallet_ids)
    ):
        raise ReservationExceeded(_("Si assegnano somme solo a borsellini esistenti."))
    balance, held = lock_and_settle(fund.account_id)
    current = Reservation.objects_unscoped.get(pk=reservation.pk)
    if current.open_amount < total or held < total:
        raise ReservationExceeded(
            _("La prenotazione di budget non copre %(amount)s.") % {"amount": format_euro(total)}
        )
    if balance < total:
        raise InsufficientFunds(
            _("Il fondo non ha abbastanza saldo: %(balance)s, richiesti %(amount)s.")
            % {"balance": format_euro(balance), "amount": format_euro(total)}
        )
    Account.objects_unscoped.filter(pk=fund.account_id).update(
        balance=balance - total, held=held - total
    )
    Reservation.objects_unscoped.filter(pk=reservation.pk).update(consumed=current.consumed + total)
    now = timezone.now()
    role = actor.label if actor.system else actor.role
    transfers = Transfer.objects_unscoped.bulk_create(
        [
            Transfer(
                idempotency_key=item.idempotency_key,
                kind=TransferKind.AWARD,
                debit_account_id=fund.account_id,
                credit_account_id=item.wallet_account_id,
                amount=item.amount,
                object_type=item.object_type,
                object_id=item.object_id,
                memo=item.memo[:200],
                actor=actor.user,
                actor_role=role,
                reservation_id=reservation.pk,
                created_at=now,
            )
            for item in items
        ]
    )
    Entry.objects_unscoped.bulk_create(
        [
            entry
            for t in transfers
            for entry in (
                Entry(
                    transfer_id=t.pk,
                    account_id=t.debit_account_id,
                    amount=-t.amount,
                    created_at=now,
                ),
                Entry(
                    transfer_id=t.pk,
                    account_id=t.credit_account_id,
                    amount=t.amount,
                    created_at=now,
                ),
            )
        ]
    )
    BalanceDelta.objects.bulk_create(
        [BalanceDelta(account_id=t.credit_account_id, amount=t.amount) for t in transfers]
    )
    audit.record(
        actor,
        "ledger.award_batch",
        fund,
        organization=Organization(pk=fund.organization_id),
        after={
            "count": len(transfers),
            "total": total,
            "reservation": reservation.pk,
            "first_transfer": transfers[0].pk,
            "last_transfer": transfers[-1].pk,
        },
    )
    return transfers
