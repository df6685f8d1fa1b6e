"""The Comune's bookings (/gestione/comune/prenotazioni/, circuit.manage): the upcoming
bookings of its residents, and cancelling one with a reason (a closed building, an
emergency): the seat and any hold are released. A booking of another Comune's resident is not
found (404). The rows cross providers' tenants on purpose: they are filtered on the residence
of the person served, the Comune's own tenant."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.bookings import booking_queries
from benecomune.bookings.booking_forms import ReasonForm
from benecomune.bookings.services import booking_moves
from benecomune.core.lists import paged
from benecomune.core.views.decorators import staff_permission

PERMISSION = "circuit.manage"


def _rows(request):
    return booking_queries.residents_upcoming(request.actor.organization.pk)


@staff_permission(PERMISSION)
def comune_bookings(request):
    listing = paged(request, _rows(request), per_page=25)
    return render(
        request,
        "bookings/booking_list_comune.html",
        {**listing.context(), "reason_form": ReasonForm()},
    )


@require_POST
@staff_permission(PERMISSION)
def comune_booking_cancel(request, pk):
    booking = _rows(request).filter(pk=pk).first()
    if booking is None:
        raise Http404
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        booking_moves.cancel_by_comune(request.actor, booking, reason=reason)
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or _("Non ha i permessi per questa operazione."))
    else:
        messages.success(request, _("Prenotazione annullata."))
    return redirect("bookings:comune_bookings")
