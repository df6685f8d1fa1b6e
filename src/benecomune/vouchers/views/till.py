"""The till (mobile first): read the voucher (camera or typed), see what is spendable here,
type the amount, confirm, receipt; void within 15 minutes.

Step one checks the code (and a card's PIN) and answers with the voucher's panel and a signed
context, valid `CONTEXT_SECONDS`, that step two (the amount) redeems against: the PIN is typed
once, and nothing in the page can be altered to charge another wallet. A typed code travels in
the context and is consumed by the payment: one code, one payment.
"""

from datetime import timedelta

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.views.decorators import staff_permission
from benecomune.ledger.services.rules import rules_text
from benecomune.vouchers.forms import ReasonForm, TillAmountForm, TillCodeForm
from benecomune.vouchers.models import Redemption, VoucherCard
from benecomune.vouchers.services import authorisations, cards, takings
from benecomune.vouchers.services.errors import VoucherError
from benecomune.vouchers.services.lookup import load_wallet, merchant_context
from benecomune.vouchers.services.redeem import Voucher, identify, redeem, refusal
from benecomune.vouchers.views.common import add_errors

CONTEXT_SECONDS = 600
_SALT = "benecomune.vouchers.till"


def _ctx(request):
    return merchant_context(request.actor.organization.pk)


def _recent(request):
    since = timezone.now() - timedelta(hours=12)
    return takings.numbered(
        Redemption.objects.filter(created_at__gte=since).select_related("wallet")[:10]
    )


def _page(request, ctx, **extra):
    context = {
        "ctx": ctx,
        "active": bool(ctx.circuits),
        "recent": _recent(request),
        "void_minutes": authorisations.VOID_MINUTES,
        "now": timezone.now(),
        **extra,
    }
    template = "vouchers/till/_panel.html" if request.htmx else "vouchers/till/till.html"
    return render(request, template, context)


@staff_permission("merchant.redeem")
def till(request):
    ctx = _ctx(request)
    form = TillCodeForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return _page(request, ctx, form=form)
    try:
        voucher = identify(request.actor, ctx, form.cleaned_data["code"], form.cleaned_data["pin"])
    except VoucherError as exc:
        form.add_error("pin" if exc.error_code == "wrong_pin" else "code", exc.text)
        return _page(request, ctx, form=form)
    wallet = voucher.wallet
    problem = refusal(ctx, wallet)
    token = signing.dumps(
        {
            "m": ctx.merchant_id,
            "w": wallet.pk,
            "c": voucher.card.pk if voucher.card else None,
            "ch": voucher.channel,
            "t": voucher.typed_code,
        },
        salt=_SALT,
    )
    amount_form = TillAmountForm(initial={"context": token})
    return _page(
        request,
        ctx,
        form=TillCodeForm(),
        voucher=voucher,
        wallet=wallet,
        rules=rules_text(_with_territory(wallet)),
        problem=problem,
        amount_form=amount_form,
    )


def _with_territory(wallet):
    """rules_text names the territory: read it (the hot-path wallet has pk-only stand-ins)."""
    from benecomune.ledger.models import Wallet

    return (
        Wallet.objects_unscoped.select_related("territory_network")
        .prefetch_related("territory_municipalities")
        .get(pk=wallet.pk)
    )


@staff_permission("merchant.redeem")
@require_POST
def charge(request):
    ctx = _ctx(request)
    form = TillAmountForm(request.POST)
    try:
        data = signing.loads(request.POST.get("context", ""), salt=_SALT, max_age=CONTEXT_SECONDS)
    except signing.BadSignature:
        messages.error(request, _("Il buono letto è scaduto: lo legga di nuovo."))
        return _redirect(request, reverse("vouchers:till"))
    if data.get("m") != ctx.merchant_id:
        messages.error(request, _("Il buono è stato letto da un altro negozio: lo legga di nuovo."))
        return _redirect(request, reverse("vouchers:till"))
    if data.get("ch") == "code" and not data.get("t"):  # a context signed before codes paid once
        messages.error(request, _("Il buono letto è scaduto: lo legga di nuovo."))
        return _redirect(request, reverse("vouchers:till"))
    typed_code = data.get("t") or ""
    card = None
    try:
        if data.get("c"):
            card = VoucherCard.objects_unscoped.get(pk=data["c"])
            cards.check_card_usable(card)
        if not form.is_valid():
            raise ValidationError("")  # the form shows its own errors
        key = form.cleaned_data["idempotency_key"]
        wallet = load_wallet(data["w"], merchant_id=ctx.merchant_id, key=key)
        ctx.adopt(wallet)
        redemption = redeem(
            request.actor,
            ctx,
            amount=form.cleaned_data["amount"],
            idempotency_key=key,
            voucher=Voucher(wallet=wallet, channel=data["ch"], card=card, typed_code=typed_code),
        )
    except ValidationError as exc:
        if any(exc.messages):
            add_errors(form, exc)
        wallet = load_wallet(data["w"])
        return _page(
            request,
            ctx,
            form=TillCodeForm(),
            voucher=Voucher(wallet=wallet, channel=data["ch"], card=card, typed_code=typed_code),
            wallet=wallet,
            rules=rules_text(_with_territory(wallet)),
            amount_form=form,
            problem=None,
        )
    return _redirect(request, reverse("vouchers:receipt", kwargs={"pk": redemption.pk}))


def _redirect(request, url: str):
    """A redirect that HTMX follows as a full page load."""
    if request.htmx:
        response = render(request, "vouchers/till/_redirect.html")
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@staff_permission("merchant.redeem")
def receipt(request, pk):
    redemption = get_object_or_404(
        Redemption.objects.select_related("wallet", "merchant", "transfer", "staff"), pk=pk
    )
    deadline = redemption.created_at + timedelta(minutes=authorisations.VOID_MINUTES)
    return render(
        request,
        "vouchers/till/receipt.html",
        {
            "redemption": redemption,
            "number": takings.receipt_number(redemption),
            "balance_after_void": takings.balance_after_void(redemption),
            "holder": load_wallet(redemption.wallet_id).holder_name,
            "deadline": deadline,
            "can_void": redemption.voided_at is None and timezone.now() < deadline,
            "form": ReasonForm(),
        },
    )


@staff_permission("merchant.redeem")
@require_POST
def void(request, pk):
    ctx = _ctx(request)
    redemption = get_object_or_404(Redemption.objects, pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        authorisations.void_redemption(
            request.actor,
            ctx,
            redemption.pk,
            idempotency_key=f"till-void-{redemption.pk}",
            reason=reason,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Incasso annullato: l'importo è tornato sul buono."))
    return redirect("vouchers:receipt", pk=redemption.pk)
