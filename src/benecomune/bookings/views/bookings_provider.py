"""The provider's bookings (/gestione/fornitore/prenotazioni/): the list (upcoming first, a
status filter, CSV export) and one booking with confirm / decline (reason), completed,
no-show and cancel (reason). Another provider's booking is not found (404)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from benecomune.bookings import booking_queries
from benecomune.bookings.booking_forms import ReasonForm
from benecomune.bookings.booking_lifecycle import BOOKING
from benecomune.bookings.home_visits import visit_address
from benecomune.bookings.models import Booking, BookingStatus
from benecomune.bookings.services import booking_moves
from benecomune.core.exports import csv_response
from benecomune.core.lists import choice, export, paged
from benecomune.marketplace.views.common import provider_page

PER_PAGE = 25
S = BookingStatus


def _rows(provider, status):
    rows = Booking.objects.filter(provider=provider).select_related("person", "resource")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-starts_at", "-pk")


def _csv(rows):
    header = [_("Numero"), _("Inizio"), _("Servizio"), _("Risorsa"), _("Stato")]
    lines = (
        [
            b.number,
            b.starts_at.isoformat(),
            b.title,
            b.resource.name if b.resource else "",
            b.get_status_display(),
        ]
        for b in rows.iterator()
    )
    return csv_response(header, lines, "prenotazioni.csv")


@provider_page
def provider_bookings(request, provider):
    status = choice(request, "stato", BookingStatus)
    rows = _rows(provider, status)
    if (response := export(request, csv=lambda: _csv(rows))) is not None:
        return response
    listing = paged(request, rows, per_page=PER_PAGE)
    return render(
        request,
        "bookings/booking_list_provider.html",
        {**listing.context(), "status": status, "statuses": BookingStatus.choices},
    )


def _own(provider, pk) -> Booking:
    booking = (
        Booking.objects.select_related("person", "resource", "order", "service")
        .filter(provider=provider, pk=pk)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def _can(booking, target, action=None) -> bool:
    return BOOKING.find(booking.status, target, action) is not None


@provider_page
def provider_booking(request, provider, pk):
    booking = _own(provider, pk)
    return render(
        request,
        "bookings/booking_detail_provider.html",
        {
            "booking": booking,
            "visit_address": visit_address(booking),
            "can_confirm": _can(booking, S.CONFIRMED, "bookings.booking_confirmed"),
            "can_decline": _can(booking, S.DECLINED),
            "can_complete": _can(booking, S.COMPLETED),
            "can_no_show": _can(booking, S.NO_SHOW),
            "can_cancel": _can(booking, S.CANCELLED, "bookings.booking_cancelled_by_provider"),
            "reason_form": ReasonForm(),
            "history": booking_queries.history_of(booking),
        },
    )


def _reason(request) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


STEPS = {
    "conferma": (lambda a, b, r: booking_moves.confirm(a, b), _lazy("Prenotazione confermata.")),
    "rifiuta": (
        lambda a, b, r: booking_moves.decline(a, b, reason=r),
        _lazy("Prenotazione rifiutata."),
    ),
    "svolta": (
        lambda a, b, r: booking_moves.complete(a, b),
        _lazy("Prenotazione segnata come svolta."),
    ),
    "assente": (lambda a, b, r: booking_moves.no_show(a, b), _lazy("Assenza registrata.")),
    "annulla": (
        lambda a, b, r: booking_moves.cancel_by_provider(a, b, reason=r),
        _lazy("Prenotazione annullata."),
    ),
}


@require_POST
@provider_page
def provider_booking_move(request, provider, pk, step):
    if step not in STEPS:
        raise Http404
    booking = _own(provider, pk)
    run, success = STEPS[step]
    try:
        run(request.actor, booking, _reason(request))
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or _("Non ha i permessi per questa operazione."))
    else:
        messages.success(request, str(success))
    return redirect("bookings:provider_booking", pk=booking.pk)
