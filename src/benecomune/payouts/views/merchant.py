"""Merchant staff: voucher redemptions, debit notes and their status, the payout IBAN.
The staff area's scope is the merchant itself (DebitNote.for_merchant)."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.files import STAFF, serve
from benecomune.core.lists import paged
from benecomune.core.models import Provider
from benecomune.core.views.decorators import staff_permission
from benecomune.payouts.forms import PayeeAccountForm
from benecomune.payouts.models import DebitNote, DebitNoteLine, DebitNoteStatus, PayoutOrder
from benecomune.payouts.services import debit_notes as services
from benecomune.payouts.services.note_lines import with_receipts
from benecomune.payouts.services.payees import payee_account_for, set_payee_account
from benecomune.payouts.views.common import save_form

PAGE_SIZE = 25


def _merchant(request) -> Provider:
    organization = request.actor.organization
    if organization is None or organization.kind != "provider":
        raise PermissionDenied
    return get_object_or_404(Provider, pk=organization.pk)


@staff_permission("merchant.view")
def merchant_notes(request):
    merchant = _merchant(request)
    redemptions = (
        services.redemptions(merchant)
        .select_related("debit_account")
        .order_by("-created_at", "-pk")
    )
    unsettled = redemptions.filter(in_note=False)
    listing = paged(
        request,
        redemptions,
        per_page=PAGE_SIZE,
        prepare=partial(with_receipts, merchant.pk, transfer_id=lambda transfer: transfer.pk),
    )
    notes = DebitNote.for_merchant.select_related("payer").order_by("-created_at")[:50]
    orders = {
        o.debit_note_id: o
        for o in PayoutOrder.for_provider.filter(debit_note__in=[n.pk for n in notes])
    }
    context = {
        **listing.context(),
        "merchant": merchant,
        "unsettled_count": unsettled.count(),
        "unsettled_total": unsettled.aggregate(total=Sum("signed_amount"))["total"] or 0,
        "notes": [(note, orders.get(note.pk)) for note in notes],
        "payee": payee_account_for(merchant),
        "can_manage": request.actor.has_perm("merchant.manage", merchant),
    }
    return render(request, "payouts/merchant/notes.html", context)


@staff_permission("merchant.manage")
@require_POST
def merchant_build_note(request):
    merchant = _merchant(request)
    notes = services.build_debit_notes(request.actor, merchant)
    if not notes:
        messages.info(request, _("Non ci sono nuovi incassi da mettere in una nota di debito."))
        return redirect("payouts:merchant_notes")
    if len(notes) == 1:
        return redirect("payouts:merchant_note", pk=notes[0].pk)
    messages.success(
        request, _("Preparate %(n)s note di debito, una per ente.") % {"n": len(notes)}
    )
    return redirect("payouts:merchant_notes")


@staff_permission("merchant.view")
def merchant_note(request, pk):
    note = get_object_or_404(DebitNote.for_merchant.select_related("payer", "merchant"), pk=pk)
    lines = DebitNoteLine.objects.filter(note=note).order_by("occurred_at", "pk")
    listing = paged(request, lines, per_page=50, prepare=partial(with_receipts, note.merchant_id))
    order = PayoutOrder.for_provider.filter(debit_note=note).first()
    return render(
        request,
        "payouts/merchant/note_detail.html",
        {
            **listing.context(),
            "note": note,
            "order": order,
            "can_manage": request.actor.has_perm("merchant.manage", note.merchant_id),
        },
    )


@staff_permission("merchant.manage")
@require_POST
def merchant_issue_note(request, pk):
    note = get_object_or_404(DebitNote.for_merchant, pk=pk)
    try:
        services.issue_debit_note(request.actor, note)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Nota di debito emessa e inviata al Comune."))
    return redirect("payouts:merchant_note", pk=note.pk)


@staff_permission("merchant.view")
def merchant_note_pdf(request, pk):
    note = get_object_or_404(DebitNote.for_merchant, pk=pk)
    if note.status == DebitNoteStatus.DRAFT:
        return redirect("payouts:merchant_note", pk=note.pk)
    return serve(request, "debit-note", note.pk, STAFF)


@staff_permission("merchant.manage")
def merchant_account(request):
    merchant = _merchant(request)
    current = payee_account_for(merchant)
    initial = {"iban": current.iban, "holder": current.holder} if current else {}
    form = PayeeAccountForm(request.POST or None, initial=initial)
    save = partial(set_payee_account, request.actor, merchant)
    if save_form(request, form, save, _("Conto per i pagamenti salvato.")):
        return redirect("payouts:merchant_notes")
    return render(request, "payouts/merchant/account.html", {"form": form, "current": current})
