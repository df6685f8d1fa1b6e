"""Bank results: a pain.002 status report or a CSV of outcomes, matched against a batch.

Everything is checked before anything changes: the file must be about this batch, every
reference must be one of its credit transfers, amounts (when given) must match, and no outcome
may contradict one already recorded. Only then is the file kept and applied, in the
background, in chunks that are each one transaction and idempotent (the ledger key of each
payout names its item), so a crash halfway is finished by running the job again.

Paid: PAYOUT transfer platform → beneficiaries, order and its source (debit note, claim) paid.
Rejected: the money stays on the platform's account; the order waits for new payment data and
goes into a follow-up batch (no second funding: it was funded once).
"""

import hashlib
from dataclasses import dataclass, field
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.files import stored_name
from benecomune.core.models import Organization
from benecomune.core.notifications import notify_person
from benecomune.core.services.jobs import start_job
from benecomune.ledger.models import TransferKind
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.transfers import transfer
from benecomune.payouts.lifecycles import BATCH_ITEM, DEBIT_NOTE, PAYOUT_BATCH, PAYOUT_ORDER
from benecomune.payouts.models import (
    BankReport,
    BatchItem,
    BatchStatus,
    BeneficiaryKind,
    DebitNote,
    DebitNoteStatus,
    ItemStatus,
    PayoutBatch,
    PayoutOrder,
    PayoutStatus,
)
from benecomune.payouts.sepa.results import (
    MAX_BYTES,
    PAID,
    PENDING,
    REJECTED,
    Outcome,
    ResultFileError,
    parse_report,
    reason_text,
)
from benecomune.payouts.services.accounts import payer_setup
from benecomune.payouts.services.actors import job_params
from benecomune.payouts.services.notify import notify_organization

APPLY_CHUNK = 500


@dataclass
class Plan:
    # (item id, status, reason code, reason text)
    changes: list[tuple[int, str, str, str]] = field(default_factory=list)
    pending: int = 0
    unchanged: int = 0

    @property
    def paid(self) -> int:
        return sum(1 for change in self.changes if change[1] == PAID)

    @property
    def rejected(self) -> int:
        return sum(1 for change in self.changes if change[1] == REJECTED)


def plan_results(batch: PayoutBatch, data: bytes) -> Plan:
    """Parse and match; raises ResultFileError (Italian) and changes nothing."""
    if batch.status not in (BatchStatus.APPROVED, BatchStatus.CLOSED):
        raise ResultFileError(
            _("La distinta n. %(number)s non è stata approvata: non può avere esiti della banca.")
            % {"number": batch.display_number}
        )
    report = parse_report(data)
    if report.kind == "pain.002" and report.message_id != batch.message_id:
        raise ResultFileError(
            _(
                "Il file riguarda un'altra distinta (messaggio %(theirs)s), non la n. %(number)s "
                "(messaggio %(ours)s): nulla è stato registrato."
            )
            % {
                "theirs": report.message_id,
                "number": batch.display_number,
                "ours": batch.message_id,
            }
        )
    items = {
        ref: (pk, status, amount)
        for ref, pk, status, amount in BatchItem.objects_unscoped.filter(batch=batch)
        .exclude(status=ItemStatus.WITHDRAWN)
        .values_list("end_to_end_id", "pk", "status", "amount")
        .iterator(chunk_size=5000)
    }
    outcomes = list(report.outcomes)
    listed = {o.reference for o in outcomes}
    if report.group_status in ("ACSC", "ACCC", "RJCT"):
        # A status for the whole batch covers the transfers the file does not list one by one.
        status = PAID if report.group_status != "RJCT" else REJECTED
        outcomes += [
            Outcome(ref, status, report.group_code, report.group_reason)
            for ref in items
            if ref not in listed
        ]
    plan, seen = Plan(), set()
    for outcome in outcomes:
        where = (
            _("riga %(n)s, ") % {"n": outcome.line} if outcome.line else ""
        ) + outcome.reference
        if outcome.reference in seen:
            raise ResultFileError(
                _("Il bonifico %(ref)s compare due volte nel file: nulla è stato registrato.")
                % {"ref": where}
            )
        seen.add(outcome.reference)
        if outcome.reference not in items:
            raise ResultFileError(
                _(
                    "Il bonifico %(ref)s non fa parte della distinta n. %(number)s: il file "
                    "riguarda un'altra distinta? Nulla è stato registrato."
                )
                % {"ref": where, "number": batch.display_number}
            )
        pk, current, amount = items[outcome.reference]
        if outcome.amount is not None and outcome.amount != amount:
            raise ResultFileError(
                _(
                    "Importo diverso per il bonifico %(ref)s: %(theirs)s nel file, %(ours)s nella "
                    "distinta. Nulla è stato registrato."
                )
                % {
                    "ref": where,
                    "theirs": format_euro(outcome.amount),
                    "ours": format_euro(amount),
                }
            )
        if outcome.status == PENDING:
            plan.pending += 1
            continue
        if current == ItemStatus.QUEUED:
            plan.changes.append(
                (pk, outcome.status, outcome.code[:10], reason_text(outcome.code, outcome.reason))
            )
        elif current == outcome.status:
            plan.unchanged += 1
        else:
            raise ResultFileError(
                _(
                    "Il bonifico %(ref)s risulta già %(current)s, ma il file lo dà %(new)s: "
                    "verifichi con la banca. Nulla è stato registrato."
                )
                % {
                    "ref": where,
                    "current": ItemStatus(current).label.lower(),
                    "new": ItemStatus(outcome.status).label.lower(),
                }
            )
    if not plan.changes:
        raise ResultFileError(
            _("Il file non porta esiti nuovi (già registrati o ancora in lavorazione).")
            if plan.unchanged or plan.pending
            else _("Il file non contiene esiti per questa distinta.")
        )
    return plan


@transaction.atomic
def import_results(actor: Actor, batch: PayoutBatch, *, data: bytes, filename: str) -> BankReport:
    """Check the bank's file against the batch; if it is sound, keep it and apply it."""
    actor.require("payouts.manage", batch.organization_id)
    if len(data) > MAX_BYTES:
        raise ResultFileError(_("Il file è troppo grande (oltre 50 MB)."))
    batch = PayoutBatch.objects_unscoped.select_for_update().get(pk=batch.pk)
    plan = plan_results(batch, data)
    digest = hashlib.sha256(data).hexdigest()
    report = BankReport(
        organization_id=batch.organization_id,
        batch=batch,
        original_name=filename[:200],
        kind="pain.002" if data.lstrip()[:1] == b"<" else "csv",
        sha256=digest,
        pending=plan.pending,
        unchanged=plan.unchanged,
        uploaded_by=actor.user,
    )
    report.file.save(stored_name("esiti.dat"), ContentFile(data), save=False)
    report.save()
    audit.record(
        actor,
        "payouts.results_uploaded",
        report,
        organization=Organization(pk=batch.organization_id),
        after={
            "batch": batch.display_number,
            "paid": plan.paid,
            "rejected": plan.rejected,
            "pending": plan.pending,
            "sha256": digest,
        },
    )
    job = start_job(
        actor,
        batch.organization,
        "payouts.apply_results",
        _("Esiti della distinta n. %(number)s") % {"number": batch.display_number},
        job_params(actor, report_id=report.pk),
    )
    report.job = job
    report.save(update_fields=["job"])
    return report


def apply_results(actor: Actor, report_id: int, *, progress=None) -> BankReport:
    """The job's body: apply the kept file. Idempotent; safe to rerun after a crash."""
    report = BankReport.objects_unscoped.select_related("batch").get(pk=report_id)
    if report.applied_at is not None:
        return report
    batch = report.batch
    with report.file.open("rb") as fh:
        data = fh.read()
    try:
        plan = plan_results(batch, data)
    except ResultFileError:
        plan = Plan()  # everything in it is already recorded (a rerun after the last chunk)
    setup = payer_setup(batch.organization_id)
    changes = plan.changes
    for start in range(0, len(changes), APPLY_CHUNK):
        _apply_chunk(actor, batch, setup, changes[start : start + APPLY_CHUNK])
        if progress:
            progress(min(start + APPLY_CHUNK, len(changes)), len(changes))
    with transaction.atomic():
        report = BankReport.objects_unscoped.select_for_update().get(pk=report_id)
        counts = {PAID: 0, REJECTED: 0}
        for change in changes:
            counts[change[1]] += 1
        report.paid = report.paid + counts[PAID]
        report.rejected = report.rejected + counts[REJECTED]
        report.applied_at = timezone.now()
        report.save(update_fields=["paid", "rejected", "applied_at"])
        batch = PayoutBatch.objects_unscoped.select_for_update().get(pk=batch.pk)
        if (
            batch.status == BatchStatus.APPROVED
            and not BatchItem.objects_unscoped.filter(
                batch=batch, status=ItemStatus.QUEUED
            ).exists()
        ):
            batch.closed_at = timezone.now()
            PAYOUT_BATCH.apply(
                actor,
                batch,
                BatchStatus.CLOSED,
                extra_fields=["closed_at"],
                organization=Organization(pk=batch.organization_id),
                after={"items": batch.item_count},
            )
    return report


@transaction.atomic
def _apply_chunk(actor, batch, setup, changes) -> None:
    wanted = {pk: (status, code, reason) for pk, status, code, reason in changes}
    items = list(
        BatchItem.objects_unscoped.select_for_update(of=("self",))
        .filter(pk__in=list(wanted), status=ItemStatus.QUEUED)
        .select_related("order__person", "order__provider")
        .order_by("pk")
    )
    now = timezone.now()
    organization = Organization(pk=batch.organization_id)
    paid_orders, rejected_orders = [], []
    for item in items:
        status, code, reason = wanted[item.pk]
        order = item.order
        if status == PAID:
            item.payout_transfer = transfer(
                actor,
                debit=setup.platform_account,
                credit=setup.beneficiaries_account,
                amount=item.amount,
                kind=TransferKind.PAYOUT,
                idempotency_key=f"payout:{item.pk}",
                obj=item,
                memo=item.remittance,
            )
            order.paid_at = now
            paid_orders.append(order)
        else:
            item.reason_code, item.reason = code, reason
            order.rejection_reason = reason
            rejected_orders.append(order)
        item.result_at = now
        BATCH_ITEM.apply(
            actor,
            item,
            ItemStatus.PAID if status == PAID else ItemStatus.REJECTED,
            extra_fields=["reason", "reason_code", "result_at", "payout_transfer"],
            organization=organization,
            after={"order": order.pk, "reason_code": item.reason_code},
            reason=reason if status != PAID else "",
        )
        PAYOUT_ORDER.apply(
            actor,
            order,
            PayoutStatus.PAID if status == PAID else PayoutStatus.REJECTED,
            extra_fields=["paid_at", "rejection_reason"],
            after={"item": item.pk},
            reason=reason if status != PAID else "",
        )
        _tell_beneficiary(order, status, reason)
    paid_ids = [o.pk for o in paid_orders]
    rejected_ids = [o.pk for o in rejected_orders]
    paid_notes = DebitNote.objects_unscoped.filter(payout_order__pk__in=paid_ids)
    DEBIT_NOTE.apply_bulk(actor, paid_notes, DebitNoteStatus.PAID, values={"paid_at": now})
    # A rejected transfer: the note waits for the corrected IBAN, then the next batch.
    rejected_notes = DebitNote.objects_unscoped.filter(payout_order__pk__in=rejected_ids)
    DEBIT_NOTE.apply_bulk(actor, rejected_notes, DebitNoteStatus.APPROVED)
    audit.record(
        actor,
        "payouts.results_applied",
        batch,
        organization=Organization(pk=batch.organization_id),
        after={"paid": paid_ids, "rejected": rejected_ids},
    )


def _tell_beneficiary(order: PayoutOrder, status: str, reason: str) -> None:
    if order.beneficiary_kind == BeneficiaryKind.PERSON:
        tell = partial(notify_person, order.person)
        paid = _("Pagamento eseguito"), _("Le abbiamo versato %(amount)s: %(what)s.")
        rejected = _(
            "La banca ha respinto il bonifico di %(amount)s (%(reason)s). Aggiorni "
            "l'IBAN nella sua area personale o allo sportello: lo ripeteremo."
        )
    else:
        tell = partial(notify_organization, order.provider)
        paid = (
            _("Nota di debito pagata"),
            _("Abbiamo eseguito il bonifico di %(amount)s: %(what)s."),
        )
        rejected = _(
            "La banca ha respinto il bonifico di %(amount)s (%(reason)s). Aggiorni l'IBAN "
            "nella sua area: lo ripeteremo nella prossima distinta."
        )
    amount = format_euro(order.amount)
    if status == PAID:
        tell(subject=paid[0], body=paid[1] % {"amount": amount, "what": order.remittance})
    else:
        tell(
            subject=_("Bonifico non riuscito: aggiorni l'IBAN"),
            body=rejected % {"amount": amount, "reason": reason},
        )
