"""Who may see the payouts app's files (served by core/files.py): expense-claim receipts,
bank files of a payout batch, debit notes. Each lookup reuses the pages' own checks: the
permission of the active role and the scoped managers (another tenant's row is not found)."""

from django.db import transaction

from benecomune.core import audit
from benecomune.core.files import ServedFile, register_file_kind
from benecomune.payouts.models import (
    BatchStatus,
    DebitNote,
    DebitNoteStatus,
    ExpenseClaim,
    PayoutBatch,
)

BANK_FILE_STATUSES = (BatchStatus.APPROVED, BatchStatus.CLOSED)


# --- Receipts of expense claims --------------------------------------------------------------


def claim_receipt(claim: ExpenseClaim | None) -> ServedFile | None:
    if claim is None or not claim.document:
        return None
    return ServedFile(
        filename=claim.document_name or "ricevuta",
        content_type=claim.document_type or "application/octet-stream",
        field=claim.document,
    )


def staff_claim_receipt(actor, pk: int) -> ServedFile | None:
    if not actor.has_perm("applications.view"):
        return None
    return claim_receipt(ExpenseClaim.objects.filter(pk=pk).first())


def citizen_claim_receipt(actor, pk: int) -> ServedFile | None:
    claim = ExpenseClaim.objects_unscoped.filter(pk=pk, person_id=actor.user.person_id).first()
    return claim_receipt(claim)


# --- Bank files of a payout batch ------------------------------------------------------------


def bank_file_lookup(legacy: bool):
    """The SEPA file (or its legacy-scheme twin) of an approved batch, for the maker's role;
    every download is in the audit trail."""

    def lookup(actor, pk: int) -> ServedFile | None:
        if not actor.has_perm("payouts.manage"):
            return None
        batch = PayoutBatch.objects.filter(pk=pk, status__in=BANK_FILE_STATUSES).first()
        if batch is None:
            return None
        from benecomune.payouts.services.batches import legacy_scheme

        scheme = legacy_scheme(batch) if legacy else batch.scheme
        field = batch.sepa_file_legacy if legacy else batch.sepa_file
        if not field:
            return None
        with transaction.atomic():
            audit.record(
                actor,
                "payouts.bank_file_downloaded",
                batch,
                organization=batch.organization,
                after={"scheme": scheme},
            )
        return ServedFile(
            filename=f"{batch.message_id}-{scheme}.xml",
            content_type="application/xml",
            field=field,
        )

    return lookup


# --- Debit notes -----------------------------------------------------------------------------


def staff_debit_note(actor, pk: int) -> ServedFile | None:
    """The paying Comune (payouts.manage, scoped by payer) or the merchant who issued it
    (merchant.view, scoped by merchant); never a draft."""
    if actor.has_perm("payouts.manage"):
        note = DebitNote.objects.exclude(status=DebitNoteStatus.DRAFT).filter(pk=pk).first()
        if note is not None and note.pdf:
            return ServedFile(
                filename=f"nota-di-debito-{note.merchant_id}-{note.year}-{note.number:04d}.pdf",
                content_type="application/pdf",
                field=note.pdf,
            )
    if actor.has_perm("merchant.view"):
        note = DebitNote.for_merchant.exclude(status=DebitNoteStatus.DRAFT).filter(pk=pk).first()
        if note is not None and note.pdf:
            return ServedFile(
                filename=f"nota-di-debito-{note.year}-{note.number:04d}.pdf",
                content_type="application/pdf",
                field=note.pdf,
            )
    return None


register_file_kind("claim-receipt", staff=staff_claim_receipt, citizen=citizen_claim_receipt)
register_file_kind("payout-file", staff=bank_file_lookup(legacy=False))
register_file_kind("payout-file-legacy", staff=bank_file_lookup(legacy=True))
register_file_kind("debit-note", staff=staff_debit_note)
