"""Funds: creation, contributions (who paid for what), budget reservations, awards."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Organization
from benecomune.ledger.exceptions import InsufficientFunds, LedgerError, ReservationExceeded
from benecomune.ledger.models import (
    Account,
    AccountKind,
    Fund,
    Reservation,
    Transfer,
    TransferKind,
    Wallet,
)
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.internal import lock_and_settle, object_ref
from benecomune.ledger.services.statements import balance
from benecomune.ledger.services.transfers import transfer

AWARD_PERMISSIONS = ("funds.manage", "calls.manage", "applications.decide")
FUND_FIELDS = ["name", "origin", "legal_basis", "valid_from", "valid_until", "organization"]


@transaction.atomic
def create_fund(
    actor: Actor,
    *,
    organization: Organization,
    name: str,
    origin: str,
    legal_basis: str = "",
    description: str = "",
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> Fund:
    actor.require("funds.manage", organization)
    if valid_from and valid_until and valid_until < valid_from:
        raise LedgerError(_("La data di fine validità precede quella di inizio."))
    account = Account.objects_unscoped.create(
        organization_id=organization.pk, kind=AccountKind.FUND, name=name
    )
    fund = Fund.objects_unscoped.create(
        organization_id=organization.pk,
        account=account,
        name=name,
        origin=origin,
        legal_basis=legal_basis,
        description=description,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    audit.record(
        actor,
        "ledger.fund_created",
        fund,
        organization=organization,
        after=audit.snapshot(fund, FUND_FIELDS),
    )
    return fund


def contributor_account(fund: Fund, name: str) -> Account:
    """The external account standing for a contributor (a Comune, the Region, a foundation).
    It goes negative by what it paid in, so the ledger still sums to zero."""
    name = " ".join(name.split())[:200]
    if not name:
        raise LedgerError(_("Indichi chi versa il contributo."))
    try:
        with transaction.atomic():
            account, _created = Account.objects_unscoped.get_or_create(
                organization_id=fund.organization_id, kind=AccountKind.EXTERNAL, name=name
            )
    except IntegrityError:
        account = Account.objects_unscoped.get(
            organization_id=fund.organization_id, kind=AccountKind.EXTERNAL, name=name
        )
    return account


@transaction.atomic
def add_contribution(
    actor: Actor,
    fund: Fund,
    *,
    contributor: str | Account,
    amount: int,
    idempotency_key: str | None = None,
    memo: str = "",
) -> Transfer:
    """Record money paid into the fund by `contributor` (a name or an external account)."""
    actor.require("funds.manage", fund.organization_id)
    source = (
        contributor if isinstance(contributor, Account) else contributor_account(fund, contributor)
    )
    if source.kind != AccountKind.EXTERNAL or source.organization_id != fund.organization_id:
        raise LedgerError(_("Il contributore non appartiene a questo ente."))
    return transfer(
        actor,
        debit=source,
        credit=fund.account,
        amount=amount,
        kind=TransferKind.CONTRIBUTION,
        idempotency_key=idempotency_key,
        obj=fund,
        memo=memo or _("Contributo di %(name)s") % {"name": source.name},
    )


@transaction.atomic
def reserve(
    actor: Actor,
    fund: Fund,
    amount: int,
    *,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    idempotency_key: str | None = None,
) -> Reservation:
    """Set aside budget (e.g. for an award) under the fund's row lock: a fund never promises
    more than it holds. Replaying `idempotency_key` returns the first reservation."""
    if not any(actor.has_perm(p, fund.organization_id) for p in AWARD_PERMISSIONS):
        actor.require("funds.manage", fund.organization_id)
    if type(amount) is not int or amount <= 0:
        raise LedgerError(_("L'importo deve essere un numero intero positivo di centesimi."))
    balance_now, held = lock_and_settle(fund.account_id)
    if idempotency_key:  # checked under the fund's lock: concurrent replays are serialised
        existing = Reservation.objects_unscoped.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if balance_now - held < amount:
        raise InsufficientFunds(
            _("Il fondo non ha abbastanza disponibilità: liberi %(free)s, richiesti %(amount)s.")
            % {"free": format_euro(balance_now - held), "amount": format_euro(amount)}
        )
    Account.objects_unscoped.filter(pk=fund.account_id).update(held=F("held") + amount)
    object_type, object_id = object_ref(obj, object_type, object_id)
    reservation = Reservation.objects_unscoped.create(
        organization_id=fund.organization_id,
        account_id=fund.account_id,
        amount=amount,
        object_type=object_type,
        object_id=object_id,
        reason=reason[:200],
        idempotency_key=idempotency_key or None,
    )
    audit.record(
        actor,
        "ledger.reserved",
        reservation,
        organization=Organization(pk=fund.organization_id),
        after={"fund": fund.pk, "amount": amount, "object": f"{object_type}:{object_id}"},
        reason=reason,
    )
    return reservation


@transaction.atomic
def release(
    actor: Actor, reservation: Reservation, amount: int | None = None, *, reason: str = ""
) -> Reservation:
    """Give back (part of) the open amount of a reservation to the fund's free balance."""
    if not any(actor.has_perm(p, reservation.organization_id) for p in AWARD_PERMISSIONS):
        actor.require("funds.manage", reservation.organization_id)
    lock_and_settle(reservation.account_id)
    current = Reservation.objects_unscoped.get(pk=reservation.pk)
    amount = current.open_amount if amount is None else amount
    if type(amount) is not int or amount <= 0 or amount > current.open_amount:
        raise ReservationExceeded(
            _("Si possono liberare al massimo %(open)s.")
            % {"open": format_euro(current.open_amount)}
        )
    Account.objects_unscoped.filter(pk=current.account_id).update(held=F("held") - amount)
    current.released += amount
    current.save(update_fields=["released"])
    audit.record(
        actor,
        "ledger.released",
        current,
        organization=Organization(pk=current.organization_id),
        after={"amount": amount, "open": current.open_amount},
        reason=reason,
    )
    return current


@transaction.atomic
def award(
    actor: Actor,
    fund: Fund,
    wallet: Wallet,
    amount: int,
    *,
    reservation: Reservation | None = None,
    idempotency_key: str | None = None,
    obj=None,
    memo: str = "",
) -> Transfer:
    """Pay an award from the fund into a beneficiary's wallet, consuming `reservation` if given.
    Funds are debited under their row lock: awards run in batches, not at the till."""
    if not any(actor.has_perm(p, fund.organization_id) for p in AWARD_PERMISSIONS):
        actor.require("funds.manage", fund.organization_id)
    return transfer(
        actor,
        debit=fund.account,
        credit=wallet.account,
        amount=amount,
        kind=TransferKind.AWARD,
        idempotency_key=idempotency_key,
        obj=obj,
        memo=memo or wallet.title,
        reservation=reservation,
        wallet=wallet,
    )


def _sum(qs) -> int:
    return qs.aggregate(total=Coalesce(Sum("amount"), 0))["total"]


def fund_summary(fund: Fund) -> dict:
    """Totals for the fund page and reporting, in cents. `contributed` is net of reversals."""
    account_id = fund.account_id
    credits = Transfer.objects_unscoped.filter(credit_account_id=account_id)
    debits = Transfer.objects_unscoped.filter(debit_account_id=account_id)
    contributed = _sum(credits.filter(kind=TransferKind.CONTRIBUTION)) - _sum(
        debits.filter(kind=TransferKind.REVERSAL, reversal_of__kind=TransferKind.CONTRIBUTION)
    )
    awarded = _sum(debits.filter(kind=TransferKind.AWARD)) - _sum(
        credits.filter(kind=TransferKind.REVERSAL, reversal_of__kind=TransferKind.AWARD)
    )
    returned = _sum(credits.filter(kind=TransferKind.EXPIRY))
    wallet_accounts = Wallet.objects_unscoped.filter(fund=fund).values("account_id")
    spent = _sum(
        Transfer.objects_unscoped.filter(
            kind=TransferKind.PAYMENT, debit_account_id__in=wallet_accounts
        )
    ) - _sum(
        Transfer.objects_unscoped.filter(
            Q(kind=TransferKind.REVERSAL, reversal_of__kind=TransferKind.PAYMENT)
            | Q(kind=TransferKind.REFUND),  # merchant -> wallet: a purchase given back
            credit_account_id__in=wallet_accounts,
        )
    )
    reserved = _sum(Reservation.objects_unscoped.filter(account_id=account_id))
    open_reserved = Account.objects_unscoped.values_list("held", flat=True).get(pk=account_id)
    contributors = list(
        credits.filter(kind=TransferKind.CONTRIBUTION)
        .values("debit_account_id", "debit_account__name")
        .annotate(total=Sum("amount"), reversed=Coalesce(Sum("reversal__amount"), 0))
        .order_by("-total")
    )
    current = balance(fund.account)
    return {
        "balance": current,
        "contributed": contributed,
        "reserved": open_reserved,
        "reserved_ever": reserved,
        "awarded": awarded,
        "spent": spent,
        "returned": returned,
        "available": current - open_reserved,
        "contributors": [
            {
                "account_id": c["debit_account_id"],
                "name": c["debit_account__name"],
                "amount": c["total"] - c["reversed"],
            }
            for c in contributors
        ],
    }


def funds_overview(organization_ids) -> dict[int, int]:
    """Fund id -> current balance, for the list page (one query)."""
    return dict(
        Fund.objects_unscoped.filter(organization_id__in=organization_ids)
        .annotate(entries_total=Coalesce(Sum("account__entries__amount"), 0))
        .values_list("pk", "entries_total")
    )


__all__ = [
    "add_contribution",
    "award",
    "contributor_account",
    "create_fund",
    "fund_summary",
    "funds_overview",
    "release",
    "reserve",
]
