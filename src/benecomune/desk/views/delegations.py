"""Delegation pages: the citizen gives, sees and revokes their delegations and sees what was
done for them ("Chi ha agito per me"); the desk records a paper delegation for a case's
person (with the identity document) and revokes one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import paged
from benecomune.core.on_behalf import actions_for
from benecomune.core.views.decorators import citizen_required
from benecomune.desk import access
from benecomune.desk.delegation_forms import DelegationForm, DeskDelegationForm
from benecomune.desk.services import delegations as services
from benecomune.desk.services.delegations import DelegationRequest
from benecomune.desk.views.common import citizen_actor, operator_page


def _request(data) -> DelegationRequest:
    return DelegationRequest(
        point=data["point"],
        scopes=list(data["scopes"]),
        valid_from=data["valid_from"],
        valid_until=data["valid_until"],
        id_document_type=data.get("id_document_type", ""),
        id_document_number=data.get("id_document_number", ""),
        id_document_expiry=data.get("id_document_expiry"),
        scan=data.get("scan"),
    )


@citizen_required
def my_delegations(request):
    person = request.user.person
    today = timezone.localdate()
    form = DelegationForm(
        request.POST or None,
        points=access.public_points(),
        initial={"valid_from": today, "valid_until": today.replace(year=today.year + 1)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.give_digitally(citizen_actor(request), _request(form.cleaned_data))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Delega registrata."))
            return redirect("desk:my_delegations")
    rows = services.of_person(person)
    return render(
        request,
        "desk/delegations/mine.html",
        {"delegations": rows, "form": form, "today": today},
    )


@require_POST
@citizen_required
def my_delegation_revoke(request, pk):
    delegation = services.of_person(request.user.person).filter(pk=pk).first()
    if delegation is None:
        raise Http404
    try:
        services.revoke(citizen_actor(request), delegation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Delega revocata."))
    return redirect("desk:my_delegations")


@citizen_required
def acted_for_me(request):
    listing = paged(request, actions_for(request.user.person), per_page=30)
    return render(request, "desk/delegations/acted_for_me.html", listing.context())


@operator_page
def desk_delegation_new(request, points, pk):
    case = access.case_or_404(request.actor, pk, queryset=access.own_cases(request.actor))
    if case.person_id is None:
        raise Http404
    today = timezone.localdate()
    form = DeskDelegationForm(
        request.POST or None,
        request.FILES or None,
        points=access.my_points(request.actor),
        initial={
            "point": case.point_id,
            "valid_from": today,
            "valid_until": today.replace(year=today.year + 1),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_at_desk(request.actor, case.person, _request(form.cleaned_data))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Delega registrata."))
            return redirect("desk:case", pk=case.pk)
    rows = services.at_my_points(request.actor).filter(person=case.person)
    return render(
        request,
        "desk/delegations/desk_new.html",
        {"case": case, "form": form, "delegations": rows, "today": today},
    )


@require_POST
@operator_page
def desk_delegation_revoke(request, points, pk):
    delegation = services.at_my_points(request.actor).filter(pk=pk).first()
    if delegation is None:
        raise Http404
    try:
        services.revoke(request.actor, delegation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Delega revocata."))
    case = access.own_cases(request.actor).filter(person_id=delegation.person_id).first()
    return redirect("desk:case", pk=case.pk) if case else redirect("desk:worklist")
