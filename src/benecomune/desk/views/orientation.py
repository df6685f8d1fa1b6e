"""Orientation of a case: the suggestions with their reasons, dismissing one, giving the
chosen list to the person (PDF through core's file view), recording a need as unmet; and
the person's own lists in their area."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.forms_helpers import add_errors
from benecomune.core.views.decorators import citizen_required
from benecomune.desk import access
from benecomune.desk.orientation import queries
from benecomune.desk.orientation.propose import propose
from benecomune.desk.orientation_forms import DismissForm, GiveForm, UnmetForm
from benecomune.desk.services import orientation as services
from benecomune.desk.views.common import operator_page


def _context(request, case, proposal, **forms) -> dict:
    return {
        "case": case,
        "proposal": proposal,
        "in_team": access.in_team(request.actor, case),
        "orientations": queries.case_orientations(case),
        "outcomes": queries.case_outcomes(case),
        "give_form": forms.get("give_form") or GiveForm(suggestions=proposal.suggestions),
        "unmet_form": forms.get("unmet_form") or UnmetForm(needs=case.needs.all()),
        "dismiss_error": forms.get("dismiss_form"),
        "bookable": queries.bookable_services(proposal.suggestions) if case.person_id else set(),
    }


def _case(request, pk):
    return access.case_or_404(
        request.actor,
        pk,
        queryset=access.visible_cases(request.actor).select_related(
            "person", "point__municipality"
        ),
    )


@operator_page
def orientation(request, points, pk):
    case = _case(request, pk)
    return render(request, "desk/orientation/case.html", _context(request, case, propose(case)))


def _done(request, case, form_name, form, run, message):
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("desk:orientation", pk=case.pk)
    context = _context(request, case, propose(case), **{form_name: form})
    return render(request, "desk/orientation/case.html", context, status=400)


@require_POST
@operator_page
def dismiss(request, points, pk):
    case = _case(request, pk)
    form = DismissForm(request.POST)
    return _done(
        request,
        case,
        "dismiss_form",
        form,
        lambda data: services.dismiss(request.actor, case, key=data["key"], reason=data["reason"]),
        _("Proposta scartata."),
    )


@require_POST
@operator_page
def give(request, points, pk):
    case = _case(request, pk)
    form = GiveForm(request.POST, suggestions=propose(case).suggestions)
    return _done(
        request,
        case,
        "give_form",
        form,
        lambda data: services.give(request.actor, case, keys=data["chosen"], note=data["note"]),
        _("Orientamento consegnato: la persona lo trova nella sua area personale."),
    )


@require_POST
@operator_page
def unmet(request, points, pk):
    case = _case(request, pk)
    form = UnmetForm(request.POST, needs=case.needs.all())
    return _done(
        request,
        case,
        "unmet_form",
        form,
        lambda data: services.mark_unmet(request.actor, case, need=data["need"], note=data["note"]),
        _("Bisogno registrato come senza risposta."),
    )


@citizen_required
def my_orientations(request):
    rows = queries.person_orientations(request.user.person_id)
    return render(request, "desk/orientation/mine.html", {"orientations": rows})
