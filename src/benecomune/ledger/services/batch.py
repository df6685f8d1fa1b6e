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
from benecomune.core.bulk import db_value, insert_rows
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
from benecomune.ledger.services.internal import check_amount, lock_and_settle


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
    actor: Actor,
    fund: Fund,
    reservation: Reservation,
    items: list[AwardItem],
    *,
    credits_preset: bool = False,
) -> list[int]:
    """Pay every item from `fund` into its wallet, consuming `reservation`. All or nothing.
    Returns the new transfers' ids, in the order of `items`.

    `credits_preset`: the wallets' accounts were opened in this same transaction with their
    stored balance already equal to their item's amount (see calls.services.award), so no
    pending credit is appended for them; the stored balance still equals the entries."""
    if not any(actor.has_perm(p, fund.organization_id) for p in AWARD_PERMISSIONS):
        actor.require("funds.manage", fund.organization_id)
    if not items:
        return []
    for item in items:
        check_amount(item.amount)
    total = sum(item.amount for item in items)
    if reservation.account_id != fund.account_id:
        raise ReservationExceeded(_("La prenotazione non riguarda il fondo."))
    wallet_ids = {item.wallet_account_id for item in items}
    if len(wallet_ids) != len(items):
        raise ReservationExceeded(_("Un buono compare due volte nello stesso lotto."))
    kinds = set(Account.objects_unscoped.filter(pk__in=wallet_ids).values_list("kind", flat=True))
    if kinds != {AccountKind.WALLET} or (
        Account.objects_unscoped.filter(pk__in=wallet_ids).count() != len(wallet_ids)
    ):
        raise ReservationExceeded(_("Si assegnano somme solo a buoni esistenti."))
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
    now = db_value(timezone.now())
    role = actor.label if actor.system else actor.role
    user_id = actor.user.pk if actor.user else None
    transfer_ids = insert_rows(
        Transfer,
        [
            "idempotency_key",
            "kind",
            "debit_account",
            "credit_account",
            "amount",
            "object_type",
            "object_id",
            "memo",
            "actor",
            "actor_role",
            "reservation",
            "created_at",
        ],
        [
            (
                item.idempotency_key,
                TransferKind.AWARD,
                fund.account_id,
                item.wallet_account_id,
                item.amount,
                item.object_type,
                item.object_id,
                item.memo[:200],
                user_id,
                role,
                reservation.pk,
                now,
            )
            for item in items
        ],
        returning=True,
    )
    pairs = list(zip(transfer_ids, items, strict=True))
    insert_rows(
        Entry,
        ["transfer", "account", "amount", "created_at"],
        [
            row
            for transfer_id, item in pairs
            for row in (
                (transfer_id, fund.account_id, -item.amount, now),
                (transfer_id, item.wallet_account_id, item.amount, now),
            )
        ],
    )
    if credits_preset:
        opened = dict(
            Account.objects_unscoped.filter(pk__in=wallet_ids).values_list("pk", "balance")
        )
        if any(opened[item.wallet_account_id] != item.amount for item in items):
            raise ReservationExceeded(_("Saldi dei buoni non coerenti con il lotto."))
    else:
        insert_rows(
            BalanceDelta,
            ["account", "amount"],
            [(item.wallet_account_id, item.amount) for item in items],
        )
    audit.record(
        actor,
        "ledger.award_batch",
        fund,
        organization=Organization(pk=fund.organization_id),
        after={
            "count": len(transfer_ids),
            "total": total,
            "reservation": reservation.pk,
            "first_transfer": transfer_ids[0],
            "last_transfer": transfer_ids[-1],
        },
    )
    return transfer_ids
