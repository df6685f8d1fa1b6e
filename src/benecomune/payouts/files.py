"""Who may see the payouts app's files (served by core/files.py): expense-claim receipts,
bank files of a payout batch, debit notes. Each lookup reuses the pages' own checks: the
permission of the active role and the scoped managers (another tenant's row is not found)."""

from django.db import transaction

from benecomune.core import audit
from benecomune.core.files import ServedFile, register_file_kind
from benecomune.payouts.models import (
    BatchStatus,
    ClaimReceipt,
    DebitNote,
    DebitNoteStatus,
    ExpenseClaim,
    PayoutBatch,
)

BANK_FILE_STATUSES = (BatchStatus.APPROVED, BatchStatus.CLOSED)


# --- Receipts of expense claims --------------------------------------------------------------


def claim_receipt(claim: ExpenseClaim | None) -> ServedFile | None:
    """The claim's current receipt (its newest ClaimReceipt); none for a self-declaration."""
    return served_receipt(claim.receipt if claim is not None else None)


def served_receipt(receipt: ClaimReceipt | None) -> ServedFile | None:
    if receipt is None or not receipt.file:
        return None
    return ServedFile(
        filename=receipt.original_name or "ricevuta",
        content_type=receipt.content_type or "application/octet-stream",
        field=receipt.file,
    )


def staff_claim_receipt(actor, pk: int) -> ServedFile | None:
    if not actor.has_perm("applications.view"):
        return None
    return claim_receipt(ExpenseClaim.objects.filter(pk=pk).first())


def citizen_claim_receipt(actor, pk: int) -> ServedFile | None:
    claim = ExpenseClaim.objects_unscoped.filter(pk=pk, person_id=actor.user.person_id).first()
    return claim_receipt(claim)


def staff_receipt_version(actor, pk: int) -> ServedFile | None:
    """Any receipt of a claim, earlier ones included (replaced when answering a
    clarification), by its own id: the claim is looked up in the role's scope."""
    if not actor.has_perm("applications.view"):
        return None
    claims = ExpenseClaim.objects.all()
    return served_receipt(ClaimReceipt.objects.filter(pk=pk, claim__in=claims).first())


def citizen_receipt_version(actor, pk: int) -> ServedFile | None:
    receipt = ClaimReceipt.objects.filter(pk=pk, claim__person_id=actor.user.person_id).first()
    return served_receipt(receipt)


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
register_file_kind(
    "claim-receipt-version", staff=staff_receipt_version, citizen=citizen_receipt_version
)
register_file_kind("payout-file", staff=bank_file_lookup(legacy=False))
register_file_kind("payout-file-legacy", staff=bank_file_lookup(legacy=True))
register_file_kind("debit-note", staff=staff_debit_note)
