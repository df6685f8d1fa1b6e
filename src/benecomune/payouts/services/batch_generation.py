"""Generation of a payout batch (the background job's body): gather the payable orders in
chunks, each chunk one transaction, then write both SEPA files from the items and validate
them. Idempotent and resumable: the partial unique index on live items makes a second
inclusion of an order impossible, whatever runs twice; a rerun after a crash carries on and
rewrites the same files."""

import os
import tempfile

from django.core.files import File
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.core.files import stored_name
from benecomune.payouts.lifecycles import DEBIT_NOTE, PAYOUT_BATCH, PAYOUT_ORDER
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
from benecomune.payouts.sepa.pain001 import SCHEMES, Debtor, validate_pain001, write_pain001

CHUNK = 2000


# Set-based in the database: one INSERT ... SELECT per chunk (no rows through Python). The
# partial unique index on live items makes ON CONFLICT skip an order already live elsewhere.
_INCLUDE_SQL = (
    "INSERT INTO payouts_batchitem (batch_id, order_id, organization_id, end_to_end_id, amount,"
    " iban, holder, remittance, attempt, status, reason_code, reason, result_at,"
    " payout_transfer_id)"
    " SELECT %s, o.id, o.organization_id, %s || o.id, o.amount, o.iban, o.holder, o.remittance,"
    " 1 + (SELECT COUNT(*) FROM payouts_batchitem r WHERE r.order_id = o.id),"
    " 'queued', '', '', NULL, NULL"
    " FROM payouts_payoutorder o"
    " WHERE o.organization_id = %s AND o.status = 'ready' AND o.created_at <= %s"
    " AND o.id > %s AND o.id <= %s"
    " ON CONFLICT DO NOTHING RETURNING order_id"
)


def payable_orders(batch: PayoutBatch):
    """The orders the batch gathers: its payer's, payable, created before its cutoff (the
    same rule as _INCLUDE_SQL's WHERE)."""
    return PayoutOrder.objects_unscoped.filter(
        organization_id=batch.organization_id,
        status=PayoutStatus.READY,
        created_at__lte=batch.cutoff,
    )


def _take_chunk(actor: Actor, batch: PayoutBatch, after_id: int) -> tuple[int, int]:
    """Include the next chunk of payable orders, in one transaction. Returns (orders included,
    last order id looked at); (0, after_id) when nothing is left or the batch was withdrawn."""
    with transaction.atomic():
        status = (
            PayoutBatch.objects_unscoped.select_for_update()
            .values_list("status", flat=True)
            .get(pk=batch.pk)
        )
        if status != BatchStatus.PREPARING:
            return 0, after_id
        left = payable_orders(batch).filter(pk__gt=after_id).values_list("pk", flat=True)
        last_id = left.order_by("pk")[CHUNK - 1 : CHUNK].first()
        if last_id is None:  # fewer than a chunk left: take them all
            last_id = left.order_by("-pk").first()
            if last_id is None:
                return 0, after_id
        with connection.cursor() as cursor:
            cursor.execute(
                _INCLUDE_SQL,
                [
                    batch.pk,
                    f"BC{batch.pk}-",
                    batch.organization_id,
                    connection.ops.adapt_datetimefield_value(batch.cutoff),
                    after_id,
                    last_id,
                ],
            )
            included = [row[0] for row in cursor.fetchall()]
        PAYOUT_ORDER.apply_bulk(
            actor, PayoutOrder.objects_unscoped.filter(pk__in=included), PayoutStatus.IN_BATCH
        )
    return len(included), last_id


def queued_items(batch: PayoutBatch):
    return BatchItem.objects_unscoped.filter(batch_id=batch.pk, status=ItemStatus.QUEUED)


def _write_file(batch: PayoutBatch, scheme: str, count: int, total: int) -> str:
    """Write and validate one SEPA file into a temporary path; returns the path."""
    handle, path = tempfile.mkstemp(suffix=".xml", prefix="pain001-")
    rows = (
        queued_items(batch)
        .order_by("pk")
        .values_list("end_to_end_id", "amount", "iban", "holder", "remittance")
        .iterator(chunk_size=CHUNK)
    )
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
        write_pain001(
            out,
            scheme=scheme,
            message_id=batch.message_id,
            created_at=timezone.localtime(batch.prepared_at),
            execution_date=batch.execution_date,
            debtor=Debtor(batch.debtor_name, batch.debtor_iban, batch.debtor_bic),
            count=count,
            total=total,
            transactions=rows,
        )
    validate_pain001(path, scheme)
    return path


def generate_batch(batch_id: int, *, progress=None, actor: Actor | None = None) -> PayoutBatch:
    """The job's body: gather the orders, write both SEPA versions, mark the batch ready.
    Safe to run again at any point (resume after a crash); a ready batch is left alone."""
    actor = actor or Actor.system_actor("payouts.generate_batch")
    batch = PayoutBatch.objects_unscoped.get(pk=batch_id)
    if batch.status != BatchStatus.PREPARING:
        return batch
    remaining = payable_orders(batch).count()
    already = queued_items(batch).count()
    expected = already + remaining
    done, last_id = already, 0
    if progress:
        progress(done, expected + 1, _("Raccolta dei pagamenti"))
    while True:
        previous = last_id
        included, last_id = _take_chunk(actor, batch, last_id)
        if last_id == previous:
            break
        done += included
        if progress:
            progress(done, expected + 1, _("Raccolta dei pagamenti"))
    batch.refresh_from_db()
    if batch.status != BatchStatus.PREPARING:
        return batch  # withdrawn meanwhile
    totals = queued_items(batch).aggregate(count=Count("pk"), total=Coalesce(Sum("amount"), 0))
    if not totals["count"]:
        # Everything was taken by another batch (or paid meanwhile): nothing to send.
        with transaction.atomic():
            batch = PayoutBatch.objects_unscoped.select_for_update().get(pk=batch.pk)
            if batch.status == BatchStatus.PREPARING:
                batch.withdrawn_reason = _("Nessun pagamento da mettere in distinta.")
                PAYOUT_BATCH.apply(
                    actor,
                    batch,
                    BatchStatus.WITHDRAWN,
                    extra_fields=["withdrawn_reason"],
                    reason=batch.withdrawn_reason,
                )
        return batch
    if progress:
        progress(done, expected + 1, _("Scrittura e verifica dei file per la banca"))
    paths = {
        scheme: _write_file(batch, scheme, totals["count"], totals["total"]) for scheme in SCHEMES
    }
    try:
        with transaction.atomic():
            batch = PayoutBatch.objects_unscoped.select_for_update().get(pk=batch.pk)
            if batch.status != BatchStatus.PREPARING:
                return batch
            for scheme, path in paths.items():
                field = batch.sepa_file if scheme == batch.scheme else batch.sepa_file_legacy
                with open(path, "rb") as fh:
                    field.save(stored_name(f"{scheme}.xml"), File(fh), save=False)
            batch.item_count, batch.total = totals["count"], totals["total"]
            batch.resent_count = queued_items(batch).filter(attempt__gt=1).count()
            PAYOUT_BATCH.apply(
                actor,
                batch,
                BatchStatus.READY,
                extra_fields=None,  # every field: the files and the totals
                after={"items": batch.item_count, "total": batch.total},
            )
            notes = DebitNote.objects_unscoped.filter(
                payout_order__batch_items__batch=batch, status=DebitNoteStatus.APPROVED
            )
            DEBIT_NOTE.apply_bulk(actor, notes, DebitNoteStatus.IN_BATCH)
    finally:
        for path in paths.values():
            os.unlink(path)
    return batch
