"""Wallets: opening one, crediting it, paying a merchant, and the expiry sweep."""

import datetime
from contextlib import nullcontext

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Network, Organization, Person, Provider
from benecomune.ledger import spending
from benecomune.ledger.exceptions import LedgerError, TransferNotAllowed
from benecomune.ledger.models import (
    Account,
    AccountKind,
    Entry,
    Fund,
    Transfer,
    TransferKind,
    Wallet,
)
from benecomune.ledger.services.rules import check_spendable, rules_text
from benecomune.ledger.services.statements import with_balances
from benecomune.ledger.services.transfers import lock_and_settle, transfer

__all__ = [
    "check_spendable",
    "expire_wallets",
    "merchant_account",
    "open_wallet",
    "pay_from_wallet",
    "rules_text",
    "top_up",
]

ISSUE_PERMISSIONS = ("funds.manage", "calls.manage", "applications.decide", "company.manage")


@transaction.atomic
def open_wallet(
    actor: Actor,
    *,
    person: Person,
    organization: Organization,
    title: str,
    source_kind: str,
    fund: Fund | None = None,
    source_type: str = "",
    source_id: str = "",
    allowed_categories=(),
    territory_network: Network | None = None,
    territory_municipalities=(),
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> Wallet:
    """A new wallet for `person`, issued by `organization`, with its spending rules.
    Money comes in with `funds.award` or `top_up`; `fund` is where expired money returns."""
    if not any(actor.has_perm(p, organization) for p in ISSUE_PERMISSIONS):
        actor.require("funds.manage", organization)
    if fund is not None and fund.organization_id != organization.pk:
        raise LedgerError(_("Il fondo non appartiene all'ente che emette il buono."))
    if valid_from and valid_until and valid_until < valid_from:
        raise LedgerError(_("La data di fine validità precede quella di inizio."))
    account = Account.objects_unscoped.create(
        organization_id=organization.pk, person=person, kind=AccountKind.WALLET, name=title[:200]
    )
    wallet = Wallet.objects_unscoped.create(
        organization_id=organization.pk,
        person=person,
        account=account,
        title=title[:200],
        source_kind=source_kind,
        source_type=source_type,
        source_id=str(source_id),
        fund=fund,
        allowed_categories=sorted(set(allowed_categories)),
        territory_network=territory_network,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if territory_municipalities:
        wallet.territory_municipalities.set([getattr(m, "pk", m) for m in territory_municipalities])
    audit.record(
        actor,
        "ledger.wallet_opened",
        wallet,
        organization=organization,
        person=person,
        after={
            "title": wallet.title,
            "source": source_kind,
            "fund": fund and fund.pk,
            "categories": wallet.allowed_categories,
            "valid_until": str(valid_until or ""),
        },
    )
    return wallet


def merchant_account(provider: Provider) -> Account:
    """The merchant's receivable (what the platform owes it), created on first use."""
    try:
        with transaction.atomic():
            account, _created = Account.objects_unscoped.get_or_create(
                organization_id=provider.pk,
                kind=AccountKind.MERCHANT,
                defaults={"name": provider.name[:200]},
            )
    except IntegrityError:  # created concurrently
        account = Account.objects_unscoped.get(
            organization_id=provider.pk, kind=AccountKind.MERCHANT
        )
    return account


def pay_from_wallet(
    actor: Actor,
    *,
    wallet: Wallet,
    merchant: Provider,
    amount: int,
    idempotency_key: str,
    merchant_account_: Account | None = None,
    obj=None,
    memo: str = "",
) -> Transfer:
    """A wallet pays a merchant (the hot path). The actor is the wallet's owner, merchant staff
    redeeming at the till, or a system actor. Spending rules and the balance are checked in
    the transfer; a retry with the same key returns the first payment."""
    if not (actor.system or (actor.user and actor.user.person_id == wallet.person_id)):
        actor.require("merchant.redeem", merchant)
    credit = merchant_account_ or merchant_account(merchant)
    counted = spending.counts_payments(wallet)
    with transaction.atomic() if counted else nullcontext():
        payment = transfer(
            actor,
            debit=wallet.account,
            credit=credit,
            amount=amount,
            kind=TransferKind.PAYMENT,
            idempotency_key=idempotency_key,
            obj=obj,
            memo=memo or merchant.name,
            wallet=wallet,
            merchant=merchant,
        )
        if counted:  # the wallet source counts it (a plan's fringe cap): refused = rolled back
            spending.hold_hooks(wallet).on_pay(wallet, merchant, amount, payment)
    return payment


@transaction.atomic
def top_up(
    actor: Actor,
    wallet: Wallet,
    amount: int,
    *,
    source: Account,
    idempotency_key: str | None = None,
    memo: str = "",
) -> Transfer:
    """Own money into an own top-up wallet, from the external account of the payment provider."""
    if not (actor.system or (actor.user and actor.user.person_id == wallet.person_id)):
        raise TransferNotAllowed(_("Solo il titolare può ricaricare il proprio buono."))
    return transfer(
        actor,
        debit=source,
        credit=wallet.account,
        amount=amount,
        kind=TransferKind.TOP_UP,
        idempotency_key=idempotency_key,
        obj=wallet,
        memo=memo or _("Ricarica"),
        wallet=wallet,
    )


def expire_wallets(
    actor: Actor, *, today: datetime.date | None = None, organization_ids=None
) -> list[Transfer]:
    """Send the balance of every wallet expired before `today` back to its fund, one wallet per
    transaction. Idempotent: a second run finds nothing to move. Own top-ups (no fund) never
    expire: that money belongs to the citizen."""
    today = today or timezone.localdate()
    with_money = (
        with_balances(Account.objects_unscoped.filter(kind=AccountKind.WALLET))
        .filter(current_balance__gt=0)
        .values("pk")
    )
    wallets = Wallet.objects_unscoped.filter(valid_until__lt=today, fund__isnull=False).filter(
        Q(expired_at__isnull=True) | Q(account_id__in=with_money)
    )
    if organization_ids is not None:
        wallets = wallets.filter(organization_id__in=list(organization_ids))
    moved = []
    for wallet_id in wallets.values_list("pk", flat=True).order_by("pk"):
        result = _expire_one(actor, wallet_id)
        if result is not None:
            moved.append(result)
    return moved


@transaction.atomic
def _expire_one(actor: Actor, wallet_id: int) -> Transfer | None:
    wallet = Wallet.objects_unscoped.select_related("account", "fund__account").get(pk=wallet_id)
    balance_now, held = lock_and_settle(wallet.account_id)
    # Money held for a till's open authorisation stays until it is captured or voided; the
    # next sweep returns what is left (an expired wallet with money is swept again).
    amount = balance_now - held
    if wallet.expired_at is None:
        wallet.expired_at = timezone.now()
        wallet.save(update_fields=["expired_at"])
    if amount <= 0:
        return None
    # The key names the wallet's state, so a rerun (or a concurrent sweep) replays, and money
    # reaching the wallet later (a reversed payment) is swept by a new transfer.
    last_entry = (
        Entry.objects_unscoped.filter(account_id=wallet.account_id)
        .order_by("-id")
        .values_list("pk", flat=True)
        .first()
    )
    result = transfer(
        actor,
        debit=wallet.account,
        credit=wallet.fund.account,
        amount=amount,
        kind=TransferKind.EXPIRY,
        idempotency_key=f"expiry:{wallet.pk}:{last_entry}",
        obj=wallet,
        memo=_("Scadenza del %(date)s") % {"date": wallet.valid_until.strftime("%d/%m/%Y")},
    )
    audit.record(
        actor,
        "ledger.wallet_expired",
        wallet,
        organization=Organization(pk=wallet.organization_id),
        person=Person(pk=wallet.person_id),
        after={"returned": amount, "fund": wallet.fund_id, "transfer": result.pk},
    )
    return result
