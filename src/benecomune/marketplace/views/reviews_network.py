"""The network administrators' moderation of reviews (/gestione/rete/recensioni/): the
reviews of the network's providers, filtered by status, each hidden (with a reason) or
restored. A review of another network's provider answers 404."""

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.lists import filter_form, filtered, paged
from benecomune.marketplace.models import Review
from benecomune.marketplace.review_forms import ModerateForm, ReviewFilterForm
from benecomune.marketplace.services import reviews as services
from benecomune.marketplace.views.common import network_page

PER_PAGE = 25


def _by_status(rows, data):
    return rows.filter(status=data["stato"]) if data.get("stato") else rows


@network_page
def network_reviews(request, network):
    form = filter_form(request, ReviewFilterForm)
    rows = Review.objects.filter(provider__network=network).select_related(
        "service", "provider", "person", "hidden_by"
    )
    rows = filtered(form, rows, _by_status).order_by("-created_at", "-pk")
    listing = paged(request, rows, per_page=PER_PAGE, form=form)
    return render(
        request,
        "marketplace/reviews/network_list.html",
        {**listing.context(), "moderate_form": ModerateForm()},
    )


@require_POST
@network_page
def network_review_moderate(request, network, pk):
    review = get_object_or_404(Review.objects, pk=pk, provider__network=network)
    form = ModerateForm(request.POST)
    back = request.POST.get("next") or ""
    if not back.startswith("/gestione/rete/recensioni/"):
        back = "marketplace:network_reviews"
    if not form.is_valid():
        flash.error(request, _("Indichi il motivo."))
        return redirect(back)
    action = request.POST.get("azione")
    if action not in ("nascondi", "ripubblica"):
        flash.error(request, _("Scelga se nascondere o ripubblicare la recensione."))
        return redirect(back)
    hiding = action == "nascondi"
    change = services.hide_review if hiding else services.restore_review
    try:
        change(request.actor, review, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for message in exc.messages:
            flash.error(request, message)
    else:
        done = _("Recensione nascosta.") if hiding else _("Recensione ripubblicata.")
        flash.success(request, done)
    return redirect(back)
