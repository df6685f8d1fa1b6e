"""The paying Comune's pages: overview, debit notes to approve, payout orders, settings."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.files import STAFF, serve
from benecomune.core.lists import choice, paged
from benecomune.core.views.decorators import staff_permission
from benecomune.payouts.forms import CorrectOrderForm, ReasonForm, SettingsForm
from benecomune.payouts.models import (
    BatchStatus,
    DebitNote,
    DebitNoteLine,
    DebitNoteStatus,
    PayoutBatch,
    PayoutOrder,
    PayoutSettings,
    PayoutStatus,
)
from benecomune.payouts.services import debit_notes as note_services
from benecomune.payouts.services.accounts import payer_setup, update_settings
from benecomune.payouts.services.note_lines import with_receipts
from benecomune.payouts.services.orders import correct_order
from benecomune.payouts.views.common import save_form

PAGE_SIZE = 25


@staff_permission("payouts.manage")
def payouts_home(request):
    orders = PayoutOrder.objects.values("status").annotate(n=Count("pk"), total=Sum("amount"))
    by_status = {row["status"]: row for row in orders}
    context = {
        "notes_to_approve": DebitNote.objects.filter(status=DebitNoteStatus.ISSUED)
        .select_related("merchant")
        .order_by("issued_at")[:10],
        "status_rows": [
            (status, by_status.get(status.value, {"n": 0, "total": 0})) for status in PayoutStatus
        ],
        "open_batch": PayoutBatch.objects.filter(
            status__in=[BatchStatus.PREPARING, BatchStatus.READY, BatchStatus.APPROVED]
        ).first(),
        "settings": PayoutSettings.objects.filter(organization=request.actor.organization).first(),
    }
    return render(request, "payouts/payer/home.html", context)


def _by_status(request, rows, statuses):
    """`rows` of the status chosen in ?stato= (ignored unless one of `statuses`)."""
    status = choice(request, "stato", statuses)
    if status:
        rows = rows.filter(status=status)
    return rows, status


@staff_permission("payouts.manage")
def payer_notes(request):
    notes = DebitNote.objects.exclude(status=DebitNoteStatus.DRAFT).select_related("merchant")
    notes, status = _by_status(request, notes, DebitNoteStatus)
    listing = paged(request, notes.order_by("-issued_at", "-pk"), per_page=PAGE_SIZE)
    return render(
        request,
        "payouts/payer/notes.html",
        {
            **listing.context(),
            "status": status,
            "statuses": [s for s in DebitNoteStatus if s != DebitNoteStatus.DRAFT],
        },
    )


@staff_permission("payouts.manage")
def payer_note(request, pk):
    note = get_object_or_404(
        DebitNote.objects.exclude(status=DebitNoteStatus.DRAFT).select_related("merchant"), pk=pk
    )
    lines = DebitNoteLine.objects.filter(note=note).order_by("occurred_at", "pk")
    listing = paged(request, lines, per_page=50, prepare=partial(with_receipts, note.merchant_id))
    return render(
        request,
        "payouts/payer/note_detail.html",
        {
            **listing.context(),
            "note": note,
            "order": PayoutOrder.objects.filter(debit_note=note).first(),
            "reject_form": ReasonForm(),
        },
    )


@staff_permission("payouts.manage")
@require_POST
def payer_note_decide(request, pk):
    note = get_object_or_404(DebitNote.objects, pk=pk)
    try:
        if request.POST.get("decision") == "approve":
            note_services.approve_debit_note(request.actor, note)
            messages.success(request, _("Nota approvata: il pagamento è pronto per la distinta."))
        else:
            form = ReasonForm(request.POST)
            reason = form.data.get("reason", "")
            note_services.reject_debit_note(request.actor, note, reason=reason)
            messages.success(request, _("Nota respinta: l'esercente è stato avvisato."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("payouts:payer_note", pk=note.pk)


@staff_permission("payouts.manage")
def payer_note_pdf(request, pk):
    note = get_object_or_404(DebitNote.objects.exclude(status=DebitNoteStatus.DRAFT), pk=pk)
    return serve(request, "debit-note", note.pk, STAFF)


@staff_permission("payouts.manage")
def orders(request):
    rows = PayoutOrder.objects.select_related("debit_note")
    rows, status = _by_status(request, rows, PayoutStatus)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(beneficiary_name__icontains=query)
    listing = paged(request, rows.order_by("-created_at", "-pk"), per_page=PAGE_SIZE)
    return render(
        request,
        "payouts/payer/orders.html",
        {
            **listing.context(),
            "status": status,
            "query": query,
            "statuses": list(PayoutStatus),
        },
    )


@staff_permission("payouts.manage")
def order_detail(request, pk):
    order = get_object_or_404(PayoutOrder.objects.select_related("debit_note", "person"), pk=pk)
    form = None
    if order.beneficiary_kind == "person" and order.status in (
        PayoutStatus.REJECTED,
        PayoutStatus.ON_HOLD,
    ):
        form = CorrectOrderForm(request.POST or None)
        save = partial(correct_order, request.actor, order)
        if save_form(
            request, form, save, _("Dati corretti: il pagamento andrà nella prossima distinta.")
        ):
            return redirect("payouts:order", pk=order.pk)
    items = order.batch_items.select_related("batch").order_by("pk")
    return render(
        request, "payouts/payer/order_detail.html", {"order": order, "form": form, "items": items}
    )


@staff_permission("payouts.manage")
def payout_settings(request):
    organization = request.actor.organization
    setup = payer_setup(organization)
    form = SettingsForm(
        request.POST or None,
        initial={
            "settlement_period": setup.settlement_period,
            "debtor_name": setup.debtor_name,
            "debtor_iban": setup.debtor_iban,
            "debtor_bic": setup.debtor_bic,
            "sepa_scheme": setup.sepa_scheme,
        },
    )
    save = partial(update_settings, request.actor, organization)
    if save_form(request, form, save, _("Impostazioni salvate.")):
        return redirect("payouts:home")
    return render(request, "payouts/payer/settings.html", {"form": form, "setup": setup})
