"""Staff review of expense claims (desk operators and validators), and the claim rules of a
reimbursement call (calls.manage)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from benecomune.calls.models import Call
from benecomune.core.files import STAFF, serve
from benecomune.core.lists import choice, paged
from benecomune.core.views.decorators import staff_permission
from benecomune.ledger.money import format_euro
from benecomune.payouts.forms import ClaimPolicyForm, ReviewForm
from benecomune.payouts.models import ClaimStatus, ExpenseClaim, PayoutOrder
from benecomune.payouts.services import claim_review as review
from benecomune.payouts.services import claims as services
from benecomune.payouts.views.common import add_errors


@staff_permission("applications.view")
def claim_queue(request):
    rows = ExpenseClaim.objects.select_related("person", "call")
    status = choice(request, "stato", ClaimStatus, default=ClaimStatus.SUBMITTED)
    if status:
        rows = rows.filter(status=status)
    listing = paged(request, rows.order_by("submitted_at", "pk"), per_page=25)
    return render(
        request,
        "payouts/review/queue.html",
        {**listing.context(), "status": status, "statuses": list(ClaimStatus)},
    )


@staff_permission("applications.view")
def claim_review(request, pk):
    claim = get_object_or_404(
        ExpenseClaim.objects.select_related("person", "call", "award", "possible_duplicate"), pk=pk
    )
    form = ReviewForm(request.POST or None)
    can_decide = any(
        request.actor.has_perm(p, claim.organization_id) for p in review.REVIEW_PERMISSIONS
    )
    if request.method == "POST" and form.is_valid():
        if not can_decide:
            raise PermissionDenied
        try:
            form.decide(request.actor, claim)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Decisione registrata e comunicata al beneficiario."))
            return redirect("payouts:claim_review", pk=claim.pk)
    usage = services.award_usage(claim.award)
    return render(
        request,
        "payouts/review/claim.html",
        {
            "claim": claim,
            "form": form if claim.is_open and can_decide else None,
            "usage": usage,
            "remaining_text": format_euro(claim.award.amount - usage["accepted"]),
            "order": PayoutOrder.objects.filter(claim=claim).first(),
        },
    )


@staff_permission("applications.view")
def claim_document(request, pk):
    return serve(request, "claim-receipt", pk, STAFF)


@staff_permission("calls.manage")
def claim_policy(request, call_pk):
    call = get_object_or_404(Call.objects, pk=call_pk, benefit_type="reimbursement")
    policy = services.policy_for(call)
    form = ClaimPolicyForm(
        request.POST or None,
        initial={
            "categories": policy.categories,
            "self_declaration_categories": policy.self_declaration_categories,
            "max_per_claim": format_euro(policy.max_per_claim).replace("€ ", "")
            if policy.max_per_claim
            else "",
            "max_per_call": format_euro(policy.max_per_call).replace("€ ", "")
            if policy.max_per_call
            else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_policy(request.actor, call, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Regole dei rimborsi salvate."))
            return redirect("payouts:claim_policy", call_pk=call.pk)
    return render(request, "payouts/review/policy.html", {"form": form, "call": call})
