"""The citizen's reviews (/area-personale/recensioni/): their completed purchases of services,
each with "Scrivi una recensione" or their review (and the provider's answer), and the form
to write one. Only the citizen's own purchases: another's answers 404. `review_form_page` is
shared with the desk's pages (views/reviews_desk.py)."""

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
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


def purchases_listing(request, person_id: int):
    """One page of the person's completed purchases, each with their review."""
    return paged(
        request,
        completed_purchases(person_id),
        per_page=PER_PAGE,
        prepare=lambda rows: with_reviews(person_id, list(rows)),
    )


@citizen_required
def my_reviews(request):
    listing = purchases_listing(request, request.user.person_id)
    return render(request, "marketplace/reviews/citizen_list.html", listing.context())


def review_form_page(request, actor, person, kind, source_id, *, form_class, back_url, **extra):
    """The form of a review of `person`'s completed purchase (anything else: 404)."""
    try:
        purchase = resolve_purchase(kind, source_id)
    except ValidationError as exc:
        raise Http404 from exc
    if purchase.buyer_id != person.pk or not purchase.completed:
        raise Http404
    existing = review_of_purchase(*purchase.key)
    form = form_class(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        data = form.cleaned_data
        try:
            services.write_review(
                actor,
                kind,
                source_id,
                rating=data["rating"],
                comment=data["comment"],
                consent_note=data.get("consent_note", ""),
                base_url=request.build_absolute_uri("/"),
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            flash.success(request, _("Recensione pubblicata: grazie."))
            return redirect(back_url)
    return render(
        request,
        "marketplace/reviews/citizen_form.html",
        {"purchase": purchase, "form": form, "existing": existing, "back_url": back_url, **extra},
        status=400 if form.errors else 200,
    )


@citizen_required
def my_review_new(request, kind, source_id):
    return review_form_page(
        request,
        citizen_actor(request),
        request.user.person,
        kind,
        source_id,
        form_class=ReviewForm,
        back_url=reverse("marketplace:my_reviews"),
    )
