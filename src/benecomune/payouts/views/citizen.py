"""The citizen's expense claims: entitlements, new claim with the receipt, status up to
"pagato", clarification answers, and new payment data when the bank rejected a transfer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.core.files import CITIZEN, serve
from benecomune.core.views.decorators import citizen_required
from benecomune.payouts.forms import ClaimForm, ClarificationAnswerForm, CorrectOrderForm
from benecomune.payouts.models import (
    ACCEPTED_CLAIM_STATUSES,
    ClaimCategory,
    ExpenseClaim,
    PayoutOrder,
    PayoutStatus,
)
from benecomune.payouts.services import claim_review as review
from benecomune.payouts.services import claims as services
from benecomune.payouts.services.orders import correct_order
from benecomune.payouts.views.common import add_errors

# What the citizen reads once a claim is accepted: the payment's progress.
PAYMENT_LABELS = {
    PayoutStatus.ON_HOLD: gettext_lazy("Accolta: manca l'IBAN per pagarla"),
    PayoutStatus.READY: gettext_lazy("Accolta: in pagamento"),
    PayoutStatus.IN_BATCH: gettext_lazy("Accolta: bonifico in preparazione"),
    PayoutStatus.PAID: gettext_lazy("Pagato"),
    PayoutStatus.REJECTED: gettext_lazy("Bonifico non riuscito: aggiorni l'IBAN"),
}


def claim_state(claim, order) -> tuple[str, str]:
    """(badge key, label) for the citizen: the payment's status once accepted."""
    if order is not None:
        return order.status, str(PAYMENT_LABELS[order.status])
    return claim.status, str(claim.get_status_display())


def claim_amount(claim, order) -> tuple[str, int]:
    """(what, amount) beside the state: paid (or being paid) is the order's amount, what
    was recognised once decided, what was asked before."""
    if order is not None:
        return (_("pagati") if order.status == PayoutStatus.PAID else _("riconosciuti")), (
            order.amount
        )
    if claim.status in ACCEPTED_CLAIM_STATUSES:
        return _("riconosciuti"), claim.accepted_amount
    return _("chiesti"), claim.amount


def _own_claims(request):
    return ExpenseClaim.visible_to(request.actor).filter(person_id=request.user.person_id)


@citizen_required
def claims(request):
    awards = []
    orders = {
        o.claim_id: o
        for o in PayoutOrder.visible_to(request.actor)
        .filter(claim__person_id=request.user.person_id)
        .only("claim_id", "status", "paid_at", "amount")
    }
    for award in services.reimbursement_awards(request.user.person_id):
        rows = [
            (
                claim,
                *claim_state(claim, orders.get(claim.pk)),
                *claim_amount(claim, orders.get(claim.pk)),
            )
            for claim in _own_claims(request).filter(award=award).order_by("-submitted_at")
        ]
        awards.append(
            {
                "award": award,
                "usage": services.award_usage(award),
                "claims": rows,
                "open": award.call.status == "awarded",
            }
        )
    return render(request, "payouts/citizen/claims.html", {"awards": awards})


def claim_form(form_class, request, policy, **kwargs):
    """A claim form (the citizen's or the desk's) with the categories the call allows."""
    categories = [c for c in ClaimCategory.choices if policy.allows(c[0])]
    form = form_class(request.POST or None, request.FILES or None, categories=categories, **kwargs)
    if not policy.self_declaration_categories:
        # The call always wants the receipt: no self-declaration to offer.
        del form.fields["self_declared"], form.fields["declaration"]
    return form


def claim_form_context(form, award, policy) -> dict:
    """What both claim form pages show around the form."""
    return {
        "form": form,
        "award": award,
        "usage": services.award_usage(award),
        "self_declaration": [
            label for code, label in ClaimCategory.choices if policy.allows_self_declaration(code)
        ],
    }


def claim_data(data: dict) -> dict:
    """submit_claim's arguments that both claim forms collect."""
    return {
        "category": data["category"],
        "amount": data["amount"],
        "expense_date": data["expense_date"],
        "payee": data["payee"],
        "description": data["description"],
        "upload": data["document"],
        "self_declared": data.get("self_declared", False),
        "declaration_confirmed": data.get("declaration", False),
    }


@citizen_required
def claim_new(request, award_pk):
    award = get_object_or_404(services.reimbursement_awards(request.user.person_id), pk=award_pk)
    policy = services.policy_for(award.call)
    person = request.user.person
    form = claim_form(ClaimForm, request, policy, ask_iban=not person.iban, holder=person.full_name)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.submit_claim(
                request.actor,
                award,
                **claim_data(data),
                iban=data.get("iban", ""),
                iban_holder=data.get("iban_holder", ""),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Richiesta inviata: la trova qui sotto con il suo stato."))
            return redirect("payouts:citizen_claim", pk=claim.pk)
    return render(
        request,
        "payouts/citizen/claim_form.html",
        claim_form_context(form, award, policy),
    )


@citizen_required
def claim_detail(request, pk):
    claim = get_object_or_404(_own_claims(request).select_related("call"), pk=pk)
    order = PayoutOrder.visible_to(request.actor).filter(claim=claim).first()
    answer_form = iban_form = None
    if claim.status == "clarification":
        answer_form = ClarificationAnswerForm(
            request.POST if request.POST.get("form") == "answer" else None,
            request.FILES if request.POST.get("form") == "answer" else None,
        )
    if order is not None and order.status in (PayoutStatus.REJECTED, PayoutStatus.ON_HOLD):
        iban_form = CorrectOrderForm(request.POST if request.POST.get("form") == "iban" else None)
    if request.method == "POST":
        form = answer_form if request.POST.get("form") == "answer" else iban_form
        if form is not None and form.is_valid():
            try:
                if form is answer_form:
                    review.answer_clarification(
                        request.actor,
                        claim,
                        answer=form.cleaned_data["answer"],
                        upload=form.cleaned_data["document"],
                    )
                    messages.success(request, _("Risposta inviata."))
                else:
                    correct_order(request.actor, order, **form.cleaned_data)
                    messages.success(request, _("IBAN aggiornato: ripeteremo il bonifico."))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect("payouts:citizen_claim", pk=claim.pk)
    key, label = claim_state(claim, order)
    return render(
        request,
        "payouts/citizen/claim_detail.html",
        {
            "claim": claim,
            "order": order,
            "state_key": key,
            "state_label": label,
            "answer_form": answer_form,
            "iban_form": iban_form,
        },
    )


@citizen_required
def claim_document(request, pk):
    return serve(request, "claim-receipt", pk, CITIZEN)
