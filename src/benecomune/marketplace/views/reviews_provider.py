"""The provider's reviews (/gestione/fornitore/recensioni/): every review of its services,
published or hidden by the network, with the rating and one answer form per review. Another
provider's review answers 404."""

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.lists import filter_form, filtered, paged
from benecomune.marketplace.models import Review
from benecomune.marketplace.review_forms import AnswerForm, ReviewFilterForm
from benecomune.marketplace.review_queries import provider_rating
from benecomune.marketplace.services import reviews as services
from benecomune.marketplace.views.common import provider_page

PER_PAGE = 20


def _by_status(rows, data):
    return rows.filter(status=data["stato"]) if data.get("stato") else rows


@provider_page
def provider_reviews(request, provider):
    form = filter_form(request, ReviewFilterForm)
    rows = Review.objects.filter(provider=provider).select_related("service", "person")
    rows = filtered(form, rows, _by_status).order_by("-created_at", "-pk")
    listing = paged(request, rows, per_page=PER_PAGE, form=form)
    return render(
        request,
        "marketplace/reviews/provider_list.html",
        {**listing.context(), "rating": provider_rating(provider), "answer_form": AnswerForm()},
    )


@require_POST
@provider_page
def provider_review_answer(request, provider, pk):
    review = get_object_or_404(Review.objects, pk=pk, provider=provider)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                flash.error(request, message)
        return redirect("marketplace:provider_reviews")
    try:
        services.answer_review(
            request.actor,
            review,
            text=form.cleaned_data["text"],
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as exc:
        for message in exc.messages:
            flash.error(request, message)
    else:
        flash.success(request, _("Risposta pubblicata."))
    return redirect("marketplace:provider_reviews")
