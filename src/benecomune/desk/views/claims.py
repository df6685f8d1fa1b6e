"""A Welfare Point's operator filing an expense claim for the person of one of their cases
(receipts brought to the Point), with the person's delegation to file claims: the payouts'
own claim service, form and pages, reached through the case (the Point's cases only, else
404 audited). The service checks the delegation again and audits "by operator X for Y"."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from benecomune.core import on_behalf
from benecomune.core.forms_helpers import add_errors
from benecomune.desk.views.common import (
    delegation_or_message,
    operator_page,
    person_case_or_404,
)
from benecomune.payouts.forms import ClaimForm
from benecomune.payouts.services import claims as services
from benecomune.payouts.views.citizen import claim_data, claim_form, claim_form_context
from benecomune.payouts.views.desk import awards_overview


def _basis(request, case) -> str | None:
    return delegation_or_message(
        request,
        case.person,
        on_behalf.CLAIMS,
        _(
            "Per presentare rimborsi per la persona serve una sua delega valida a questo "
            "Punto: la registri dalla scheda del caso (delega su carta con documento)."
        ),
    )


def _crumbs(case) -> list[tuple[str, str]]:
    return [
        (reverse("desk:worklist"), _("Lista di lavoro")),
        (reverse("desk:case", args=[case.pk]), case.protocol),
    ]


@operator_page
def case_claims(request, points, pk):
    case = person_case_or_404(request, pk)
    basis = _basis(request, case)
    if basis is None:
        return redirect("desk:case", pk=case.pk)
    awards = awards_overview(
        case.person_id, lambda award: reverse("desk:case_claim_new", args=[case.pk, award.pk])
    )
    return render(
        request,
        "payouts/desk/claims.html",
        {"person": case.person, "awards": awards, "crumbs": _crumbs(case), "basis": basis},
    )


@operator_page
def case_claim_new(request, points, pk, award_pk):
    case = person_case_or_404(request, pk)
    if _basis(request, case) is None:
        return redirect("desk:case", pk=case.pk)
    award = get_object_or_404(services.reimbursement_awards(case.person_id), pk=award_pk)
    policy = services.policy_for(award.call)
    form = claim_form(ClaimForm, request, policy)
    back = reverse("desk:case_claims", args=[case.pk])
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.submit_claim(request.actor, award, **claim_data(form.cleaned_data))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Richiesta di rimborso n. %(n)s presentata per conto di %(name)s.")
                % {"n": claim.pk, "name": case.person.full_name},
            )
            return redirect(back)
    return render(
        request,
        "payouts/desk/claim_form.html",
        {
            **claim_form_context(form, award, policy),
            "crumbs": [*_crumbs(case), (back, _("Rimborsi"))],
            "back_url": back,
        },
        status=400 if form.errors else 200,
    )
