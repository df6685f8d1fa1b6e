"""Citizen pages: pay with a voucher (QR that refreshes itself, typed code), where it can be
spent, the printed card (issue with PIN, block, reissue, PDF)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.files import file_response
from benecomune.core.views.decorators import citizen_required
from benecomune.ledger.models import Wallet
from benecomune.ledger.services.rules import rules_text
from benecomune.vouchers.files import card_file
from benecomune.vouchers.forms import CardForm
from benecomune.vouchers.models import CardStatus, VoucherCard
from benecomune.vouchers.services import cards, codes
from benecomune.vouchers.services.where import shops_where_valid
from benecomune.vouchers.views.common import (
    add_errors,
    available,
    balances,
    own_issuers,
    own_wallet,
)


@citizen_required
def wallet_list(request):
    person_id, issuers = own_issuers(request)
    wallets = list(
        Wallet.objects_unscoped.filter(person_id=person_id, organization_id__in=issuers)
        .select_related("organization")
        .order_by("expired_at", "-created_at")
    )
    amounts = balances(w.account_id for w in wallets)
    items = [{"wallet": w, "balance": amounts.get(w.account_id, 0)} for w in wallets]
    return render(request, "vouchers/citizen/wallet_list.html", {"items": items})


def _qr_context(wallet: Wallet) -> dict:
    import segno

    token, expires = codes.make_qr_token(wallet.pk)
    typed = codes.current_typed_code(wallet)
    svg = segno.make(token, error="m").svg_inline(
        scale=6, border=2, title=_("Codice QR del buono"), omitsize=True
    )
    return {
        "qr_svg": svg,
        "qr_token": token,
        "qr_expires": datetime.datetime.fromtimestamp(expires, tz=datetime.UTC),
        "typed_code": typed,
        "refresh_seconds": codes.QR_REFRESH_SECONDS,
    }


@citizen_required
def pay(request, pk):
    wallet = own_wallet(request, pk)
    usable = wallet.expired_at is None and not (
        wallet.valid_until and wallet.valid_until < timezone.localdate()
    )
    context = {
        "wallet": wallet,
        "balance": available(wallet),
        "rules": rules_text(wallet),
        "usable": usable,
        "card": cards.open_card(wallet),
    }
    if usable:
        context.update(_qr_context(wallet))
    return render(request, "vouchers/citizen/pay.html", context)


@citizen_required
def qr_fragment(request, pk):
    """The QR and the typed code, refreshed by HTMX before they expire."""
    wallet = own_wallet(request, pk)
    context = {"wallet": wallet, "balance": available(wallet), **_qr_context(wallet)}
    return render(request, "vouchers/citizen/_qr.html", context)


@citizen_required
def shops(request, pk):
    wallet = own_wallet(request, pk)
    query = request.GET.get("q", "").strip()[:100]
    items = shops_where_valid(wallet, query)
    return render(
        request,
        "vouchers/citizen/shops.html",
        {"wallet": wallet, "items": items, "query": query, "rules": rules_text(wallet)},
    )


@citizen_required
def card(request, pk):
    wallet = own_wallet(request, pk)
    form = CardForm(request.POST or None)
    current = cards.open_card(wallet)
    if request.method == "POST" and form.is_valid():
        try:
            current, pin = cards.issue_card(request.actor, wallet, pin=form.cleaned_data["pin"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            remember_pin(request, current, pin)
            messages.success(request, _("Tessera emessa: la stampi e tenga il PIN a parte."))
            return redirect("vouchers:card", pk=wallet.pk)
    issued_pin = recall_pin(request, current)
    return render(
        request,
        "vouchers/citizen/card.html",
        {
            "wallet": wallet,
            "form": form,
            "card": current,
            "issued_pin": issued_pin,
            "history": cards.cards_of(wallet)[:10],
        },
    )


_PIN_KEY = "vouchers_issued_pin"


def remember_pin(request, card, pin) -> None:
    """The new PIN survives one redirect (so a reload never issues another card), in the
    server-side session, and is removed the first time it is shown."""
    request.session[_PIN_KEY] = {"card": card.pk, "pin": pin}


def recall_pin(request, card) -> str | None:
    data = request.session.pop(_PIN_KEY, None)
    if data and card is not None and data.get("card") == card.pk:
        # Once shown, the PIN can still be printed on the PDF's slip for a few minutes (the
        # server only keeps its HMAC: later PDFs have the card page only).
        request.session[_SLIP_KEY] = {
            "card": card.pk,
            "pin": data["pin"],
            "until": (timezone.now() + SLIP_MINUTES).timestamp(),
        }
        return data["pin"]
    return None


_SLIP_KEY = "vouchers_pin_slip"
SLIP_MINUTES = datetime.timedelta(minutes=15)


def slip_pin(request, card) -> str | None:
    """The PIN for the PDF's slip page, if it was shown to this session moments ago."""
    data = request.session.get(_SLIP_KEY)
    if data and data.get("card") == card.pk and data["until"] > timezone.now().timestamp():
        return data["pin"]
    return None


@citizen_required
@require_POST
def card_block(request, pk):
    wallet = own_wallet(request, pk)
    current = cards.open_card(wallet)
    if current is not None:
        cards.block_card(request.actor, current, reason=_("Bloccata dal titolare"))
        messages.success(request, _("Tessera bloccata: non si può più usare."))
    return redirect("vouchers:card", pk=wallet.pk)


@citizen_required
def card_pdf(request, pk):
    wallet = own_wallet(request, pk)
    current = get_object_or_404(
        VoucherCard.objects_unscoped, wallet_id=wallet.pk, status=CardStatus.ACTIVE
    )
    return pdf_response(wallet, current, pin=slip_pin(request, current))


def pdf_response(wallet: Wallet, card: VoucherCard, *, pin: str | None = None) -> HttpResponse:
    """The card PDF with the private-file headers (never cached: it can be spent)."""
    served = card_file(wallet, pin=pin)
    if served is None:
        raise Http404
    return file_response(served)
