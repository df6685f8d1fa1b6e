"""A Point's operator booking a catalogue service for the person of one of their cases: the
bookings' own page (slots, wallets, confirmation); the bookings service checks that a valid
delegation to book and pay covers it (core.on_behalf) and audits "by operator X for Y"."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from benecomune.bookings.views.bookings_citizen import booking_page
from benecomune.core import on_behalf
from benecomune.desk.views.common import (
    delegation_or_message,
    operator_page,
    person_case_or_404,
)


@operator_page
def case_booking(request, points, pk, service_pk):
    case = person_case_or_404(request, pk)
    basis = delegation_or_message(
        request,
        case.person,
        on_behalf.BOOK_PAY,
        _(
            "Per prenotare e pagare per la persona serve una sua delega valida a questo "
            "Punto: la registri dalla scheda del caso (delega su carta con documento)."
        ),
    )
    if basis is None:
        return redirect("desk:case", pk=case.pk)

    def done(request, booking):
        messages.success(request, _("Prenotazione registrata per conto della persona."))
        return redirect("desk:case", pk=case.pk)

    return booking_page(
        request,
        actor=request.actor,
        booker=case.person,
        service_pk=service_pk,
        done=done,
        desk=True,
    )
