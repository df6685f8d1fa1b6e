"""Payout batches: prepared by one person (payouts.manage), generated in the background,
approved by another (payouts.approve), which records the payer's single funding transfer.

Generation (services.batch_generation) is idempotent and resumable.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.confirmation import check_confirmed, fingerprint
from benecomune.core.conflicts import own_household_codes
from benecomune.core.models import Organization
from benecomune.core.services.jobs import start_job
from benecomune.ledger.models import TransferKind
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.transfers import transfer
from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.lifecycles import BATCH_ITEM, DEBIT_NOTE, PAYOUT_BATCH, PAYOUT_ORDER
from benecomune.payouts.models import (
    BatchItem,
    BatchStatus,
    DebitNote,
    DebitNoteStatus,
    ItemStatus,
    PayoutBatch,
    PayoutOrder,
    PayoutStatus,
)
from benecomune.payouts.sepa.pain001 import SCHEMES
from benecomune.payouts.services.accounts import payer_setup
from benecomune.payouts.services.batch_generation import generate_batch, queued_items
from benecomune.payouts.services.orders import refresh_person_orders


def _easter_sunday(year: int) -> datetime.date:
    """Gregorian Easter (the anonymous algorithm): TARGET2 closes on Good Friday and Monday."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * ell) // 433
    month = (h + ell - 7 * m + 90) // 25
    return datetime.date(year, month, (h + ell - 7 * m + 33 * month + 19) % 32)


def bank_closing_days(year: int) -> set[datetime.date]:
    """The weekdays on which SEPA credit transfers are not executed (TARGET2 calendar)."""
    easter = _easter_sunday(year)
    return {
        datetime.date(year, 1, 1),
        easter - datetime.timedelta(days=2),
        easter + datetime.timedelta(days=1),
        datetime.date(year, 5, 1),
        datetime.date(year, 12, 25),
        datetime.date(year, 12, 26),
    }


def is_bank_business_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in bank_closing_days(day.year)


def next_business_day(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not is_bank_business_day(day):
        day += datetime.timedelta(days=1)
    return day


@transaction.atomic
def prepare_batch(
    actor: Actor,
    organization: Organization,
    *,
    execution_date: datetime.date | None = None,
    start: bool = True,
) -> PayoutBatch:
    """Open a batch over every payable order of the payer and start its generation job."""
    actor.require("payouts.manage", organization)
    setup = payer_setup(organization)
    setup = type(setup).objects_unscoped.select_for_update().get(pk=setup.pk)  # one at a time
    if not setup.debtor_iban:
        raise PayoutError(
            _(
                "Indichi prima, nelle impostazioni dei pagamenti, il conto da cui partono "
                "i bonifici."
            )
        )
    open_batch = PayoutBatch.objects_unscoped.filter(
        organization=organization, status__in=[BatchStatus.PREPARING, BatchStatus.READY]
    ).first()
    if open_batch is not None:
        raise PayoutError(
            _("La distinta n. %(number)s è ancora da completare: la approvi o la ritiri prima.")
            % {"number": open_batch.display_number}
        )
    today = timezone.localdate()
    if execution_date is not None and execution_date < today:
        raise PayoutError(_("La data di esecuzione non può essere nel passato."))
    if execution_date is not None and not is_bank_business_day(execution_date):
        # The bank would refuse the file or move every transfer: say so before preparing it.
        raise PayoutError(
            _(
                "Il %(day)s le banche non eseguono bonifici (sabato, domenica o festività "
                "bancaria): scelga un giorno lavorativo, per esempio il %(next)s."
            )
            % {
                "day": execution_date.strftime("%d/%m/%Y"),
                "next": next_business_day(execution_date).strftime("%d/%m/%Y"),
            }
        )
    refresh_person_orders(organization.pk, actor)
    now = timezone.now()
    if not PayoutOrder.objects_unscoped.filter(
        organization=organization, status=PayoutStatus.READY, created_at__lte=now
    ).exists():
        raise PayoutError(_("Non ci sono pagamenti da mettere in distinta."))
    year = today.year
    number = (
        PayoutBatch.objects_unscoped.filter(organization=organization, year=year).aggregate(
            last=Max("number")
        )["last"]
        or 0
    ) + 1
    batch = PayoutBatch.objects_unscoped.create(
        organization=organization,
        year=year,
        number=number,
        message_id=f"BC-{organization.pk}-{year}-{number:05d}",
        scheme=setup.sepa_scheme,
        execution_date=execution_date or next_business_day(today),
        cutoff=now,
        debtor_name=setup.debtor_name or organization.name[:70],
        debtor_iban=setup.debtor_iban,
        debtor_bic=setup.debtor_bic,
        prepared_by=actor.user,
    )
    audit.record(
        actor,
        "payouts.batch_prepared",
        batch,
        organization=organization,
        after={"number": batch.display_number, "execution_date": str(batch.execution_date)},
    )
    if start:
        start_generation(actor, batch)
    return batch


def start_generation(actor: Actor, batch: PayoutBatch):
    """Start (or resume, after a crash) the background generation of a batch."""
    actor.require("payouts.manage", batch.organization_id)
    if batch.status != BatchStatus.PREPARING:
        raise PayoutError(_("La distinta è già pronta."))
    params = {"batch_id": batch.pk}
    if actor.membership is not None:
        params["membership_id"] = actor.membership.pk
    job = start_job(
        actor,
        batch.organization,
        "payouts.generate_batch",
        _("Preparazione della distinta n. %(number)s") % {"number": batch.display_number},
        params,
    )
    PayoutBatch.objects_unscoped.filter(pk=batch.pk).update(job=job)
    batch.job = job
    return job


def batch_fingerprint(batch: PayoutBatch) -> str:
    """The payments the approval page showed: ids, orders, amounts and IBANs."""
    rows = (
        queued_items(batch)
        .order_by("pk")
        .values_list("pk", "order_id", "amount", "iban")
        .iterator(chunk_size=2000)
    )
    return fingerprint("batch", batch.pk, batch.status, rows=rows)


def legacy_scheme(batch: PayoutBatch) -> str:
    return next(s for s in SCHEMES if s != batch.scheme)


def own_household_items(actor: Actor, batch: PayoutBatch):
    """The batch's payments to the actor or to their household: a conflict of interest (the
    rule of core.conflicts, as for decisions on applications)."""
    own = own_household_codes(actor)
    if not own:
        return BatchItem.objects_unscoped.none()
    return (
        queued_items(batch)
        .filter(order__person__fiscal_code__in=own)
        .select_related("order")
        .order_by("pk")
    )


def refuse_own_household(actor: Actor, batch: PayoutBatch) -> None:
    """Whoever approves a batch has no payment in it to themselves or their household: it is
    approved by another validator (the maker's own payments are seen by the checker)."""
    items = list(own_household_items(actor, batch)[:4])
    if items:
        names = ", ".join(
            f"{item.order.beneficiary_name} ({format_euro(item.amount)})" for item in items[:3]
        )
        raise PermissionDenied(
            ngettext(
                "La distinta contiene un pagamento a lei o al suo nucleo familiare (%(names)s): "
                "deve approvarla un altro convalidatore.",
                "La distinta contiene pagamenti a lei o al suo nucleo familiare (%(names)s): "
                "deve approvarla un altro convalidatore.",
                len(items),
            )
            % {"names": names + (", …" if len(items) > 3 else "")}
        )


def funding_amount(batch: PayoutBatch) -> int:
    """What the payer transfers on approval: the queued orders not funded yet. Orders already
    funded by an earlier approved batch (rejected, corrected, sent again) are on the
    platform's account: the Comune transfers only the rest."""
    funded_before = BatchItem.objects_unscoped.filter(
        order_id=OuterRef("order_id"),
        batch__status__in=[BatchStatus.APPROVED, BatchStatus.CLOSED],
    ).exclude(batch_id=batch.pk)
    return (
        queued_items(batch)
        .filter(~Exists(funded_before))
        .aggregate(total=Coalesce(Sum("amount"), 0))["total"]
    )


@transaction.atomic
def approve_batch(
    actor: Actor,
    batch: PayoutBatch,
    *,
    confirmed: bool = True,
    expected_fingerprint: str | None = None,
) -> PayoutBatch:
    """A second person approves: the payer's single transfer to the platform's account, for
    the orders not funded yet, is recorded in the ledger; the files may go to the bank.
    From the page, `expected_fingerprint` is the summary the approver confirmed
    (`batch_confirm.summarise_batch`): if the payments changed since, nothing is approved."""
    actor.require("payouts.approve", batch.organization_id)
    batch = PayoutBatch.objects_unscoped.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.READY:
        raise PayoutError(
            _("La distinta è nello stato «%(status)s»: non si può approvare.")
            % {"status": batch.get_status_display()}
        )
    if actor.user is not None and batch.prepared_by_id == actor.user.pk:
        raise PermissionDenied(
            _("La distinta deve essere approvata da una persona diversa da chi l'ha preparata.")
        )
    refuse_own_household(actor, batch)
    check_confirmed(expected_fingerprint, batch_fingerprint(batch), confirmed=confirmed)
    setup = payer_setup(batch.organization_id)
    amount = funding_amount(batch)
    if amount:
        batch.funding_transfer = transfer(
            actor,
            debit=setup.payable_account,
            credit=setup.platform_account,
            amount=amount,
            kind=TransferKind.SETTLEMENT,
            idempotency_key=f"batch-funding:{batch.pk}",
            obj=batch,
            memo=_("Bonifico unico dell'ente per la distinta n. %(number)s")
            % {"number": batch.display_number},
        )
    batch.approved_by, batch.approved_at = actor.user, timezone.now()
    PAYOUT_BATCH.apply(
        actor,
        batch,
        BatchStatus.APPROVED,
        extra_fields=["approved_by", "approved_at", "funding_transfer"],
        organization=Organization(pk=batch.organization_id),
        after={
            "items": batch.item_count,
            "total": batch.total,
            "funding": amount,
            "funding_transfer": batch.funding_transfer_id,
        },
    )
    return batch


@transaction.atomic
def withdraw_batch(actor: Actor, batch: PayoutBatch, *, reason: str) -> PayoutBatch:
    """Take back a batch not yet approved (the checker refuses it, or the maker withdraws it):
    its orders become payable again for the next batch."""
    if not (
        actor.has_perm("payouts.manage", batch.organization_id)
        or actor.has_perm("payouts.approve", batch.organization_id)
    ):
        actor.require("payouts.manage", batch.organization_id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise PayoutError({"reason": _("Scriva il motivo del ritiro.")})
    batch = PayoutBatch.objects_unscoped.select_for_update().get(pk=batch.pk)
    if batch.status not in (BatchStatus.PREPARING, BatchStatus.READY):
        raise PayoutError(_("Una distinta approvata non si ritira: si registrano gli esiti."))
    order_ids = list(queued_items(batch).values_list("order_id", flat=True))
    BATCH_ITEM.apply_bulk(actor, queued_items(batch), ItemStatus.WITHDRAWN, reason=reason)
    orders = PayoutOrder.objects_unscoped.filter(pk__in=order_ids)
    PAYOUT_ORDER.apply_bulk(actor, orders, PayoutStatus.READY, reason=reason)
    notes = DebitNote.objects_unscoped.filter(
        payout_order__pk__in=order_ids, status=DebitNoteStatus.IN_BATCH
    )
    DEBIT_NOTE.apply_bulk(actor, notes, DebitNoteStatus.APPROVED, reason=reason)
    batch.withdrawn_reason = reason
    PAYOUT_BATCH.apply(
        actor,
        batch,
        BatchStatus.WITHDRAWN,
        extra_fields=["withdrawn_reason"],
        organization=Organization(pk=batch.organization_id),
        after={"orders_ready_again": len(order_ids)},
        reason=reason,
    )
    return batch


def batch_summary(batch: PayoutBatch) -> dict:
    rows = dict(
        BatchItem.objects_unscoped.filter(batch=batch)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        "queued": rows.get(ItemStatus.QUEUED, 0),
        "paid": rows.get(ItemStatus.PAID, 0),
        "rejected": rows.get(ItemStatus.REJECTED, 0),
        "withdrawn": rows.get(ItemStatus.WITHDRAWN, 0),
        "total_text": format_euro(batch.total),
    }


__all__ = [
    "approve_batch",
    "batch_summary",
    "generate_batch",
    "legacy_scheme",
    "prepare_batch",
    "start_generation",
    "withdraw_batch",
]
