"""Expense claims filed at the desk for a citizen who brings the receipts to the counter: the
citizen's own claim service, acting for them with their consent (core.on_behalf). The staff
scope is the operator's Comune: a person or an award of another Comune is a 404."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.calls.models import Award, AwardStatus
from benecomune.core.models import Person
from benecomune.core.views.decorators import staff_permission
from benecomune.payouts.forms import ClaimForm
from benecomune.payouts.models import ExpenseClaim
from benecomune.payouts.services import claims as services
from benecomune.payouts.views.citizen import claim_data, claim_form, claim_form_context
from benecomune.payouts.views.common import add_errors


class DeskClaimForm(ClaimForm):
    consent_note = forms.CharField(
        label=gettext_lazy("Come ha dato il consenso il cittadino"),
        max_length=200,
        help_text=gettext_lazy(
            "Per esempio: di persona allo sportello, documento d'identità verificato; oppure: "
            "delega scritta firmata, conservata agli atti."
        ),
    )


def awards_overview(person_id: int, new_url_of) -> list[dict]:
    """The person's reimbursement awards with what is left and their claims; `new_url_of`
    gives the page to file a new claim for an award (the Comune desk's or a Point's)."""
    awards = []
    for award in services.reimbursement_awards(person_id):
        claims = ExpenseClaim.objects_unscoped.filter(award=award).order_by("-submitted_at")
        awards.append(
            {
                "award": award,
                "usage": services.award_usage(award),
                "claims": claims,
                "open": award.call.status == "awarded",
                "new_url": new_url_of(award),
            }
        )
    return awards


@staff_permission("desk.assist")
def desk_claims(request, person_pk):
    person = get_object_or_404(Person.objects.select_related("residence"), pk=person_pk)
    awards = awards_overview(
        person.pk, lambda award: reverse("payouts:desk_claim_new", args=[award.pk])
    )
    crumbs = [
        (reverse("calls:desk_home"), _("Sportello")),
        (reverse("calls:desk_person", args=[person.pk]), person.full_name),
    ]
    return render(
        request,
        "payouts/desk/claims.html",
        {"person": person, "awards": awards, "crumbs": crumbs, "review_links": True},
    )


@staff_permission("desk.assist")
def desk_claim_new(request, award_pk):
    award = get_object_or_404(
        Award.objects.select_related("call", "person"),
        pk=award_pk,
        benefit_type="reimbursement",
        status=AwardStatus.ACTIVE,
    )
    policy = services.policy_for(award.call)
    form = claim_form(DeskClaimForm, request, policy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.submit_claim(
                request.actor,
                award,
                **claim_data(data),
                consent_note=data["consent_note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Richiesta di rimborso n. %(n)s presentata per conto di %(name)s.")
                % {"n": claim.pk, "name": award.person.full_name},
            )
            return redirect("payouts:desk_claims", person_pk=award.person_id)
    back = reverse("payouts:desk_claims", args=[award.person_id])
    return render(
        request,
        "payouts/desk/claim_form.html",
        {
            **claim_form_context(form, award, policy),
            "crumbs": [
                (reverse("calls:desk_home"), _("Sportello")),
                (back, award.person.full_name),
            ],
            "back_url": back,
            "consent_asked": True,
        },
        status=400 if form.errors else 200,
    )
