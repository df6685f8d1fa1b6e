"""Receipts of expense claims as stored documents (core.uploads): checked by content, size
and digest, refused when the same file is already the receipt of another live claim, kept
as a new `ClaimReceipt` row (the newest is the claim's current receipt)."""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from benecomune.calls.uploads import max_upload_bytes
from benecomune.core.actors import Actor
from benecomune.core.files import stored_name
from benecomune.core.uploads import CheckedUpload, check_upload, reject_duplicate
from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.models import ClaimReceipt, ClaimStatus, ExpenseClaim


def check_receipt(upload) -> CheckedUpload:
    """PayoutError on `document` (Italian) unless the file is a PDF/JPEG/PNG within the
    upload limit (the same one as an application's documents)."""
    try:
        return check_upload(upload, max_bytes=max_upload_bytes())
    except ValidationError as exc:
        raise PayoutError({"document": exc.messages}) from exc


def current_receipts():
    """The receipt each live (not rejected) claim counts on: its newest. A receipt replaced
    while answering a clarification may serve another claim (it was the wrong document)."""
    newer = ClaimReceipt.objects.filter(claim_id=OuterRef("claim_id"), pk__gt=OuterRef("pk"))
    return ClaimReceipt.objects.filter(~Exists(newer)).exclude(claim__status=ClaimStatus.REJECTED)


def reject_used_receipt(checked: CheckedUpload, *, claim_id: int | None = None) -> None:
    """The same file (SHA-256) is the receipt of another live claim, of anybody: refused.
    `claim_id`: the claim getting the receipt, whose own receipts do not count."""
    receipts = current_receipts()
    if claim_id is not None:
        receipts = receipts.exclude(claim_id=claim_id)
    message = _(
        "Questa ricevuta è già stata presentata con un'altra richiesta di rimborso: non si può "
        "usare due volte."
    )
    try:
        reject_duplicate(receipts, checked, field="document", message=message)
    except ValidationError as exc:
        raise PayoutError(exc.message_dict) from exc


def store_receipt(actor: Actor, claim: ExpenseClaim, upload, checked: CheckedUpload):
    """Keep the checked file as the claim's newest receipt (random stored name)."""
    receipt = ClaimReceipt(claim=claim, uploaded_by=actor.user, **ClaimReceipt.fields_from(checked))
    receipt.file.save(stored_name(f"r.{checked.extension}"), upload, save=False)
    try:
        receipt.save()
    except Exception:
        receipt.file.delete(save=False)
        raise
    return receipt
