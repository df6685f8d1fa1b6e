"""The closures of a Point's appointments (holidays, a closed afternoon): its staff (whoever
administers its organisation, or works at it) add and remove them; another Point's staff get
404. Adding one over appointments already booked cancels nothing: the page lists them, and the
operators cancel them, if they want, from the agenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from benecomune.bookings.slots import ROME
from benecomune.core.forms_helpers import add_errors
from benecomune.desk import person_reads
from benecomune.desk.access import my_points
from benecomune.desk.appointment_forms import ClosureForm
from benecomune.desk.models import WelfarePoint
from benecomune.desk.services import appointments as services
from benecomune.desk.views.points import managed_point


def _staff_point(request, pk) -> tuple[WelfarePoint, bool]:
    """(the Point, whether the actor works at it) for its operators and its admins; 404 for
    anyone else, another Point's operators and another tenant's staff included."""
    actor = request.actor
    if actor is None or actor.membership is None:
        raise Http404
    point = my_points(actor).select_related("organization", "municipality").filter(pk=pk).first()
    if point is not None:
        return point, True
    return managed_point(request, pk), False  # 404 unless they administer it


def _listed(appointments) -> str:
    return ", ".join(
        f"{a.person.full_name} ({a.starts_at.astimezone(ROME):%d/%m/%Y %H:%M})"
        for a in appointments
    )


@login_required
def closures(request, pk):
    point, works_here = _staff_point(request, pk)
    form = ClosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            closure, affected = services.add_closure(request.actor, point, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                _("Chiusura registrata: %(when)s. In quei giorni e orari non si prenota più.")
                % {"when": services.describe(closure)},
            )
            if affected:
                messages.warning(
                    request,
                    ngettext(
                        "In questa chiusura c'è già %(n)s appuntamento prenotato: %(list)s. "
                        "Resta prenotato: se va annullato, lo annulli dall'agenda indicando il "
                        "motivo (la persona viene avvisata).",
                        "In questa chiusura ci sono già %(n)s appuntamenti prenotati: %(list)s. "
                        "Restano prenotati: se vanno annullati, li annulli dall'agenda indicando "
                        "il motivo (le persone vengono avvisate).",
                        len(affected),
                    )
                    % {"n": len(affected), "list": _listed(affected)},
                )
            return redirect("desk:point_closures", pk=point.pk)
    return render(
        request,
        "desk/appointments/closures.html",
        {
            "point": point,
            "form": form,
            "closures": services.upcoming_closures(point),
            "works_here": works_here,
            "agenda_url": f"{reverse('desk:appointments')}?punto={point.pk}",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def closure_remove(request, pk, closure_pk):
    point, _works_here = _staff_point(request, pk)
    closure = person_reads.point_closure(point, closure_pk)
    if closure is None:
        raise Http404
    description = services.describe(closure)
    try:
        services.remove_closure(request.actor, closure)
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("Chiusura tolta (%(when)s): i suoi orari tornano prenotabili.") % {"when": description},
    )
    return redirect("desk:point_closures", pk=point.pk)
