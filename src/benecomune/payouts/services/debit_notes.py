"""Settlement of merchants: debit notes listing the voucher payments they received.

A note is per merchant, payer (the organisation that issued the wallets) and wallet kind
(public vouchers, a company plan, own money collected online: `wallet_kind`), numbered per
merchant per year when issued. The payer approves it: the merchant's receivable is moved to
the payer's payable account (SETTLEMENT, whole amount: no commission) and a payout order to
the merchant's IBAN is created.
"""

import datetime
from collections import defaultdict

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.files import stored_name
from benecomune.core.models import Organization, Provider
from benecomune.ledger.models import (
    Account,
    AccountKind,
    Transfer,
    TransferKind,
    Wallet,
    WalletSource,
)
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.transfers import transfer
from benecomune.ledger.services.wallets import merchant_account
from benecomune.payments.services.planning import OWN_MONEY_SOURCE_TYPE
from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.lifecycles import DEBIT_NOTE
from benecomune.payouts.models import (
    BeneficiaryKind,
    DebitNote,
    DebitNoteCounter,
    DebitNoteLine,
    DebitNoteStatus,
    SettlementKind,
    SettlementPeriod,
)
from benecomune.payouts.services.accounts import payer_setup, settlement_period_for
from benecomune.payouts.services.note_lines import gross_and_shared
from benecomune.payouts.services.notify import notify_organization
from benecomune.payouts.services.orders import create_order
from benecomune.payouts.services.payees import payee_account_for

# Above this amount a document outside the scope of VAT carries the 2 euro stamp duty.
STAMP_DUTY_THRESHOLD = 7_747


def receivable_id(merchant: Provider | int) -> int | None:
    return (
        Account.objects_unscoped.filter(
            organization_id=getattr(merchant, "pk", merchant), kind=AccountKind.MERCHANT
        )
        .values_list("pk", flat=True)
        .first()
    )


def redemptions(merchant: Provider | int):
    """Voucher payments to the merchant, their reversals and refunds, annotated with the payer
    (issuer of the wallet), the wallet's account, the signed amount and whether a live note has
    it."""
    account_id = receivable_id(merchant)
    is_payment = Q(kind=TransferKind.PAYMENT)
    qs = Transfer.objects_unscoped.filter(
        Q(credit_account_id=account_id, kind=TransferKind.PAYMENT)
        | Q(
            debit_account_id=account_id,
            kind=TransferKind.REVERSAL,
            reversal_of__kind=TransferKind.PAYMENT,
        )
        # A refund gives part of a payment back to its wallet: it lowers what is owed.
        | Q(debit_account_id=account_id, kind=TransferKind.REFUND)
    ).annotate(
        payer_id=Case(
            When(is_payment, then=F("debit_account__organization_id")),
            default=F("credit_account__organization_id"),
        ),
        wallet_account_id=Case(
            When(is_payment, then=F("debit_account_id")), default=F("credit_account_id")
        ),
        signed_amount=Case(When(is_payment, then=F("amount")), default=-F("amount")),
        in_note=Exists(DebitNoteLine.objects.filter(transfer_id=OuterRef("pk"), live=True)),
    )
    qs = qs.annotate(wallet_kind=wallet_kind("wallet_account_id"))
    return qs if account_id is not None else qs.none()


def wallet_kind(account_field: str):
    """The settlement kind of the wallet whose account is `account_field`: own money collected
    online by the platform, a company plan (corporate), else public (a call's award, a
    voucher); a transfer from no wallet counts as public."""
    wallets = Wallet.objects_unscoped.filter(account_id=OuterRef(account_field))
    return Case(
        When(
            Exists(wallets.filter(source_type=OWN_MONEY_SOURCE_TYPE)),
            then=Value(SettlementKind.OWN_MONEY.value),
        ),
        When(
            Exists(wallets.filter(source_kind=WalletSource.COMPANY_PLAN)),
            then=Value(SettlementKind.CORPORATE.value),
        ),
        default=Value(SettlementKind.PUBLIC.value),
    )


def unsettled_payments(merchant, *, until: datetime.datetime | None = None, payer_id=None):
    """Payments and reversals no live note has. A sale voided before a note had it, and its
    reversal, are left out: nothing is owed for them (services/sale_voids.py)."""
    live = DebitNoteLine.objects.filter(live=True)
    voided = Q(
        Q(kind=TransferKind.PAYMENT, reversal__isnull=False),
        ~Exists(live.filter(transfer_id=OuterRef("reversal__pk"))),
    ) | Q(
        Q(kind=TransferKind.REVERSAL), ~Exists(live.filter(transfer_id=OuterRef("reversal_of_id")))
    )
    qs = redemptions(merchant).filter(in_note=False).exclude(voided)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    if payer_id is not None:
        qs = qs.filter(payer_id=payer_id)
    return qs


def _open_draft(merchant: Provider, payer_id: int, kind: str, today: datetime.date) -> DebitNote:
    draft = {"merchant": merchant, "payer_id": payer_id, "kind": kind}
    note = (
        DebitNote.objects_unscoped.select_for_update()
        .filter(**draft, status=DebitNoteStatus.DRAFT)
        .first()
    )
    if note is not None:
        return note
    try:
        with transaction.atomic():
            return DebitNote.objects_unscoped.create(**draft, period_start=today, period_end=today)
    except IntegrityError:  # another request opened it meanwhile
        return DebitNote.objects_unscoped.select_for_update().get(
            **draft, status=DebitNoteStatus.DRAFT
        )


def _refresh_totals(note: DebitNote, period_end: datetime.date | None = None) -> None:
    totals = DebitNoteLine.objects.filter(note=note).aggregate(
        total=Coalesce(Sum("amount"), 0),
        count=Count("pk"),
        first=Min("occurred_at"),
        last=Max("occurred_at"),
    )
    # Net of the shared value the lines routed to social projects (no query without lines).
    shared = gross_and_shared(note)[1] if totals["count"] else 0
    totals["total"] -= shared
    note.total, note.line_count = max(totals["total"], 0), totals["count"]
    if totals["first"]:
        note.period_start = timezone.localdate(totals["first"])
        note.period_end = max(period_end or note.period_end, timezone.localdate(totals["last"]))
    note.save(update_fields=["total", "line_count", "period_start", "period_end"])
    note._raw_total = totals["total"]


@transaction.atomic
def build_debit_notes(
    actor: Actor,
    merchant: Provider,
    *,
    until: datetime.datetime | None = None,
    payer_id: int | None = None,
) -> list[DebitNote]:
    """Put the merchant's unsettled voucher payments (before `until`) into its draft notes,
    one per payer and wallet kind. Returns the drafts that changed."""
    actor.require("merchant.manage", merchant)
    today = timezone.localdate()
    rows = unsettled_payments(merchant, until=until, payer_id=payer_id).values_list(
        "pk", "payer_id", "wallet_account_id", "signed_amount", "created_at", "wallet_kind"
    )
    by_payer = defaultdict(list)
    for row in rows.order_by("created_at", "pk"):
        by_payer[row[1], row[5]].append(row)
    period_end = (timezone.localtime(until) - datetime.timedelta(days=1)).date() if until else None
    notes = []
    for (payer, kind), lines in sorted(by_payer.items()):
        note = _open_draft(merchant, payer, kind, today)
        DebitNoteLine.objects.bulk_create(
            [
                DebitNoteLine(
                    note=note,
                    transfer_id=pk,
                    amount=signed,
                    occurred_at=created,
                    wallet_account_id=wallet,
                )
                for pk, _payer, wallet, signed, created, _kind in lines
            ],
            ignore_conflicts=True,  # a concurrent build took some: they stay there
        )
        _refresh_totals(note, period_end)
        audit.record(
            actor,
            "payouts.debit_note_drafted",
            note,
            organization=merchant,
            after={
                "payer": payer,
                "kind": kind,
                "lines": note.line_count,
                "total": note.total,
            },
        )
        notes.append(note)
    return notes


def _next_number(merchant_id: int, year: int) -> int:
    try:
        with transaction.atomic():
            DebitNoteCounter.objects.get_or_create(merchant_id=merchant_id, year=year)
    except IntegrityError:
        pass
    counter = DebitNoteCounter.objects.select_for_update().get(merchant_id=merchant_id, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _drop_voided_sales(note: DebitNote) -> None:
    """Sales of the draft voided at the till after it took them leave it before it is issued
    (their reversals are in no note either): an issued note never counts a voided sale."""
    payments = DebitNoteLine.objects.filter(note=note, amount__gt=0).values("transfer_id")
    reversals = dict(
        Transfer.objects_unscoped.filter(reversal_of_id__in=payments).values_list(
            "pk", "reversal_of_id"
        )
    )
    if not reversals:
        return
    noted = set(
        DebitNoteLine.objects.filter(live=True, transfer_id__in=list(reversals)).values_list(
            "transfer_id", flat=True
        )
    )
    voided = [payment for reversal, payment in reversals.items() if reversal not in noted]
    DebitNoteLine.objects.filter(note=note, transfer_id__in=voided).delete()


@transaction.atomic
def issue_debit_note(actor: Actor, note: DebitNote) -> DebitNote:
    """Number the draft (per merchant and year), render its PDF and send it to the payer."""
    actor.require("merchant.manage", note.merchant_id)
    note = DebitNote.objects_unscoped.select_for_update().get(pk=note.pk)
    if note.status != DebitNoteStatus.DRAFT:
        raise PayoutError(_("La nota di debito è già stata emessa."))
    _drop_voided_sales(note)
    _refresh_totals(note)
    if note.line_count == 0 or note._raw_total <= 0:
        raise PayoutError(
            _("La nota non ha importi da rimborsare: attenda nuovi incassi con i buoni.")
        )
    now = timezone.now()
    note.year = timezone.localdate(now).year
    note.number = _next_number(note.merchant_id, note.year)
    issuing = DEBIT_NOTE.check(actor, note, DebitNoteStatus.ISSUED)
    note.status, note.issued_at, note.issued_by = DebitNoteStatus.ISSUED, now, actor.user
    from benecomune.payouts.pdf.debit_note import render_debit_note

    content = render_debit_note(note)  # the PDF shows the note as issued
    note.pdf.save(stored_name("nota.pdf"), ContentFile(content), save=False)
    note.save()
    DEBIT_NOTE.record(
        actor,
        note,
        issuing,
        DebitNoteStatus.DRAFT,
        organization=Organization(pk=note.merchant_id),
        after={
            "number": note.display_number,
            "payer": note.payer_id,
            "total": note.total,
            "lines": note.line_count,
        },
    )
    notify_organization(
        note.payer,
        subject=_("Nuova nota di debito da approvare"),
        body=_("%(merchant)s ha emesso la nota di debito n. %(number)s di %(total)s.")
        % {
            "merchant": note.merchant.name,
            "number": note.display_number,
            "total": format_euro(note.total),
        },
    )
    return note


def _decidable(actor: Actor, note: DebitNote) -> DebitNote:
    actor.require("payouts.manage", note.payer_id)
    note = DebitNote.objects_unscoped.select_for_update().get(pk=note.pk)
    if note.status != DebitNoteStatus.ISSUED:
        raise PayoutError(
            _("La nota è nello stato «%(status)s»: si decide solo su una nota emessa.")
            % {"status": note.get_status_display()}
        )
    return note


@transaction.atomic
def approve_debit_note(actor: Actor, note: DebitNote) -> DebitNote:
    """The payer approves: the whole amount (no commission) moves from the merchant's
    receivable to the payer's payable account, and a payout order goes to the merchant."""
    note = _decidable(actor, note)
    setup = payer_setup(note.payer_id)
    merchant = note.merchant
    settlement = transfer(
        actor,
        debit=merchant_account(merchant),
        credit=setup.payable_account,
        amount=note.total,
        kind=TransferKind.SETTLEMENT,
        idempotency_key=f"debit-note:{note.pk}",
        obj=note,
        memo=_("Nota di debito n. %(number)s di %(merchant)s")
        % {"number": note.display_number, "merchant": merchant.name},
    )
    payee = payee_account_for(merchant, note.payer)
    create_order(
        organization_id=note.payer_id,
        kind=BeneficiaryKind.MERCHANT,
        provider=merchant,
        name=merchant.name,
        iban=payee.iban if payee else "",
        holder=payee.holder if payee else "",
        amount=note.total,
        remittance=_("Rimborso buoni - nota di debito n. %(number)s - %(merchant)s")
        % {"number": note.display_number, "merchant": merchant.name},
        source=note,
        source_transfer=settlement,
        debit_note=note,
    )
    note.settlement_transfer = settlement
    after = {"total": note.total, "transfer": settlement.pk, "iban_known": bool(payee)}
    _decide(actor, note, DebitNoteStatus.APPROVED, "settlement_transfer", after=after)
    body = _("La nota di debito n. %(number)s di %(total)s è stata approvata.") % {
        "number": note.display_number,
        "total": format_euro(note.total),
    }
    if payee is None:
        body += " " + _("Indichi l'IBAN su cui ricevere il pagamento: senza non possiamo pagare.")
    notify_organization(merchant, subject=_("Nota di debito approvata"), body=body)
    return note


def _decide(actor: Actor, note: DebitNote, status: str, field: str, **audit_data) -> None:
    """Record the payer's decision on the note (and `field`, set by the caller), audited."""
    note.decided_at, note.decided_by = timezone.now(), actor.user
    DEBIT_NOTE.apply(
        actor,
        note,
        status,
        extra_fields=["decided_at", "decided_by", field],
        organization=Organization(pk=note.payer_id),
        **audit_data,
    )


@transaction.atomic
def reject_debit_note(actor: Actor, note: DebitNote, *, reason: str) -> DebitNote:
    """The payer refuses the note; its payments are freed and go into the next note."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise PayoutError({"reason": _("Scriva il motivo: l'esercente lo leggerà.")})
    note = _decidable(actor, note)
    DebitNoteLine.objects.filter(note=note).update(live=False)
    note.rejection_reason = reason
    _decide(actor, note, DebitNoteStatus.REJECTED, "rejection_reason", reason=reason)
    notify_organization(
        note.merchant,
        subject=_("Nota di debito respinta"),
        body=_(
            "Il Comune ha respinto la nota di debito n. %(number)s: %(reason)s. Gli incassi "
            "torneranno nella prossima nota."
        )
        % {"number": note.display_number, "reason": reason},
    )
    return note


def period_start(day: datetime.date, period: str) -> datetime.date:
    """The first day of the settlement period containing `day`."""
    if period == SettlementPeriod.MONTHLY:
        return day.replace(day=1)
    if period == SettlementPeriod.FORTNIGHTLY:
        return day.replace(day=1 if day.day < 16 else 16)
    return day - datetime.timedelta(days=day.weekday())


def issue_due_debit_notes(actor: Actor, *, today: datetime.date | None = None) -> list[DebitNote]:
    """For every merchant and payer: put the payments of the periods already closed into a
    note and issue it (the command run daily by the scheduler). Idempotent."""
    today = today or timezone.localdate()
    issued = []
    merchant_ids = Account.objects_unscoped.filter(kind=AccountKind.MERCHANT).values_list(
        "organization_id", flat=True
    )
    for merchant in Provider.objects.filter(pk__in=list(merchant_ids)).order_by("pk"):
        payer_ids = set(unsettled_payments(merchant).values_list("payer_id", flat=True))
        for payer in Organization.objects.filter(pk__in=payer_ids).order_by("pk"):
            start = period_start(today, settlement_period_for(payer))
            until = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
            with transaction.atomic():
                notes = build_debit_notes(actor, merchant, until=until, payer_id=payer.pk)
                for note in notes:
                    if note._raw_total > 0:
                        issued.append(issue_debit_note(actor, note))
    return issued
