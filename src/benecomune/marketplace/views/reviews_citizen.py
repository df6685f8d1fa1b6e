"""The citizen's reviews (/area-personale/recensioni/): their completed purchases of services,
each with "Scrivi una recensione" or their review (and the provider's answer), and the form
to write one. Only the citizen's own purchases: another's answers 404."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import paged
from benecomune.core.views.decorators import citizen_required
from benecomune.marketplace.purchases import completed_purchases, resolve_purchase
from benecomune.marketplace.review_forms import ReviewForm
from benecomune.marketplace.review_queries import review_of_purchase, with_reviews
from benecomune.marketplace.services import reviews as services
from benecomune.marketplace.views.threads_citizen import citizen_actor

PER_PAGE = 20


@citizen_required
def my_reviews(request):
    person_id = request.user.person_id
    listing = paged(
        request,
        completed_purchases(person_id),
        per_page=PER_PAGE,
        prepare=lambda rows: with_reviews(person_id, list(rows)),
    )
    return render(request, "marketplace/reviews/citizen_list.html", listing.context())


@citizen_required
def my_review_new(request, kind, source_id):
    try:
        purchase = resolve_purchase(kind, source_id)
    except ValidationError as exc:
        raise Http404 from exc
    if purchase.buyer_id != request.user.person_id or not purchase.completed:
        raise Http404
    existing = review_of_purchase(kind, source_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.write_review(
                citizen_actor(request),
                kind,
                source_id,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
                base_url=request.build_absolute_uri("/"),
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            flash.success(request, _("Grazie: la sua recensione è pubblicata."))
            return redirect("marketplace:my_reviews")
    return render(
        request,
        "marketplace/reviews/citizen_form.html",
        {"purchase": purchase, "form": form, "existing": existing},
        status=400 if form.errors else 200,
    )
