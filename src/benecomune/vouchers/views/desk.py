"""Desk operators act for a citizen without a smartphone: print the voucher card (PIN chosen
by the citizen or generated and read out once), block it, reissue it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.identifiers import normalize_fiscal_code
from benecomune.core.models import Person
from benecomune.core.views.decorators import staff_permission
from benecomune.ledger.models import Wallet
from benecomune.ledger.services.rules import rules_text
from benecomune.vouchers.forms import DeskCardForm
from benecomune.vouchers.models import CardStatus, VoucherCard
from benecomune.vouchers.services import cards
from benecomune.vouchers.views.citizen import pdf_response, recall_pin, remember_pin, slip_pin
from benecomune.vouchers.views.common import add_errors, balances


@staff_permission("desk.assist")
def desk(request):
    query = request.GET.get("q", "").strip()[:40]
    people = []
    if query:
        code = normalize_fiscal_code(query)
        people = list(
            Person.objects.filter(fiscal_code=code)
            or Person.objects.filter(last_name__icontains=query).order_by("last_name")[:20]
        )
    return render(request, "vouchers/desk/search.html", {"query": query, "people": people})


def _wallet(request, pk) -> Wallet:
    return get_object_or_404(
        Wallet.objects.select_related(
            "person", "organization", "territory_network"
        ).prefetch_related("territory_municipalities"),
        pk=pk,
    )


def card_items(wallets, url_of) -> list[dict]:
    """The person's wallets with balance, rules, open card, the form to issue one and the
    URLs of its actions (`url_of(action, wallet)`: the Comune desk's or a Point's)."""
    amounts = balances(w.account_id for w in wallets)
    return [
        {
            "wallet": w,
            "balance": amounts.get(w.account_id, 0),
            "rules": rules_text(w),
            "card": cards.open_card(w),
            "form": DeskCardForm(prefix=f"w{w.pk}"),
            "issue_url": url_of("issue", w),
            "block_url": url_of("block", w),
            "pdf_url": url_of("pdf", w),
        }
        for w in wallets
    ]


_DESK_URLS = {
    "issue": "vouchers:desk_issue",
    "block": "vouchers:desk_block",
    "pdf": "vouchers:desk_card_pdf",
}


@staff_permission("desk.assist")
def person(request, pk):
    someone = get_object_or_404(Person.objects, pk=pk)
    wallets = list(Wallet.objects.filter(person=someone).select_related("organization"))
    items = card_items(wallets, lambda action, w: reverse(_DESK_URLS[action], args=[w.pk]))
    return render(
        request,
        "vouchers/desk/person.html",
        {
            "person": someone,
            "items": items,
            "crumb": (reverse("vouchers:desk"), _("Tessere dei buoni")),
        },
    )


def issue_from_form(request, wallet, *, prefix=None):
    """Issue a card from the posted DeskCardForm: the new card, or None with the errors in
    `messages` (the PIN is remembered for the next page, shown once)."""
    form = DeskCardForm(request.POST, prefix=prefix or f"w{wallet.pk}")
    if form.is_valid():
        try:
            card, pin = cards.issue_card(
                request.actor,
                wallet,
                pin=form.cleaned_data["pin"],
                consent=form.cleaned_data["consent_note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            remember_pin(request, card, pin)
            return card
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return None


def block_open_card(request, wallet) -> None:
    current = cards.open_card(wallet)
    if current is not None:
        try:
            cards.block_card(request.actor, current, reason=_("Bloccata allo sportello"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Tessera bloccata."))


@staff_permission("desk.assist")
@require_POST
def issue(request, pk):
    wallet = _wallet(request, pk)
    if issue_from_form(request, wallet) is not None:
        return redirect("vouchers:desk_issued", pk=wallet.pk)
    return redirect("vouchers:desk_person", pk=wallet.person_id)


@staff_permission("desk.assist")
def issued(request, pk):
    wallet = _wallet(request, pk)
    return issued_page(
        request,
        wallet,
        pdf_url=reverse("vouchers:desk_card_pdf", args=[wallet.pk]),
        back_url=reverse("vouchers:desk_person", args=[wallet.person_id]),
    )


def issued_page(request, wallet, *, pdf_url: str, back_url: str):
    """The new card's number and PIN, shown once: a reload goes back to `back_url`."""
    card = cards.open_card(wallet)
    pin = recall_pin(request, card)
    if pin is None:
        return redirect(back_url)
    context = {"wallet": wallet, "card": card, "pin": pin, "pdf_url": pdf_url}
    return render(request, "vouchers/desk/issued.html", {**context, "back_url": back_url})


@staff_permission("desk.assist")
@require_POST
def block(request, pk):
    wallet = _wallet(request, pk)
    block_open_card(request, wallet)
    return redirect("vouchers:desk_person", pk=wallet.person_id)


@staff_permission("desk.assist")
def card_pdf(request, pk):
    wallet = _wallet(request, pk)
    current = get_object_or_404(VoucherCard.objects, wallet_id=wallet.pk, status=CardStatus.ACTIVE)
    return pdf_response(wallet, current, pin=slip_pin(request, current))
