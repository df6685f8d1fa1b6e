"""A Comune's desk writing a review for a resident (core.on_behalf): the resident's completed
purchases and the form, with the consent note. The staff scope is the operator's Comune: a
resident of another Comune is a 404 (`Person.objects`, scoped by residence)."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from benecomune.core.models import Person
from benecomune.marketplace.review_forms import DeskReviewForm
from benecomune.marketplace.views.reviews_citizen import purchases_listing, review_form_page
from benecomune.marketplace.views.threads_desk import desk_page


def _person(pk) -> Person:
    return get_object_or_404(Person.objects.select_related("residence"), pk=pk)


@desk_page
def desk_reviews(request, person_pk):
    person = _person(person_pk)
    listing = purchases_listing(request, person.pk)
    return render(
        request,
        "marketplace/reviews/desk_list.html",
        {**listing.context(), "person": person},
    )


@desk_page
def desk_review_new(request, person_pk, kind, source_id):
    person = _person(person_pk)
    return review_form_page(
        request,
        request.actor,
        person,
        kind,
        source_id,
        form_class=DeskReviewForm,
        back_url=reverse("marketplace:desk_reviews", args=[person.pk]),
        desk_person=person,
    )
