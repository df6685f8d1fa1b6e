"""Balances (now and at a date) and account statements with a running balance."""

import datetime

from django.db.models import F, OuterRef, Subquery, Sum, Window
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from benecomune.core.exports import CsvWriter
from benecomune.ledger.models import Account, BalanceDelta, Entry, TransferKind
from benecomune.ledger.money import format_decimal


def _pending_sum():
    return Coalesce(
        Subquery(
            BalanceDelta.objects.filter(account_id=OuterRef("pk"))
            .values("account_id")
            .annotate(total=Sum("amount"))
            .values("total")[:1]
        ),
        0,
    )


def with_balances(accounts):
    """Annotate `current_balance` (settled + pending) on an Account queryset, in one query."""
    return accounts.annotate(current_balance=F("balance") + _pending_sum())


def balance(account: Account | int, at: datetime.datetime | None = None) -> int:
    """The balance in cents now (stored balance plus pending credits), or at the end of `at`
    (sum of the entries up to that moment; a date means the end of that day)."""
    account_id = getattr(account, "pk", account)
    if at is None:
        return (
            with_balances(Account.objects_unscoped.filter(pk=account_id))
            .values_list("current_balance", flat=True)
            .get()
        )
    return Entry.objects_unscoped.filter(
        account_id=account_id, created_at__lte=_end_of(at)
    ).aggregate(total=Coalesce(Sum("amount"), 0))["total"]


def spendable(account_ids) -> dict[int, tuple[int, int]]:
    """{account id: (available, held)} in one query: what can be spent now (the balance minus
    the holds of bookings and orders not yet delivered, and of claims in review) and what is
    held. What a person's pages show as "da spendere", as the checkout counts it."""
    rows = with_balances(Account.objects_unscoped.filter(pk__in=list(account_ids)))
    return {
        pk: (current - held, held)
        for pk, current, held in rows.values_list("pk", "current_balance", "held")
    }


def available(account: Account | int) -> int:
    """What can be spent or awarded now: the balance minus open reservations."""
    account_id = getattr(account, "pk", account)
    row = (
        with_balances(Account.objects_unscoped.filter(pk=account_id))
        .values_list("current_balance", "held")
        .get()
    )
    return row[0] - row[1]


def _end_of(at):
    if isinstance(at, datetime.datetime):
        return at
    start = timezone.make_aware(datetime.datetime.combine(at, datetime.time.min))
    return start + datetime.timedelta(days=1) - datetime.timedelta(microseconds=1)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def statement(
    account: Account,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    scoped: bool = True,
):
    """(opening balance, entries newest first annotated with `running_balance`).

    Entries carry their transfer and both accounts, for the description and counterparty.
    The running balance is computed by the database over the period plus the opening."""
    manager = Entry.objects if scoped else Entry.objects_unscoped
    entries = manager.filter(account=account)
    opening = 0
    if start is not None:
        opening = balance(account, _start_of(start) - datetime.timedelta(microseconds=1))
        entries = entries.filter(created_at__gte=_start_of(start))
    if end is not None:
        entries = entries.filter(created_at__lte=_end_of(end))
    entries = (
        entries.select_related("transfer__debit_account", "transfer__credit_account")
        .annotate(running=Window(Sum("amount"), order_by=[F("created_at").asc(), F("id").asc()]))
        .annotate(running_balance=F("running") + opening)
        .order_by("-created_at", "-id")
    )
    return opening, entries


def describe(entry: Entry) -> tuple[str, str]:
    """(description, counterparty name) of an entry, for statements."""
    transfer = entry.transfer
    other = transfer.credit_account if entry.amount < 0 else transfer.debit_account
    if transfer.kind == TransferKind.REFUND:
        # Said from the account's side: the citizen reads "Rimborso da <shop>", the own-money
        # wallet's way out "Rimborso a <provider>"; the memo is the reason, if one was given.
        text = _("Rimborso a %(name)s") if entry.amount < 0 else _("Rimborso da %(name)s")
        label = text % {"name": other.name}
    else:
        label = str(TransferKind(transfer.kind).label)
    description = f"{label}: {transfer.memo}" if transfer.memo else label
    return description, other.name


def write_statement_csv(out, account: Account, entries) -> None:
    """CSV for Italian spreadsheets: ';' separated, decimal comma. The caller writes the BOM.
    Cells are formula-safe (core.exports): a shop's or a fund's name, or a memo, typed by
    someone else, must not run as a formula in the citizen's or the Comune's spreadsheet."""
    writer = CsvWriter(out)
    writer.writerow(
        [
            _("Data e ora"),
            _("Numero movimento"),
            _("Descrizione"),
            _("Controparte"),
            _("Importo (euro)"),
            _("Saldo (euro)"),
        ]
    )
    for entry in entries.order_by("created_at", "id").iterator(chunk_size=1000):
        description, counterparty = describe(entry)
        when = timezone.localtime(entry.created_at)
        writer.writerow(
            [
                formats.date_format(when, "d/m/Y H:i"),
                entry.transfer_id,
                description,
                counterparty,
                format_decimal(entry.amount),
                format_decimal(entry.running_balance),
            ]
        )
