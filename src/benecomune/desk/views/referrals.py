"""Referral pages: the operator sends one from a case; the receiving side (a provider's staff,
a Comune's desk or admin, another Point's operators) lists and answers those it received; a
Point that received a referral reads the case; the worklist shows overdue referrals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import paged
from benecomune.desk import access
from benecomune.desk.models import ReferralStatus, ReferralTarget
from benecomune.desk.referral_forms import AnswerForm, CompleteForm, ReferralForm
from benecomune.desk.services import referrals as services
from benecomune.desk.services.referrals import ReferralRequest
from benecomune.desk.views.common import operator_page


def _request(data) -> ReferralRequest:
    target = data["target"]
    service = data.get("service") if target == ReferralTarget.PROVIDER else None
    organization = None
    if target == ReferralTarget.PROVIDER:
        organization = data.get("provider") or (service.provider if service else None)
    elif target == ReferralTarget.OFFICE:
        organization = data.get("office")
    return ReferralRequest(
        target=target,
        reason=data["reason"],
        shared_data=data["shared_data"],
        follow_up_on=data["follow_up_on"],
        to_organization=organization,
        to_service=service,
        to_point=data.get("point") if target == ReferralTarget.POINT else None,
    )


@operator_page
def referral_new(request, points, pk):
    case = access.case_or_404(request.actor, pk, queryset=access.own_cases(request.actor))
    form = ReferralForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.send(request.actor, case, _request(form.cleaned_data))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Segnalazione inviata."))
            return redirect("desk:case", pk=case.pk)
    return render(
        request,
        "desk/referrals/new.html",
        {"case": case, "form": form, "consent": services.sharing_consent(case)},
    )


def worklist_section(actor) -> dict:
    """The worklist's referrals: those sent from the operator's Points now overdue, and those
    received by their Points waiting for an answer."""
    sent = services.sent_by_my_points(actor).select_related("case", "to_organization", "to_point")
    received = access.received_referrals(actor).filter(status=ReferralStatus.PENDING)
    return {
        "overdue_referrals": list(services.overdue(sent).order_by("follow_up_on")[:50]),
        "received_pending": received.count(),
    }


def referred_case(request, case):
    """A case referred to the actor's Point: the case's essentials and the referrals to it,
    read-only (no notes beyond the shared data, no attachments)."""
    received = access.received_referrals(request.actor).filter(case=case)
    return render(
        request,
        "desk/referrals/referred_case.html",
        {"case": case, "received": received.select_related("consent", "to_service")},
    )


def _receiver(view):
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = request.actor
        if actor is None or actor.membership is None:
            raise PermissionDenied
        operator = access.is_operator_role(actor) and actor.has_perm("desk.cases")
        receiving = any(actor.has_perm(code) for code in access.RECEIVING_PERMISSIONS)
        if not (operator or receiving):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


@_receiver
def received(request):
    rows = (
        access.received_referrals(request.actor)
        .select_related("case", "case__person", "case__point", "to_service", "to_point")
        .order_by("status", "follow_up_on")
    )
    state = request.GET.get("stato", "")
    if state in ReferralStatus.values:
        rows = rows.filter(status=state)
    listing = paged(request, rows, per_page=25)
    return render(
        request,
        "desk/referrals/received.html",
        {
            **listing.context(),
            "statuses": ReferralStatus.choices,
            "state": state,
            "answer_form": AnswerForm(),
            "complete_form": CompleteForm(),
            "today": timezone.localdate(),
        },
    )


ACTIONS = {
    "accetta": lambda actor, referral, data: services.accept(actor, referral, note=data["note"]),
    "rifiuta": lambda actor, referral, data: services.decline(actor, referral, note=data["note"]),
    "concludi": lambda actor, referral, data: services.complete(
        actor, referral, outcome=data["outcome"]
    ),
}


@require_POST
@_receiver
def received_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    referral = access.received_referrals(request.actor).filter(pk=pk).first()
    if referral is None:
        raise Http404
    form = (CompleteForm if action == "concludi" else AnswerForm)(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scriva l'esito della segnalazione."))
        return redirect("desk:received_referrals")
    try:
        ACTIONS[action](request.actor, referral, form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Segnalazione aggiornata."))
    return redirect("desk:received_referrals")
