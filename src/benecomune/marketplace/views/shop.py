"""The shop's own district pages: "Orari e offerte" (the week in one form, closures) and its
promotions (list, new, edit, publish, withdraw). Another shop's rows are not found (404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.files import file_url
from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import paged
from benecomune.marketplace.district_forms import ClosureForm, PromotionForm, WeekForm
from benecomune.marketplace.models import OpeningException, Promotion, PromotionStatus
from benecomune.marketplace.services import districts, promotions
from benecomune.marketplace.views.common import provider_page


def _flash(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@provider_page
def hours(request, provider):
    week = districts.week_of([provider])[provider.pk]
    form = WeekForm(request.POST or None, week=week)
    if request.method == "POST" and form.is_valid():
        try:
            districts.set_week(request.actor, provider, form.slots())
        except ValidationError as exc:
            add_errors(form, exc, on_fields=False)
        else:
            messages.success(request, _("Orari salvati."))
            return redirect("marketplace:shop_hours")
    return _hours_page(request, provider, form, ClosureForm())


def _hours_page(request, provider, form, closure_form):
    """The page "Orari": the week's form and the closures' (either bound, with its errors
    next to its fields)."""
    if form is None:
        form = WeekForm(week=districts.week_of([provider])[provider.pk])
    return render(
        request,
        "marketplace/shop/hours.html",
        {
            "provider": provider,
            "form": form,
            "closure_form": closure_form,
            "closures": OpeningException.objects.filter(
                provider=provider, end_date__gte=timezone.localdate()
            ),
            "open_now": districts.open_now(provider),
        },
    )


@require_POST
@provider_page
def closure_add(request, provider):
    form = ClosureForm(request.POST)
    if form.is_valid():
        try:
            districts.add_closure(request.actor, provider, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Chiusura aggiunta."))
            return redirect("marketplace:shop_hours")
    # The page again, the closure's errors next to its fields and what was typed kept.
    return _hours_page(request, provider, None, form)


@require_POST
@provider_page
def closure_remove(request, provider, pk):
    closure = get_object_or_404(OpeningException.objects.filter(provider=provider), pk=pk)
    districts.remove_closure(request.actor, closure)
    messages.success(request, _("Chiusura tolta."))
    return redirect("marketplace:shop_hours")


@provider_page
def promotion_list(request, provider):
    form = PromotionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            promotion = promotions.create_promotion(request.actor, provider, **data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Offerta salvata come bozza: la pubblichi quando è pronta.")
            )
            return redirect("marketplace:promotion", pk=promotion.pk)
    rows = Promotion.objects.filter(provider=provider).order_by("-created_at", "-pk")
    listing = paged(request, rows, per_page=20)
    return render(
        request,
        "marketplace/shop/promotions.html",
        {**listing.context(), "provider": provider, "form": form, "today": timezone.localdate()},
    )


def _own(provider, pk) -> Promotion:
    return get_object_or_404(Promotion.objects.filter(provider=provider), pk=pk)


@provider_page
def promotion_detail(request, provider, pk):
    promotion = _own(provider, pk)
    initial = {
        name: getattr(promotion, name)
        for name in ("title", "text", "valid_from", "valid_until", "image_alt")
    }
    editable = promotion.status != PromotionStatus.WITHDRAWN
    form = PromotionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and editable and form.is_valid():
        try:
            promotions.update_promotion(request.actor, promotion, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Offerta salvata."))
            return redirect("marketplace:promotion", pk=promotion.pk)
    return render(
        request,
        "marketplace/shop/promotion.html",
        {
            "provider": provider,
            "promotion": promotion,
            "form": form if editable else None,
            "image_url": file_url("marketplace-promotion", promotion.pk) if promotion.image else "",
        },
    )


@require_POST
@provider_page
def promotion_publish(request, provider, pk):
    promotion = _own(provider, pk)
    try:
        promotions.publish_promotion(request.actor, promotion)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Offerta pubblicata: si vede nelle sue date."))
    return redirect("marketplace:promotion", pk=promotion.pk)


@require_POST
@provider_page
def promotion_withdraw(request, provider, pk):
    promotion = _own(provider, pk)
    try:
        promotions.withdraw_promotion(request.actor, promotion)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Offerta ritirata."))
    return redirect("marketplace:promotion", pk=promotion.pk)
